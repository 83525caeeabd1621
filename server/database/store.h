#pragma once

#include "core/result.h"
#include "models.h"
#include "provisioning_models.h"

#include <QList>
#include <QString>

namespace coder::server {

struct StoreError
{
    // Unavailable: no database answers (not started, restarting, unreachable); worth retrying.
    enum Kind { NotFound, Conflict, Unavailable, Internal } kind = Internal;
    QString message; // for Conflict: what clashed; for Internal: the driver's text (never a secret)
    QString field;   // for Conflict: the field that must be unique ("username", "email", ...)
};

template <typename T> using StoreResult = core::Result<T, StoreError>;

// The one interface to coderd's database (ARCHITECTURE.md §3). Every method may be called from
// any thread but an event-loop thread; each thread uses its own connection. A connection the
// database dropped (a restart) is opened again on the next call, and a read outside a
// transaction that failed because of it, or a transaction whose BEGIN did, is tried once more;
// when no database answers, methods fail with StoreError::Unavailable. Lookups never return
// deleted users.
class Store
{
public:
    virtual ~Store() = default;

    virtual QString backendName() const = 0; // "sqlite" | "postgres"
    // Releases the calling thread's connection; call it in a thread before that thread ends.
    virtual void closeThreadConnection() = 0;

    // Users
    virtual StoreResult<User> insertUser(const User &user) = 0;
    // Inserts only while the table holds no user at all; Conflict otherwise. Atomic.
    virtual StoreResult<User> insertFirstUser(const User &user) = 0;
    virtual StoreResult<User> userById(const QUuid &id) = 0;
    virtual StoreResult<User> userByUsername(const QString &username) = 0; // case-insensitive
    virtual StoreResult<User> userByEmail(const QString &email) = 0;       // case-insensitive
    virtual StoreResult<QList<User>> listUsers(const UserFilter &filter) = 0;
    virtual StoreResult<qint64> countUsers(const UserFilter &filter) = 0; // ignores limit/offset
    virtual StoreResult<User> updateUserStatus(const QUuid &id, const QString &status) = 0;
    virtual StoreResult<User> updateUserRoles(const QUuid &id, const QStringList &roles) = 0;
    // Sets the password and, in the same transaction, ends every session (login type
    // "password") of the user except keepSessionId: a new password must lock out old logins.
    virtual StoreResult<User> updateUserPassword(const QUuid &id, const QByteArray &hash,
                                                 const QString &keepSessionId) = 0;
    virtual StoreResult<core::Ok> updateUserLastSeen(const QUuid &id, const QDateTime &at) = 0;
    // Soft delete: the row stays for the audit log, its name and email become free again.
    virtual StoreResult<core::Ok> deleteUser(const QUuid &id) = 0;

    // API keys (sessions and tokens)
    virtual StoreResult<ApiKey> insertApiKey(const ApiKey &key) = 0; // Conflict on token_name
    virtual StoreResult<ApiKey> apiKeyById(const QString &id) = 0;
    // What authenticating a request needs in one read: the key's id, hashed secret, user, login
    // type, scope, lifetime, last use and expiry (its other fields stay empty) with its whole user.
    // NotFound when either is missing or the user is deleted.
    virtual StoreResult<ApiKeyWithUser> apiKeyWithUser(const QString &id) = 0;
    // loginType empty: all of the user's keys
    virtual StoreResult<QList<ApiKey>> listApiKeys(const QUuid &userId,
                                                   const QString &loginType) = 0;
    virtual StoreResult<core::Ok> updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                                    const QDateTime &expiresAt,
                                                    const QString &ipAddress) = 0;
    virtual StoreResult<core::Ok> deleteApiKey(const QString &id) = 0;
    virtual StoreResult<core::Ok> deleteApiKeysOfUser(const QUuid &userId) = 0;

    // Audit log, newest first
    virtual StoreResult<core::Ok> insertAuditLog(const AuditLog &entry) = 0;
    virtual StoreResult<QList<AuditLog>> listAuditLogs(int limit, int offset) = 0;
    virtual StoreResult<qint64> countAuditLogs() = 0;

    // ---- Provisioning (provisioning_models.h). Methods that change a workspace or a job do so
    // in one transaction with everything that must change with it, so nothing is half-created.

    // Files: a second upload of the same bytes returns the first row.
    virtual StoreResult<File> insertFile(const File &file) = 0;
    virtual StoreResult<File> fileById(const QUuid &id) = 0;

    virtual StoreResult<Organization> defaultOrganization() = 0;
    virtual StoreResult<Organization> organizationById(const QUuid &id) = 0;
    virtual StoreResult<Organization> organizationByName(const QString &name) = 0;

