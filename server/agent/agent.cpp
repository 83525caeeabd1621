#include "agent.h"

#include "core/api_client.h"
#include "core/json_mapping.h"
#include "core/tunnel/tunnel_client.h"
#include "latest_report.h"
#include "log_shipper.h"
#include "metadata_collector.h"
#include "port_scanner.h"
#include "script_runner.h"
#include "stream_server.h"

#include <QDir>
#include <QLoggingCategory>
#include <QProcessEnvironment>

namespace coder::server::agent {

Q_LOGGING_CATEGORY(lcAgent, "coder.agent")

namespace {
// How long a stopping agent tries to tell coderd before it ends anyway (after its shutdown
// script).
constexpr int kStopReportMs = 5000;
// How often the listening ports and the stream statistics are looked at (sent when changed).
constexpr int kReportIntervalMs = 2000;
} // namespace

Agent::Agent(const Options &options, QObject *parent)
    : QObject(parent), m_options(options), m_api(new core::ApiClient(options.url, this)),
      m_streams(new StreamServer(this))
{
    m_api->setSessionToken(options.token);
    QUrl tunnelUrl = options.url;
    tunnelUrl.setPath(tunnelUrl.path().chopped(tunnelUrl.path().endsWith(u'/') ? 1 : 0) +
                      QStringLiteral("/api/v2/workspaceagents/me/tunnel"));
    m_tunnel = new core::tunnel::TunnelClient(tunnelUrl, options.token,
                                              core::tunnel::TunnelSession::Side::Listener, this);
    m_tunnel->setKeepAlive(options.keepAliveMs);
    m_tunnel->setUserAgent(QStringLiteral("coder-agent/" CODER_VERSION));
    connect(m_tunnel, &core::tunnel::TunnelClient::connected, this,
            [this](core::tunnel::TunnelSession *session) {
                qCInfo(lcAgent) << "tunnel to coderd connected";
                m_streams->serve(session);
            });
    connect(m_tunnel, &core::tunnel::TunnelClient::disconnected, this,
            [](const QString &reason, int retryMs) {
                qCWarning(lcAgent).noquote() << QStringLiteral("tunnel to coderd down (%1); "
                                                               "retrying in %2 ms")
                                                    .arg(reason)
                                                    .arg(retryMs);
            });
    // Refused: the token is not (or no longer) good. It may become good (an agent starts before
    // its build is recorded), so try again, slowly.
    connect(m_tunnel, &core::tunnel::TunnelClient::refused, this,
            [this](int, const QString &reason) {
                qCWarning(lcAgent).noquote()
                    << "coderd refused the tunnel:" << reason << "- trying again in 5 s";
                QTimer::singleShot(5000, m_tunnel, [this] {
                    if (!m_stopping)
                        m_tunnel->start();
                });
            });
    m_logs = new LogShipper(*m_api, this);
    connect(m_logs, &LogShipper::drained, this, &Agent::finishIfDone);
    m_metadata = new MetadataCollector(*m_api, this);
    m_ports = new LatestReport(*m_api, QStringLiteral("/api/v2/workspaceagents/me/listening-ports"),
                               this);
    m_stats =
        new LatestReport(*m_api, QStringLiteral("/api/v2/workspaceagents/me/report-stats"), this);
    m_reportTimer.setInterval(kReportIntervalMs);
    connect(&m_reportTimer, &QTimer::timeout, this, &Agent::reportPortsAndStats);

    m_manifestRetry.setSingleShot(true);
    connect(&m_manifestRetry, &QTimer::timeout, this, &Agent::fetchManifest);
    m_reportRetry.setSingleShot(true);
    m_reportRetry.setInterval(1000);
    connect(&m_reportRetry, &QTimer::timeout, this, &Agent::sendNextReport);
    m_stopDeadline.setSingleShot(true);
    connect(&m_stopDeadline, &QTimer::timeout, this, [this] {
        qCWarning(lcAgent) << "coderd did not take the last reports in time; ending";
        m_stopping = false; // nothing more is sent or reported
        m_reports.clear();
        Q_EMIT finished();
    });
}

Agent::~Agent() = default;

void Agent::start()
{
    fetchManifest();
}

void Agent::fetchManifest()
{
    m_api->get(QStringLiteral("/api/v2/workspaceagents/me/manifest"),
               [this](core::Result<QJsonDocument, core::ApiError> result) {
                   if (m_stopping)
                       return;
                   if (!result) {
                       qCWarning(lcAgent).noquote()
                           << "cannot fetch the manifest:" << result.error().message
                           << "- retrying in" << m_manifestRetryMs << "ms";
                       m_manifestRetry.start(m_manifestRetryMs);
                       m_manifestRetryMs = std::min(m_manifestRetryMs * 2, 10000);
                       return;
                   }
                   core::AgentManifest manifest;
                   const auto problems = core::json::readEach(result->object(), manifest);
                   if (!problems.isEmpty()) {
                       qCWarning(lcAgent)
                           << "the manifest is not readable:" << problems.first().field;
                       m_manifestRetry.start(10000);
                       return;
                   }
                   onManifest(manifest);
               });
}

void Agent::onManifest(const core::AgentManifest &manifest)
{
    m_manifest = manifest;
    m_haveManifest = true;
    // The token is good now: the tunnel will be let in.
    m_tunnel->start();
    m_metadata->start(manifest.metadata, workingDirectory(), scriptEnvironment());
    reportPortsAndStats();
    m_reportTimer.start();
    qCInfo(lcAgent).noquote() << "agent" << manifest.agentName << "of workspace"
                              << QString(manifest.ownerName + u'/' + manifest.workspaceName);
    if (manifest.startupScript.trimmed().isEmpty()) {
        report(QStringLiteral("ready"));
        return;
    }
    report(QStringLiteral("starting"));
    runStartupScript();
}

QString Agent::workingDirectory() const
{
    const QString home = QDir::homePath();
    const QString directory = m_manifest.directory.trimmed();
    if (directory.isEmpty() || directory == u'~')
        return home;
    if (directory.startsWith(QStringLiteral("~/")))
        return home + directory.mid(1);
    if (QDir::isRelativePath(directory))
        return home + u'/' + directory;
    return directory;
}

QProcessEnvironment Agent::scriptEnvironment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Scripts do not see the agent's secret.
    environment.remove(QStringLiteral("CODER_AGENT_TOKEN"));
    for (auto it = m_manifest.environmentVariables.cbegin();
         it != m_manifest.environmentVariables.cend(); ++it)
        environment.insert(it.key(), it.value());
    return environment;
}

