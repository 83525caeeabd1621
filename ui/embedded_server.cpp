#include "embedded_server.h"

#include "core/api_client.h"
#include "server/coderd/coderd.h"
#include "server/coderd/coderd_config.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QPointer>
#include <QStandardPaths>

namespace coder::ui {

namespace {

// The one server whose log the message handler forwards (the app embeds one at a time).
QMutex logMutex;
QPointer<EmbeddedServer> logTarget;
QtMessageHandler previousHandler = nullptr;

} // namespace

EmbeddedServer::EmbeddedServer(QObject *parent) : QObject(parent)
{
    m_healthTimer.setInterval(kHealthIntervalMs);
    connect(&m_healthTimer, &QTimer::timeout, this, &EmbeddedServer::checkHealth);
}

EmbeddedServer::~EmbeddedServer()
{
    const QMutexLocker lock(&logMutex);
    if (logTarget == this) {
        logTarget.clear();
        qInstallMessageHandler(previousHandler);
    }
}

QString EmbeddedServer::defaultAgentProgram()
{
    const QFileInfo beside(
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("coder-agent")));
    if (beside.isFile() && beside.isExecutable())
        return beside.absoluteFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("coder-agent"));
}

void EmbeddedServer::handleMessage(QtMsgType type, const QMessageLogContext &context,
                                   const QString &message)
{
    QtMessageHandler previous;
    QPointer<EmbeddedServer> target;
    {
        const QMutexLocker lock(&logMutex);
        previous = previousHandler;
        target = logTarget;
    }
    if (target && context.category && qstrncmp(context.category, "coder", 5) == 0) {
        const char *level = type == QtWarningMsg    ? "WARN "
                            : type == QtCriticalMsg ? "ERROR"
                            : type == QtDebugMsg    ? "DEBUG"
                                                    : "INFO ";
        const QString line = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")) +
                             u' ' + QLatin1String(level) + u' ' + QLatin1String(context.category) +
                             QStringLiteral(": ") + message;
        // From any of coderd's threads: the line is appended on the server's own.
        QMetaObject::invokeMethod(
            target,
            [target, line] {
                if (target)
                    target->appendLog(line);
            },
            Qt::QueuedConnection);
    }
    if (previous)
        previous(type, context, message);
}

void EmbeddedServer::start(const Options &options)
{
    if (m_state == State::Starting || m_state == State::Running || m_state == State::Stopping)
        return;
    m_options = options;
    m_failure.clear();
    m_url.clear();
    {
        const QMutexLocker lock(&logMutex);
        if (!logTarget) {
            logTarget = this;
            previousHandler = qInstallMessageHandler(&EmbeddedServer::handleMessage);
        }
    }
    server::CoderdConfig config;
    config.dataDir = options.dataDir;
    config.httpAddress = options.httpAddress;
    config.postgresUrl = options.postgresUrl;
    config.agentProgram =
        options.agentProgram.isEmpty() ? defaultAgentProgram() : options.agentProgram;
    config.provisionerDaemons = 2;
    m_coderd = std::make_unique<server::Coderd>();
    connect(m_coderd.get(), &server::Coderd::ready, this, [this] {
        m_url = m_coderd->accessUrl();
        m_database = m_coderd->databaseDescription();
        appendLog(tr("The local server is running at %1 (%2).").arg(m_url.toString(), m_database));
        m_health = std::make_unique<core::ApiClient>(m_url);
        m_health->setTransferTimeout(std::chrono::milliseconds(kHealthIntervalMs));
        setState(State::Running);
        checkHealth();
        m_healthTimer.start();
    });
    connect(m_coderd.get(), &server::Coderd::failed, this, [this](const QString &reason) {
        m_healthTimer.stop();
        m_failure = advice(reason, m_options);
        appendLog(m_failure);
        setState(State::Failed);
    });
    connect(m_coderd.get(), &server::Coderd::stopped, this, [this] {
        m_healthTimer.stop();
        appendLog(tr("The local server stopped."));
        setState(State::Stopped);
    });
    appendLog(tr("Starting the local server (%1)…")
                  .arg(options.postgresUrl.isEmpty() ? tr("SQLite in %1").arg(options.dataDir)
                                                     : tr("PostgreSQL")));
    setState(State::Starting);
    m_coderd->start(config);
}

void EmbeddedServer::stop()
{
    if (!m_coderd || (m_state != State::Starting && m_state != State::Running))
        return;
    m_healthTimer.stop();
    m_health.reset();
    setState(State::Stopping);
    m_coderd->stop();
}

QString EmbeddedServer::advice(const QString &reason, const Options &options)
{
    QString what;
    if (reason.contains(u"address is already in use", Qt::CaseInsensitive) ||
        reason.contains(u"Cannot listen"))
        what = tr("Another program uses %1. Stop it, or choose another port for the local "
                  "server.")
                   .arg(options.httpAddress);
    else if (reason.contains(u"data directory") ||
             reason.contains(u"permission", Qt::CaseInsensitive))
        what = tr("Check that %1 can be created and written by you.").arg(options.dataDir);
    else if (!options.postgresUrl.isEmpty())
        what = tr("Check the PostgreSQL URL, and that the server there runs and accepts you.");
    return what.isEmpty() ? tr("The local server did not start: %1").arg(reason)
                          : tr("The local server did not start: %1. %2").arg(reason, what);
}

void EmbeddedServer::checkHealth()
{
    if (!m_health || m_checking)
        return;
    m_checking = true;
    m_health->get(QStringLiteral("/api/v2/buildinfo"),
                  [self = QPointer(this)](core::Result<QJsonDocument, core::ApiError> answer) {
                      if (!self)
                          return;
                      self->m_checking = false;
                      const bool healthy = bool(answer);
                      if (healthy != self->m_healthy) {
                          self->m_healthy = healthy;
                          Q_EMIT self->healthChanged(healthy);
                      }
                  });
}

void EmbeddedServer::setState(State state)
{
    if (state != State::Running && m_healthy) {
        m_healthy = false;
        Q_EMIT healthChanged(false);
    }
    m_state = state;
    Q_EMIT stateChanged(state);
}

void EmbeddedServer::appendLog(const QString &line)
{
    m_log.append(line);
    if (m_log.size() > kMaxLogLines)
        m_log.remove(0, m_log.size() - kMaxLogLines);
    Q_EMIT logLine(line);
}

} // namespace coder::ui