    // Templates. insertTemplate also attaches versionId (which must not belong to a template
    // yet: Conflict "template_version_id") and makes it the active version. Conflict "name".
    virtual StoreResult<Template> insertTemplate(const Template &tmpl, const QUuid &versionId) = 0;
    virtual StoreResult<Template> templateById(const QUuid &id) = 0;
    virtual StoreResult<Template> templateByName(const QUuid &organizationId,
                                                 const QString &name) = 0;
    virtual StoreResult<QList<Template>> listTemplates(const QUuid &organizationId) = 0;
    // Writes the settable fields (names, description, icon, ttl, allow_*); Conflict "name".
    virtual StoreResult<Template> updateTemplate(const Template &tmpl) = 0;
    // The version must belong to the template and its import must have succeeded (Conflict).
    virtual StoreResult<Template> updateTemplateActiveVersion(const QUuid &templateId,
                                                              const QUuid &versionId) = 0;
    // Soft delete; Conflict while workspaces that are not deleted use the template.
    virtual StoreResult<core::Ok> deleteTemplate(const QUuid &id) = 0;
    // Workspaces not deleted per template id (Coder's active_user_count is per distinct owner).
    virtual StoreResult<QMap<QUuid, qint64>> templateOwnerCounts(const QList<QUuid> &ids) = 0;

    // Template versions, each with its import job, inserted together. Conflict "name" when the
    // template already has a version of that name.
    virtual StoreResult<TemplateVersion> insertTemplateVersion(const TemplateVersion &version,
                                                               const ProvisionerJob &importJob) = 0;
    virtual StoreResult<TemplateVersion> templateVersionById(const QUuid &id) = 0;
    virtual StoreResult<TemplateVersion> templateVersionByName(const QUuid &templateId,
                                                               const QString &name) = 0;
    virtual StoreResult<TemplateVersion> templateVersionByJobId(const QUuid &jobId) = 0;
    virtual StoreResult<QList<TemplateVersion>> listTemplateVersions(const QUuid &templateId) = 0;

    // Provisioner jobs
    virtual StoreResult<ProvisionerJob> provisionerJobById(const QUuid &id) = 0;
    virtual StoreResult<QList<ProvisionerJob>> provisionerJobsByIds(const QList<QUuid> &ids) = 0;
    // Atomically takes the oldest pending job the daemon may run: running, started now, worker
    // and heartbeat set. std::nullopt when there is none. No job is ever handed out twice.
    virtual StoreResult<std::optional<ProvisionerJob>>
    acquireProvisionerJob(const JobAcquireRequest &request) = 0;
    // Records a sign of life and returns the job as it is now (status "canceling" tells the
    // worker to stop). Conflict when the job is no longer running on workerId.
    virtual StoreResult<ProvisionerJob> heartbeatProvisionerJob(const QUuid &jobId,
                                                                const QUuid &workerId) = 0;
    // Appends logs (ids assigned in order); returns them with their ids. Also a heartbeat.
    virtual StoreResult<QList<ProvisionerJobLog>>
    appendProvisionerJobLogs(const QUuid &jobId, const QList<ProvisionerJobLog> &logs) = 0;
    // Logs with id > afterId, oldest first; limit 0: all.
    virtual StoreResult<QList<ProvisionerJobLog>>
    provisionerJobLogs(const QUuid &jobId, qint64 afterId, int limit = 0) = 0;
    // Completes a running (or canceling) import job of workerId: succeeded, and the version gets
    // its parameters and readme, the resources are stored under the job. Conflict when the job
    // is not running on workerId.
    virtual StoreResult<ProvisionerJob>
    completeTemplateImportJob(const QUuid &jobId, const QUuid &workerId,
                              const QJsonArray &parameters, const QString &readme,
                              const QList<WorkspaceResource> &resources) = 0;
    // Completes a build job of workerId: succeeded, the build keeps state and resources
    // (agents with their token hashes and apps); a succeeded delete build marks the workspace
    // deleted. Conflict when the job is not running on workerId.
    virtual StoreResult<ProvisionerJob>
    completeWorkspaceBuildJob(const QUuid &jobId, const QUuid &workerId,
                              const QByteArray &provisionerState,
                              const QList<WorkspaceResource> &resources) = 0;
    // Records what a running build has created so far (provisioner_state of the job's build), so
    // that a daemon dying mid-build leaves enough behind for stop and delete. Conflict when the
    // job is not running on workerId.
    virtual StoreResult<core::Ok> checkpointWorkspaceBuildState(const QUuid &jobId,
                                                                const QUuid &workerId,
                                                                const QByteArray &state) = 0;
    // Ends a job as failed, or as canceled when it was canceling. workerId null: whatever runs
    // it (coderd failing an orphan). provisionerState set: a build records what exists despite
    // the failure, so a later stop or delete can clean it up.
    virtual StoreResult<ProvisionerJob>
    failProvisionerJob(const QUuid &jobId, const QUuid &workerId, const QString &error,
                       const QString &errorCode,
                       const std::optional<QByteArray> &provisionerState) = 0;
    // Pending: canceled at once. Running: canceling (the worker sees it on its next heartbeat).
    // Conflict when the job has already completed.
    virtual StoreResult<ProvisionerJob> cancelProvisionerJob(const QUuid &jobId) = 0;
    // Fails every running or canceling job whose heartbeat is older than before, with message;
    // returns those jobs.
    virtual StoreResult<QList<ProvisionerJob>> failStaleProvisionerJobs(const QDateTime &before,
                                                                        const QString &message) = 0;