void Agent::reportPortsAndStats()
{
    core::WorkspaceAgentListeningPortsResponse ports;
    ports.ports = m_portScanner.scan();
    m_ports->set(core::json::toJson(ports));
    core::AgentStats stats;
    const StreamServer::Stats &served = m_streams->stats();
    for (auto it = served.openByKind.cbegin(); it != served.openByKind.cend(); ++it)
        stats.openStreams.insert(it.key(), it.value());
    stats.bytesIn = served.bytesIn;
    stats.bytesOut = served.bytesOut;
    m_stats->set(core::json::toJson(stats));
}

void Agent::runStartupScript()
{
    m_startup = runScript({QStringLiteral("startup"), m_manifest.startupScript,
                           m_manifest.startupScriptTimeoutSeconds, QStringLiteral("ready"),
                           QStringLiteral("start_error"), QStringLiteral("start_timeout")});
}

void Agent::report(const QString &state)
{
    m_reports.push_back({state, QDateTime::currentDateTimeUtc()});
    sendNextReport();
}

void Agent::sendNextReport()
{
    if (m_reportInFlight || m_reports.empty())
        return;
    m_reportInFlight = true;
    const core::PostLifecycleRequest request = m_reports.front();
    m_api->sendJson("POST", QStringLiteral("/api/v2/workspaceagents/me/report-lifecycle"), request,
                    [this, state = request.state](core::Result<QJsonDocument, core::ApiError> r) {
                        m_reportInFlight = false;
                        if (!r && (r.error().status == 0 || r.error().status >= 500)) {
                            m_reportRetry.start(); // coderd is away: the same report again
                            return;
                        }
                        if (!r)
                            qCWarning(lcAgent).noquote()
                                << "lifecycle" << state << "refused:" << r.error().message;
                        else
                            qCInfo(lcAgent).noquote() << "lifecycle:" << state;
                        m_reports.pop_front();
                        if (m_reports.empty())
                            finishIfDone();
                        else
                            sendNextReport();
                    });
}

void Agent::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_manifestRetry.stop();
    delete m_startup;
    m_startup = nullptr;
    m_tunnel->stop();
    m_metadata->stop();
    m_reportTimer.stop();
    if (!m_haveManifest) {
        m_stopDeadline.start(kStopReportMs);
        finishIfDone();
        return;
    }
    report(QStringLiteral("shutting_down"));
    if (m_manifest.shutdownScript.trimmed().isEmpty()) {
        report(QStringLiteral("off"));
        m_stopDeadline.start(kStopReportMs);
        finishIfDone();
        return;
    }
    runShutdownScript();
}

void Agent::runShutdownScript()
{
    m_shutdown = runScript({QStringLiteral("shutdown"), m_manifest.shutdownScript,
                            m_manifest.shutdownScriptTimeoutSeconds, QStringLiteral("off"),
                            QStringLiteral("shutdown_error"), QStringLiteral("shutdown_timeout")});
}

ScriptRunner *Agent::runScript(const Script &script)
{
    auto *runner = new ScriptRunner(this);
    connect(runner, &ScriptRunner::line, this,
            [this](const QString &text) { m_logs->append(text); });
    connect(runner, &ScriptRunner::finished, this,
            [this, script](int exitCode, bool timedOut, const QString &error) {
                const bool shutdown = script.name == u"shutdown";
                if (m_stopping && !shutdown)
                    return; // the startup script was ended by the stop
                if (timedOut) {
                    m_logs->append(QStringLiteral("The %1 script timed out after %2 s.")
                                       .arg(script.name)
                                       .arg(script.timeoutSeconds),
                                   QStringLiteral("error"));
                    report(script.timeoutState);
                } else if (exitCode != 0) {
                    m_logs->append(
                        error.isEmpty()
                            ? QStringLiteral("The %1 script exited with code %2.")
                                  .arg(script.name)
                                  .arg(exitCode)
                            : QStringLiteral("The %1 script failed: %2").arg(script.name, error),
                        QStringLiteral("error"));
                    report(script.errorState);
                } else {
                    report(script.doneState);
                }
                if (shutdown) {
                    m_stopDeadline.start(kStopReportMs);
                    finishIfDone();
                }
            });
    runner->start(script.text, workingDirectory(), scriptEnvironment(), script.timeoutSeconds);
    return runner;
}

// Done once stopping has got past the shutdown script (the deadline runs from then on) and
// coderd has every report and log line.
void Agent::finishIfDone()
{
    if (m_stopping && m_stopDeadline.isActive() && m_reports.empty() && m_logs->idle()) {
        m_stopDeadline.stop();
        Q_EMIT finished();
    }
}

} // namespace coder::server::agent
