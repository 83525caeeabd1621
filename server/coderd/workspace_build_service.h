#pragma once

#include "actor.h"
#include "core/workspace_types.h"
#include "domain_error.h"
#include "pagination.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class AuditRecorder;
class JobLogs;
class ProvisionerJobServer;
class Store;
class WorkspaceBuilder;
class WorkspaceService;

// Workspace builds as Coder's /workspaces/{id}/builds and /workspacebuilds routes offer them:
// listed, started (start, stop, delete), read, their logs and parameters, and canceled. Every
// call takes the actor and authorizes on the build's workspace; changes are audited.
class WorkspaceBuildService
{
public:
    WorkspaceBuildService(Store &store, AuditRecorder &audit, WorkspaceBuilder &builder,
                          WorkspaceService &workspaces, ProvisionerJobServer &jobs, JobLogs &logs)
        : m_store(store), m_audit(audit), m_builder(builder), m_workspaces(workspaces),
          m_jobs(jobs), m_logs(logs)
    {}

    Outcome<QList<core::WorkspaceBuild>> list(const Actor &actor, const QUuid &workspaceId,
                                              Pagination page);
    // Conflict while another build runs or when the workspace already is where it would go.
    Outcome<core::WorkspaceBuild> create(const Actor &actor, const QUuid &workspaceId,
                                         const core::CreateWorkspaceBuildRequest &request);
    Outcome<core::WorkspaceBuild> get(const Actor &actor, const QUuid &id);
    Outcome<QList<core::ProvisionerJobLog>> logs(const Actor &actor, const QUuid &id, qint64 after);
    // The build's job, for following its logs.
    Outcome<QUuid> buildJob(const Actor &actor, const QUuid &id);
    // Forbidden when the template does not let users cancel; Invalid once the job completed.
    Outcome<core::Ok> cancel(const Actor &actor, const QUuid &id);
    Outcome<QList<core::WorkspaceBuildParameter>> parameters(const Actor &actor, const QUuid &id);

private:
    struct Target
    {
        WorkspaceBuild build;
        WorkspaceView workspace;
    };
    // The build and its workspace, once the actor may act on the workspace that way.
    Outcome<Target> find(const Actor &actor, const QUuid &id, Action action);
    Outcome<core::WorkspaceBuild> shown(const QUuid &buildId, const WorkspaceView &workspace);

    Store &m_store;
    AuditRecorder &m_audit;
    WorkspaceBuilder &m_builder;
    WorkspaceService &m_workspaces;
    ProvisionerJobServer &m_jobs;
    JobLogs &m_logs;
};

} // namespace coder::server
