#include "deployment_session.h"

#include "workspace_table_model.h"

#include <QPointer>

namespace coder::ui {

DeploymentSession::DeploymentSession(Deployment deployment, const QString &token, QObject *parent)
    : QObject(parent), m_deployment(std::move(deployment)), m_api(m_deployment.url), m_feed(m_api),
      m_workspaces(new WorkspaceTableModel(this))
{
    m_api.setSessionToken(token);
    connect(&m_feed, &core::WorkspaceFeed::snapshot, m_workspaces,
            &WorkspaceTableModel::applySnapshot);
    connect(&m_feed, &core::WorkspaceFeed::updated, m_workspaces,
            &WorkspaceTableModel::applyUpdate);
    connect(&m_feed, &core::WorkspaceFeed::removed, m_workspaces,
            &WorkspaceTableModel::applyRemoval);
    connect(&m_feed, &core::WorkspaceFeed::updated, this, &DeploymentSession::onWorkspaceUpdated);
    connect(&m_feed, &core::WorkspaceFeed::stateChanged, this,
            [this](core::WorkspaceFeed::State state, const QString &problem) {
                if (state == core::WorkspaceFeed::State::Unauthorized)
                    expired(problem);
            });
}

DeploymentSession::~DeploymentSession() = default;

void DeploymentSession::start()
{
    m_expired = false;
    m_api.user(QStringLiteral("me"), [self = QPointer(this)](auto me) {
        if (!self)
            return;
        if (!me) {
            if (me.error().status == 401)
                self->expired(me.error().message);
            return; // unreachable: the feed reports it and retries
        }
        self->m_user = *me;
        Q_EMIT self->userLoaded(*me);
    });
    m_feed.start();
}

void DeploymentSession::resume(const QString &token)
{
    m_api.setSessionToken(token);
    m_feed.stop();
    start();
}

void DeploymentSession::expired(const QString &message)
{
    if (m_expired)
        return;
    m_expired = true;
    m_feed.stop();
    Q_EMIT sessionExpired(message);
}

QString DeploymentSession::nameOf(const QUuid &id) const
{
    const int row = m_workspaces->rowOf(id);
    return row < 0 ? id.toString(QUuid::WithoutBraces) : m_workspaces->workspaceAt(row).name;
}

void DeploymentSession::startWorkspace(const QUuid &id)
{
    build(id, QStringLiteral("start"), tr("Starting %1").arg(nameOf(id)));
}

void DeploymentSession::stopWorkspace(const QUuid &id)
{
    build(id, QStringLiteral("stop"), tr("Stopping %1").arg(nameOf(id)));
}

void DeploymentSession::restartWorkspace(const QUuid &id)
{
    m_restarting.insert(id);
    build(id, QStringLiteral("stop"), tr("Restarting %1").arg(nameOf(id)));
}

void DeploymentSession::deleteWorkspace(const QUuid &id)
{
    build(id, QStringLiteral("delete"), tr("Deleting %1").arg(nameOf(id)));
}

void DeploymentSession::build(const QUuid &id, const QString &transition, const QString &what)
{
    core::CreateWorkspaceBuildRequest request;
    request.transition = transition;
    m_api.createWorkspaceBuild(id, request, [self = QPointer(this), id, what](auto built) {
        if (!self || built)
            return; // the feed shows the build as it goes
        self->m_restarting.remove(id);
        if (built.error().status == 401)
            self->expired(built.error().message);
        else
            Q_EMIT self->actionFailed(what, built.error().message);
    });
}

void DeploymentSession::onWorkspaceUpdated(const core::Workspace &workspace)
{
    if (!m_restarting.contains(workspace.id))
        return;
    const QString &status = workspace.latestBuild.status;
    if (status == u"stopped") {
        m_restarting.remove(workspace.id);
        startWorkspace(workspace.id);
    } else if (status == u"failed" || status == u"canceled") {
        m_restarting.remove(workspace.id);
        Q_EMIT actionFailed(tr("Restarting %1").arg(workspace.name),
                            workspace.latestBuild.job.error.isEmpty()
                                ? tr("The stop build %1.").arg(status)
                                : workspace.latestBuild.job.error);
    }
}

} // namespace coder::ui
