#pragma once

#include "core/api_types.h"
#include "deployment_list.h"

#include <QObject>
#include <QPointer>

namespace coder::core {
class SecretStore;
}

namespace coder::ui {

class DeploymentSession;

// Which deployment the app works with and the tokens that let it: remembers deployments
// (DeploymentList), keeps each one's session token in the SecretStore (the keychain, or its
// 0600 file fallback, never the settings), restores the last deployment at start, switches,
// and logs out. Each switch makes a new DeploymentSession and ends the previous one.
class SessionManager : public QObject
{
    Q_OBJECT
public:
    SessionManager(DeploymentList &deployments, core::SecretStore &secrets,
                   QObject *parent = nullptr);
    ~SessionManager() override;

    DeploymentList &deployments() { return m_deployments; }
    DeploymentSession *current() const;

    // Opens the current deployment of the list with its stored token; noSession when there is
    // none or it has no token (the user must log in).
    void restore();
    // After a login: the token stored, the deployment remembered and made current.
    void loggedIn(const QUrl &url, const QString &token, const core::User &user,
                  bool embedded = false);
    // Opens another remembered deployment with its stored token.
    void switchTo(const QString &deploymentId);
    // Ends the session here and forgets its token (the server's key stays valid until it
    // expires, as with `coder logout` when the server is unreachable).
    void logOut();

Q_SIGNALS:
    void sessionChanged(coder::ui::DeploymentSession *session);
    // No session: why (empty at first start), and the deployment to log in to, if any.
    void noSession(const QString &reason, const QUrl &url);
    // Where the token went: "the system keychain", or a file with why the keychain was not used.
    void tokenStored(const QString &where, const QString &fallbackReason);

private:
    void open(const Deployment &deployment, const QString &token);
    void close();

    DeploymentList &m_deployments;
    core::SecretStore &m_secrets;
    QPointer<DeploymentSession> m_session;
    int m_generation = 0; // a slower token read for an older switch is dropped
};

} // namespace coder::ui
