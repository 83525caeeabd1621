#include "session_manager.h"

#include "core/secret_store.h"
#include "deployment_session.h"

namespace coder::ui {

SessionManager::SessionManager(DeploymentList &deployments, core::SecretStore &secrets,
                               QObject *parent)
    : QObject(parent), m_deployments(deployments), m_secrets(secrets)
{}

SessionManager::~SessionManager()
{
    close();
}

DeploymentSession *SessionManager::current() const
{
    return m_session;
}

void SessionManager::restore()
{
    const QString id = m_deployments.currentId();
    if (id.isEmpty()) {
        Q_EMIT noSession(QString(), QUrl());
        return;
    }
    switchTo(id);
}

void SessionManager::switchTo(const QString &deploymentId)
{
    const Deployment *found = m_deployments.find(deploymentId);
    if (!found)
        return;
    const Deployment deployment = *found;
    m_deployments.setCurrent(deployment.id());
    close();
    const int generation = ++m_generation;
    m_secrets.read(
        deployment.tokenKey(),
        [this, deployment, generation](core::Result<std::optional<QByteArray>, QString> token) {
            if (generation != m_generation)
                return;
            if (!token) {
                Q_EMIT noSession(tr("The session token cannot be read: %1").arg(token.error()),
                                 deployment.url);
                return;
            }
            if (!*token || (*token)->isEmpty()) {
                Q_EMIT noSession(tr("Log in to %1.").arg(deployment.displayName()), deployment.url);
                return;
            }
            open(deployment, QString::fromUtf8(**token));
        });
}

void SessionManager::loggedIn(const QUrl &url, const QString &token, const core::User &user,
                              bool embedded)
{
    Deployment deployment;
    deployment.url = url;
    deployment.username = user.username;
    deployment.embedded = embedded;
    m_deployments.remember(deployment);
    m_deployments.setCurrent(deployment.id());
    // A session that was waiting for this login picks the new token up and keeps its view.
    if (m_session && m_session->deployment().id() == deployment.id())
        m_session->resume(token);
    else {
        close();
        ++m_generation;
        open(deployment, token);
    }
    m_secrets.write(deployment.tokenKey(), token.toUtf8(),
                    [this](core::Result<core::SecretStore::Location, QString> stored) {
                        if (stored)
                            Q_EMIT tokenStored(stored->description, stored->fallbackReason);
                        else
                            Q_EMIT tokenStored(QString(), stored.error());
                    });
}

void SessionManager::logOut()
{
    if (!m_session)
        return;
    const Deployment deployment = m_session->deployment();
    close();
    ++m_generation;
    m_secrets.remove(deployment.tokenKey(), [](core::Result<core::Ok, QString>) {});
    Q_EMIT noSession(tr("Logged out of %1.").arg(deployment.displayName()), deployment.url);
}

void SessionManager::open(const Deployment &deployment, const QString &token)
{
    m_session = new DeploymentSession(deployment, token, this);
    Q_EMIT sessionChanged(m_session);
    m_session->start();
}

void SessionManager::close()
{
    if (!m_session)
        return;
    DeploymentSession *session = m_session;
    m_session.clear();
    Q_EMIT sessionChanged(nullptr);
    session->deleteLater();
}

} // namespace coder::ui