    // Provisioner daemons, keyed by name: a daemon that reconnects keeps its row.
    virtual StoreResult<ProvisionerDaemon> upsertProvisionerDaemon(const ProvisionerDaemon &d) = 0;
    virtual StoreResult<core::Ok> touchProvisionerDaemon(const QUuid &id, const QDateTime &at) = 0;
    virtual StoreResult<QList<ProvisionerDaemon>> listProvisionerDaemons() = 0;

    // Workspaces. insertWorkspace inserts the workspace, its first build and that build's job
    // together (build number 1); Conflict "name" for a duplicate name of the owner.
    virtual StoreResult<WorkspaceView> insertWorkspace(const Workspace &workspace,
                                                       const WorkspaceBuild &build,
                                                       const ProvisionerJob &job) = 0;
    virtual StoreResult<WorkspaceView> workspaceById(const QUuid &id) = 0; // deleted ones too
    virtual StoreResult<WorkspaceView> workspaceByOwnerAndName(const QUuid &ownerId,
                                                               const QString &name) = 0;
    virtual StoreResult<QList<WorkspaceView>> listWorkspaces(const WorkspaceFilter &filter) = 0;
    virtual StoreResult<qint64> countWorkspaces(const WorkspaceFilter &filter) = 0;
    // listWorkspaces and countWorkspaces together, in one statement when the page has rows.
    virtual StoreResult<WorkspacePage> workspacePage(const WorkspaceFilter &filter) = 0;
    virtual StoreResult<WorkspaceView> updateWorkspaceName(const QUuid &id,
                                                           const QString &name) = 0;
    virtual StoreResult<WorkspaceView> updateWorkspaceAutostart(const QUuid &id,
                                                                const QString &schedule) = 0;
    virtual StoreResult<WorkspaceView> updateWorkspaceTtl(const QUuid &id, qint64 ttlMs) = 0;
    // Started workspaces (latest build start, succeeded) with a deadline at or before now, and
    // stopped ones (latest build stop, succeeded) with an autostart schedule.
    virtual StoreResult<QList<WorkspaceView>> workspacesToAutostop(const QDateTime &now) = 0;
    virtual StoreResult<QList<WorkspaceView>> workspacesWithAutostart() = 0;

    // Builds. insertWorkspaceBuild numbers the build after the latest one and inserts its job,
    // in one transaction that holds the workspace: NotFound for a deleted workspace, Conflict
    // "build" while the latest build's job is still pending, running or canceling. Of two
    // racing requests exactly one wins.
    virtual StoreResult<WorkspaceBuild> insertWorkspaceBuild(const WorkspaceBuild &build,
                                                             const ProvisionerJob &job) = 0;
    virtual StoreResult<WorkspaceBuild> workspaceBuildById(const QUuid &id) = 0;
    virtual StoreResult<WorkspaceBuild> workspaceBuildByJobId(const QUuid &jobId) = 0;
    // The build before buildNumber (whose state a new build starts from); NotFound for none.
    virtual StoreResult<WorkspaceBuild> previousWorkspaceBuild(const QUuid &workspaceId,
                                                               int buildNumber) = 0;
    // Newest first.
    virtual StoreResult<QList<WorkspaceBuild>> listWorkspaceBuilds(const QUuid &workspaceId,
                                                                   int limit, int offset) = 0;
    virtual StoreResult<WorkspaceBuild>
    updateWorkspaceBuildDeadline(const QUuid &buildId, const QDateTime &deadline,
                                 const QDateTime &maxDeadline) = 0;

    // Resources (with agents and their apps) of these jobs: the jobs in the order their
    // resources were created, each job's in the provisioner's order.
    virtual StoreResult<QList<WorkspaceResource>> resourcesByJobIds(const QList<QUuid> &jobIds) = 0;
};

} // namespace coder::server
