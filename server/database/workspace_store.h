#pragma once

#include "provisioning_models.h"
#include "sql_database.h"
#include "workspace_view_sql.h"

#include <QList>
#include <QMap>
#include <optional>

namespace coder::server {

class JobStore;

// Workspaces and their builds: the SQL of workspaces and workspace_builds. A build is inserted
// with its job, and completed or failed with it, in one transaction (through JobStore); nothing
// is ever half-created.
class WorkspaceStore
{
public:
    WorkspaceStore(SqlDatabase &db, JobStore &jobs)
        : m_db(db), m_jobs(jobs), m_viewSql(db.dialect())
    {}

    // Inserts the workspace, its first build and that build's job together (build number 1);
    // Conflict "name" for a duplicate name of the owner; NotFound when the template is gone.
    StoreResult<WorkspaceView> insert(const Workspace &workspace, const WorkspaceBuild &build,
                                      const ProvisionerJob &job);
    StoreResult<WorkspaceView> byId(const QUuid &id); // deleted ones too
    StoreResult<WorkspaceView> byOwnerAndName(const QUuid &ownerId, const QString &name);
    StoreResult<QList<WorkspaceView>> list(const WorkspaceFilter &filter);
    StoreResult<qint64> count(const WorkspaceFilter &filter);
    // list and count together, in one statement when the page has rows.
    StoreResult<WorkspacePage> page(const WorkspaceFilter &filter);
    StoreResult<WorkspaceView> updateName(const QUuid &id, const QString &name);
    StoreResult<WorkspaceView> updateAutostart(const QUuid &id, const QString &schedule);
    StoreResult<WorkspaceView> updateTtl(const QUuid &id, qint64 ttlMs);
    // Started workspaces (latest build start, succeeded) with a deadline at or before now, and
    // stopped ones (latest build stop, succeeded) with an autostart schedule.
    StoreResult<QList<WorkspaceView>> toAutostop(const QDateTime &now);
    StoreResult<QList<WorkspaceView>> withAutostart();
    // Workspaces not deleted per template id (Coder's active_user_count is per distinct owner).
    StoreResult<QMap<QUuid, qint64>> ownerCountsByTemplate(const QList<QUuid> &templateIds);

    // Numbers the build after the latest one and inserts its job, in one transaction that holds
    // the workspace: NotFound for a deleted workspace, Conflict "build" while the latest build's
    // job is still pending, running or canceling. Of two racing requests exactly one wins.
    StoreResult<WorkspaceBuild> insertBuild(const WorkspaceBuild &build, const ProvisionerJob &job);
    StoreResult<WorkspaceBuild> buildById(const QUuid &id);
    StoreResult<WorkspaceBuild> buildByJobId(const QUuid &jobId);
    // A build and its job as one snapshot (one statement).
    StoreResult<BuildWithJob> buildWithJob(const QUuid &id);
    // listBuilds, each with its job, in one statement.
    StoreResult<QList<BuildWithJob>> buildsWithJobs(const QUuid &workspaceId, int limit,
                                                    int offset);
    // The build before buildNumber (whose state a new build starts from); NotFound for none.
    StoreResult<WorkspaceBuild> previousBuild(const QUuid &workspaceId, int buildNumber);
    // Newest first.
    StoreResult<QList<WorkspaceBuild>> listBuilds(const QUuid &workspaceId, int limit, int offset);
    StoreResult<WorkspaceBuild> updateBuildDeadline(const QUuid &buildId, const QDateTime &deadline,
                                                    const QDateTime &maxDeadline);

    // Completes a build job of workerId: succeeded, the build keeps state and resources (agents
    // with their token hashes and apps); a succeeded delete build marks the workspace deleted.
    // Conflict when the job is not running on workerId.
    StoreResult<ProvisionerJob> completeBuildJob(const QUuid &jobId, const QUuid &workerId,
                                                 const QByteArray &provisionerState,
                                                 const QList<WorkspaceResource> &resources);
    // Records what a running build has created so far (provisioner_state of the job's build), so
    // that a daemon dying mid-build leaves enough behind for stop and delete. Conflict when the
    // job is not running on workerId.
    StoreResult<core::Ok> checkpointBuildState(const QUuid &jobId, const QUuid &workerId,
                                               const QByteArray &state);
    // Ends a job (an import's too) as failed, or as canceled when it was canceling. workerId
    // null: whatever runs it (coderd failing an orphan). provisionerState set: a build records
    // what exists despite the failure, so a later stop or delete can clean it up.
    StoreResult<ProvisionerJob> failJob(const QUuid &jobId, const QUuid &workerId,
                                        const QString &error, const QString &errorCode,
                                        const std::optional<QByteArray> &provisionerState);

private:
    using Transaction = SqlDatabase::Transaction;

    // Fills what a new build and its job leave empty from the template (the active version, its
    // file, the provisioner, the organization) and ties them together.
    StoreResult<core::Ok> completeBuildAndJob(QSqlDatabase &db, const Workspace &workspace,
                                              WorkspaceBuild &build, ProvisionerJob &job,
                                              Transaction &transaction);
    StoreResult<WorkspaceBuild> insertBuildWith(QSqlDatabase &db, const WorkspaceBuild &build,
                                                Transaction &transaction);
    StoreResult<WorkspaceBuild> buildWhere(const QString &condition, const QVariantList &values);
    // Workspace views: full (one workspace, all columns) or a listing.
    StoreResult<QList<WorkspaceView>> views(QSqlDatabase &db, const QString &where,
                                            const QVariantList &values, bool full,
                                            Transaction *transaction = nullptr);
    StoreResult<WorkspaceView> view(QSqlDatabase &db, const QString &where,
                                    const QVariantList &values, Transaction *transaction = nullptr);
    StoreResult<WorkspaceView> updateColumn(const QUuid &id, const QString &assignment,
                                            const QVariant &value);

    SqlDatabase &m_db;
    JobStore &m_jobs;
    WorkspaceViewSql m_viewSql;
};

} // namespace coder::server
