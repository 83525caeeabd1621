#pragma once

#include "embedded_server.h"

#include <QObject>
#include <QPointer>

class QSettings;

namespace coder::core {
class TemplatePusher;
}

namespace coder::ui {

class DeploymentSession;
class SessionManager;

// "Start a local server": runs the EmbeddedServer on a port kept from one start to the next
// (so the deployment stays the same one), opens it as the current deployment when a token for
// it is kept, asks for a login (or its owner account, the first time) otherwise, and pushes the
// `local` example template once logged in, so a workspace can be created straight away.
class LocalServer : public QObject
{
    Q_OBJECT
public:
    LocalServer(SessionManager &sessions, QSettings &settings, QString dataDir,
                QObject *parent = nullptr);
    ~LocalServer() override;

    EmbeddedServer &server() { return m_server; }
    // The workspace agent the server starts (tests point it at the build's coder-agent).
    void setAgentProgram(const QString &path) { m_agentProgram = path; }
    void start();
    void stop();

Q_SIGNALS:
    // Running, and nobody is logged in to it here: the owner account or a login is needed.
    void loginNeeded(const QUrl &url, const QString &message);
    // The example template was pushed (or already there); or why not.
    void templateReady(const QString &name);
    void templateFailed(const QString &message);

private:
    void onRunning();
    void onSession(DeploymentSession *session);
    void ensureTemplate(DeploymentSession *session);

    SessionManager &m_sessions;
    QSettings &m_settings;
    QString m_dataDir;
    QString m_agentProgram;
    EmbeddedServer m_server;
    QPointer<core::TemplatePusher> m_pusher;
};

} // namespace coder::ui
