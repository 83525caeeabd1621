#pragma once

#include "core/api_client.h"
#include "core/api_types.h"
#include "core/workspace_feed.h"
#include "deployment_list.h"

#include <QObject>
#include <QSet>
#include <QUuid>
#include <optional>

namespace coder::ui {

class WorkspaceTableModel;

// The deployment the user works with now: its API client and logged-in user, its workspace
// feed and the table it fills, and the workspace actions (start, stop, restart, delete).
// Switching deployments replaces it. A refused token anywhere (the feed or an action) is
// reported once as sessionExpired, so the window can ask to log in again and keep its view.
class DeploymentSession : public QObject
{
    Q_OBJECT
public:
    DeploymentSession(Deployment deployment, const QString &token, QObject *parent = nullptr);
    ~DeploymentSession() override;

    const Deployment &deployment() const { return m_deployment; }
    core::ApiClient &api() { return m_api; }
    core::WorkspaceFeed &feed() { return m_feed; }
    WorkspaceTableModel *workspaces() const { return m_workspaces; }
    const std::optional<core::User> &user() const { return m_user; }

    // Reads who is logged in and opens the feed.
    void start();
    // A new token after the user logged in again: reads the user and opens the feed again.
    void resume(const QString &token);

    void startWorkspace(const QUuid &id);
    void stopWorkspace(const QUuid &id);
    // A stop build, then a start build once the workspace stopped (as Coder's restart).
    void restartWorkspace(const QUuid &id);
    void deleteWorkspace(const QUuid &id);

Q_SIGNALS:
    void userLoaded(const coder::core::User &user);
    void sessionExpired(const QString &message);
    // what: "Starting dev"; message: the server's answer, fit for the user.
    void actionFailed(const QString &what, const QString &message);

private:
    void build(const QUuid &id, const QString &transition, const QString &what);
    void onWorkspaceUpdated(const core::Workspace &workspace);
    void expired(const QString &message);
    QString nameOf(const QUuid &id) const;

    Deployment m_deployment;
    core::ApiClient m_api;
    core::WorkspaceFeed m_feed;
    WorkspaceTableModel *m_workspaces;
    std::optional<core::User> m_user;
    QSet<QUuid> m_restarting; // stop builds made by restartWorkspace, start to follow
    bool m_expired = false;
};

} // namespace coder::ui
