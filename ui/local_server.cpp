#include "local_server.h"

#include "core/template_archive.h"
#include "core/template_examples.h"
#include "core/template_pusher.h"
#include "deployment_session.h"
#include "session_manager.h"

#include <QSettings>
#include <QTemporaryDir>

namespace coder::ui {

namespace {
const QString kPortKey = QStringLiteral("localServer/port");
const QString kPostgresKey = QStringLiteral("localServer/postgresUrl");
const QString kTemplate = QStringLiteral("local");
} // namespace

LocalServer::LocalServer(SessionManager &sessions, QSettings &settings, QString dataDir,
                         QObject *parent)
    : QObject(parent), m_sessions(sessions), m_settings(settings), m_dataDir(std::move(dataDir))
{
    connect(&m_server, &EmbeddedServer::stateChanged, this, [this](EmbeddedServer::State state) {
        if (state == EmbeddedServer::State::Running)
            onRunning();
    });
    connect(&m_sessions, &SessionManager::sessionChanged, this, &LocalServer::onSession);
}

LocalServer::~LocalServer() = default;

void LocalServer::start()
{
    EmbeddedServer::Options options;
    options.dataDir = m_dataDir + QStringLiteral("/server");
    const int port = m_settings.value(kPortKey, 0).toInt();
    options.httpAddress = QStringLiteral("127.0.0.1:%1").arg(port);
    options.postgresUrl = m_settings.value(kPostgresKey).toString();
    options.agentProgram = m_agentProgram;
    m_server.start(options);
}

void LocalServer::stop()
{
    m_server.stop();
}

void LocalServer::onRunning()
{
    const QUrl url = m_server.url();
    m_settings.setValue(kPortKey, url.port());
    const QString id = Deployment::idOf(url);
    if (m_sessions.current() && m_sessions.current()->deployment().id() == id) {
        onSession(m_sessions.current());
        return;
    }
    if (m_sessions.deployments().find(id)) {
        m_sessions.switchTo(id); // its stored token, or a login when there is none
        return;
    }
    Q_EMIT loginNeeded(url, tr("Your local server runs at %1. Log in to it (the first time: "
                               "create its owner account).")
                                .arg(url.toString()));
}

void LocalServer::onSession(DeploymentSession *session)
{
    if (!session || m_server.state() != EmbeddedServer::State::Running ||
        session->deployment().id() != Deployment::idOf(m_server.url()))
        return;
    if (!session->deployment().embedded) {
        Deployment marked = session->deployment();
        marked.embedded = true;
        m_sessions.deployments().remember(marked);
    }
    ensureTemplate(session);
}

void LocalServer::ensureTemplate(DeploymentSession *session)
{
    if (m_pusher)
        return;
    core::ApiClient &api = session->api();
    api.templateByName(
        QStringLiteral("default"), kTemplate,
        [this, session = QPointer(session)](core::Result<core::Template, core::ApiError> found) {
            if (!session)
                return;
            if (found) {
                Q_EMIT templateReady(kTemplate);
                return;
            }
            if (found.error().status != 404) {
                Q_EMIT templateFailed(found.error().describe());
                return;
            }
            QTemporaryDir scratch;
            auto written = core::TemplateExamples::write(kTemplate, scratch.path());
            auto archive = written ? core::TemplateArchive::pack(scratch.path())
                                   : core::Result<QByteArray, QString>(written.error());
            if (!archive) {
                Q_EMIT templateFailed(archive.error());
                return;
            }
            core::TemplatePusher::Options options;
            options.name = kTemplate;
            options.message = tr("Pushed by the desktop app at the local server's first start");
            m_pusher = new core::TemplatePusher(
                &session->api(), options, [](const QString &) {}, [](const QString &) {}, this);
            m_pusher->push(*archive, [this](auto pushed) {
                m_pusher->deleteLater();
                if (pushed)
                    Q_EMIT templateReady(kTemplate);
                else
                    Q_EMIT templateFailed(pushed.error().message);
            });
        });
}

} // namespace coder::ui
