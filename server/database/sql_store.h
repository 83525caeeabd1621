#pragma once

#include "migration_runner.h"
#include "resource_cache.h"
#include "store.h"
#include "thread_connections.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>
#include <functional>
#include <optional>
#include <utility>

namespace coder::server {

// The Store on Qt SQL, shared by both backends; SqliteStore and PostgresStore supply what
// differs (connection setup, how a write transaction starts, how errors are recognised).
// All SQL here is portable between SQLite 3.40 and PostgreSQL 15 and binds every value.
class SqlStore : public Store
{
public:
    ~SqlStore() override;

    void closeThreadConnection() override;

    // Applies the numbered migrations of a directory (see MigrationRunner).
    core::Result<int, QString> migrate(const QString &directory);
    // The calling thread's connection, opened on first use.
    StoreResult<QSqlDatabase> connection();
    // How many threads currently hold a connection.
    int openConnectionCount() const { return m_connections.openCount(); }

    StoreResult<User> insertUser(const User &user) override;
    StoreResult<User> insertFirstUser(const User &user) override;
    StoreResult<User> userById(const QUuid &id) override;
    StoreResult<User> userByUsername(const QString &username) override;
    StoreResult<User> userByEmail(const QString &email) override;
    StoreResult<QList<User>> listUsers(const UserFilter &filter) override;
    StoreResult<qint64> countUsers(const UserFilter &filter) override;
    StoreResult<User> updateUserStatus(const QUuid &id, const QString &status) override;
    StoreResult<User> updateUserRoles(const QUuid &id, const QStringList &roles) override;
    StoreResult<User> updateUserPassword(const QUuid &id, const QByteArray &hash,
                                         const QString &keepSessionId) override;
    StoreResult<core::Ok> updateUserLastSeen(const QUuid &id, const QDateTime &at) override;
    StoreResult<core::Ok> deleteUser(const QUuid &id) override;

    StoreResult<ApiKey> insertApiKey(const ApiKey &key) override;
    StoreResult<ApiKey> apiKeyById(const QString &id) override;
    StoreResult<ApiKeyWithUser> apiKeyWithUser(const QString &id) override;
    StoreResult<QList<ApiKey>> listApiKeys(const QUuid &userId, const QString &loginType) override;
    StoreResult<core::Ok> updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                            const QDateTime &expiresAt,
                                            const QString &ipAddress) override;
    StoreResult<core::Ok> deleteApiKey(const QString &id) override;
    StoreResult<core::Ok> deleteApiKeysOfUser(const QUuid &userId) override;

    StoreResult<core::Ok> insertAuditLog(const AuditLog &entry) override;
    StoreResult<QList<AuditLog>> listAuditLogs(int limit, int offset) override;
    StoreResult<qint64> countAuditLogs() override;

    // ---- Provisioning: sql_store_templates.cpp, sql_store_jobs.cpp, sql_store_workspaces.cpp.
    // Listings of workspaces (listWorkspaces, workspacesToAutostop, workspacesWithAutostart)
    // leave latestBuild's parameters and provisionerState and latestJob's input empty; the
    // lookups of one workspace fill them.

    StoreResult<File> insertFile(const File &file) override;
    StoreResult<File> fileById(const QUuid &id) override;

    StoreResult<Organization> defaultOrganization() override;
    StoreResult<Organization> organizationById(const QUuid &id) override;
    StoreResult<Organization> organizationByName(const QString &name) override;

    StoreResult<Template> insertTemplate(const Template &tmpl, const QUuid &versionId) override;
    StoreResult<Template> templateById(const QUuid &id) override;
    StoreResult<Template> templateByName(const QUuid &organizationId, const QString &name) override;
    StoreResult<QList<Template>> listTemplates(const QUuid &organizationId) override;
    StoreResult<Template> updateTemplate(const Template &tmpl) override;
    StoreResult<Template> updateTemplateActiveVersion(const QUuid &templateId,
                                                      const QUuid &versionId) override;
    StoreResult<core::Ok> deleteTemplate(const QUuid &id) override;
    StoreResult<QMap<QUuid, qint64>> templateOwnerCounts(const QList<QUuid> &ids) override;

    StoreResult<TemplateVersion> insertTemplateVersion(const TemplateVersion &version,
                                                       const ProvisionerJob &importJob) override;
    StoreResult<TemplateVersion> templateVersionById(const QUuid &id) override;
    StoreResult<TemplateVersion> templateVersionByName(const QUuid &templateId,
                                                       const QString &name) override;
    StoreResult<TemplateVersion> templateVersionByJobId(const QUuid &jobId) override;
    StoreResult<QList<TemplateVersion>> listTemplateVersions(const QUuid &templateId) override;

    StoreResult<ProvisionerJob> provisionerJobById(const QUuid &id) override;
    StoreResult<QList<ProvisionerJob>> provisionerJobsByIds(const QList<QUuid> &ids) override;
    StoreResult<std::optional<ProvisionerJob>>
    acquireProvisionerJob(const JobAcquireRequest &request) override;
    StoreResult<ProvisionerJob> heartbeatProvisionerJob(const QUuid &jobId,
                                                        const QUuid &workerId) override;
    StoreResult<QList<ProvisionerJobLog>>
    appendProvisionerJobLogs(const QUuid &jobId, const QList<ProvisionerJobLog> &logs) override;
    StoreResult<QList<ProvisionerJobLog>> provisionerJobLogs(const QUuid &jobId, qint64 afterId,
                                                             int limit) override;
    StoreResult<ProvisionerJob>
    completeTemplateImportJob(const QUuid &jobId, const QUuid &workerId,
                              const QJsonArray &parameters, const QString &readme,
                              const QList<WorkspaceResource> &resources) override;
    StoreResult<ProvisionerJob>
    completeWorkspaceBuildJob(const QUuid &jobId, const QUuid &workerId,
                              const QByteArray &provisionerState,
                              const QList<WorkspaceResource> &resources) override;
    StoreResult<core::Ok> checkpointWorkspaceBuildState(const QUuid &jobId, const QUuid &workerId,
                                                        const QByteArray &state) override;
    StoreResult<ProvisionerJob>
    failProvisionerJob(const QUuid &jobId, const QUuid &workerId, const QString &error,
                       const QString &errorCode,
                       const std::optional<QByteArray> &provisionerState) override;
    StoreResult<ProvisionerJob> cancelProvisionerJob(const QUuid &jobId) override;
    StoreResult<QList<ProvisionerJob>> failStaleProvisionerJobs(const QDateTime &before,
                                                                const QString &message) override;

    StoreResult<ProvisionerDaemon> upsertProvisionerDaemon(const ProvisionerDaemon &d) override;
    StoreResult<core::Ok> touchProvisionerDaemon(const QUuid &id, const QDateTime &at) override;
    StoreResult<QList<ProvisionerDaemon>> listProvisionerDaemons() override;

    StoreResult<WorkspaceView> insertWorkspace(const Workspace &workspace,
                                               const WorkspaceBuild &build,
                                               const ProvisionerJob &job) override;
    StoreResult<WorkspaceView> workspaceById(const QUuid &id) override;
    StoreResult<WorkspaceView> workspaceByOwnerAndName(const QUuid &ownerId,
                                                       const QString &name) override;
    StoreResult<QList<WorkspaceView>> listWorkspaces(const WorkspaceFilter &filter) override;
    StoreResult<qint64> countWorkspaces(const WorkspaceFilter &filter) override;
    StoreResult<WorkspacePage> workspacePage(const WorkspaceFilter &filter) override;
    StoreResult<WorkspaceView> updateWorkspaceName(const QUuid &id, const QString &name) override;
    StoreResult<WorkspaceView> updateWorkspaceAutostart(const QUuid &id,
                                                        const QString &schedule) override;
    StoreResult<WorkspaceView> updateWorkspaceTtl(const QUuid &id, qint64 ttlMs) override;
    StoreResult<QList<WorkspaceView>> workspacesToAutostop(const QDateTime &now) override;
    StoreResult<QList<WorkspaceView>> workspacesWithAutostart() override;

    StoreResult<WorkspaceBuild> insertWorkspaceBuild(const WorkspaceBuild &build,
                                                     const ProvisionerJob &job) override;
    StoreResult<WorkspaceBuild> workspaceBuildById(const QUuid &id) override;
    StoreResult<WorkspaceBuild> workspaceBuildByJobId(const QUuid &jobId) override;
    StoreResult<WorkspaceBuild> previousWorkspaceBuild(const QUuid &workspaceId,
                                                       int buildNumber) override;
    StoreResult<QList<WorkspaceBuild>> listWorkspaceBuilds(const QUuid &workspaceId, int limit,
                                                           int offset) override;
    StoreResult<WorkspaceBuild> updateWorkspaceBuildDeadline(const QUuid &buildId,
                                                             const QDateTime &deadline,
                                                             const QDateTime &maxDeadline) override;

    StoreResult<QList<WorkspaceResource>> resourcesByJobIds(const QList<QUuid> &jobIds) override;

protected:
    explicit SqlStore(const QString &driver);

    // Sets the driver's parameters on a new connection.
    virtual void configureConnection(QSqlDatabase &db) const = 0;
    // Runs on a freshly opened connection; returns an error or "".
    virtual QString prepareConnection(QSqlDatabase &db) const = 0;
    // Starts a transaction that will write.
    virtual QString beginWriteStatement() const = 0;
    // Run inside insertFirstUser's transaction before counting; "" when BEGIN already locks.
    virtual QString firstUserLockStatement() const = 0;
    // Appended to a SELECT inside a transaction to hold the rows until it ends ("" on SQLite,
    // whose write transactions already exclude each other).
    virtual QString shareLockSuffix() const = 0;
    // Likewise, to hold rows that will be changed (" FOR UPDATE"; "" on SQLite).
    virtual QString updateLockSuffix() const = 0;
    // Appended to the SELECT that picks a pending job, so replicas acquiring at the same time
    // pass over each other's candidates instead of queueing (" FOR UPDATE SKIP LOCKED").
    virtual QString skipLockedSuffix() const = 0;
    // A condition on provisioner_jobs.tags with one placeholder, bound to a daemon's tags as a
    // JSON object: true when every tag of the job is among them with the same value.
    virtual QString jobTagsSubsetCondition() const = 0;
    // Joins each workspace w to its latest build b (the highest build number) and that
    // build's job j, as one index step per workspace.
    virtual QString latestBuildJoins() const = 0;
    // Whether queries read their rows one at a time (QSqlQuery::setForwardOnly). Every read
    // here collects all of its rows, so this is about what the driver does per row.
    virtual bool forwardOnlyQueries() const = 0;
    virtual MigrationRunner::Dialect migrationDialect() const = 0;
    virtual bool isUniqueViolation(const QSqlError &error) const = 0;
    virtual bool isForeignKeyViolation(const QSqlError &error) const = 0;
    // Removes secrets from a driver message before it leaves the store.
    virtual QString redact(const QString &text) const { return text; }
    // Names the database in messages ("/path/coder.db", "PostgreSQL at user@host:5432/db").
    virtual QString describe() const = 0;

private:
    class Transaction;

    // A prepared statement lent by the thread's connection for one call. When the caller is
    // done it is reset (finish()), so no SQLite read snapshot outlives the call, and goes back
    // to the connection for the next call with the same SQL.
    class Statement : public QSqlQuery
    {
    public:
        Statement(QSqlQuery &&query, ThreadConnections::Connection *owner, QString sql)
            : QSqlQuery(std::move(query)), m_owner(owner), m_sql(std::move(sql)),
              m_session(owner ? owner->session : 0)
        {}
        Statement(Statement &&other) noexcept
            : QSqlQuery(std::move(other)), m_owner(std::exchange(other.m_owner, nullptr)),
              m_sql(std::move(other.m_sql)), m_session(other.m_session)
        {}
        Statement &operator=(Statement &&) = delete;
        ~Statement();

    private:
        ThreadConnections::Connection *m_owner; // null: moved from, or not to be kept
        QString m_sql;
        quint64 m_session; // the owner's session it was prepared in
    };

    // Runs sql with the values bound. A statement that fails inside a transaction is handed to
    // it, so it is freed after the rollback (PostgreSQL refuses DEALLOCATE in a failed one). A
    // read outside a transaction that failed because the database dropped the connection runs
    // once more on a new one.
    StoreResult<Statement> exec(QSqlDatabase &db, const QString &sql,
                                const QVariantList &values = {},
                                Transaction *transaction = nullptr);
    StoreResult<Statement> execOnce(QSqlDatabase &db, const QString &sql,
                                    const QVariantList &values, Transaction *transaction);
    // The error of a failed statement: Unavailable when it lost the connection (the driver
    // closes it then).
    StoreError errorFrom(const QSqlError &error, const QSqlDatabase &db) const;
    StoreError errorFrom(const QSqlError &error) const;
    StoreError unavailable(const QString &detail) const;
    // Runs body in one write transaction on this thread's connection: committed when body
    // succeeds, rolled back when it fails.
    template <typename T>
    StoreResult<T>
    inWriteTransaction(const std::function<StoreResult<T>(QSqlDatabase &, Transaction &)> &body);
    StoreResult<User> insertUserWith(QSqlDatabase &db, const User &user,
                                     Transaction *transaction = nullptr);
    StoreResult<User> userWhere(const QString &condition, const QVariant &value);
    StoreResult<User> updateUserColumn(const QUuid &id, const QString &assignment,
                                       const QVariant &value, Transaction *transaction = nullptr);
    StoreResult<core::Ok> changeApiKeys(const QString &sql, const QVariantList &values,
                                        bool mustExist);
    static QString userFilterSql(const UserFilter &filter, QVariantList &values);

    // Provisioning helpers. select* run sql and decode rows with decode(query).
    template <typename Decode>
    auto selectOne(QSqlDatabase &db, const QString &sql, const QVariantList &values,
                   const QString &what, Decode decode, Transaction *transaction = nullptr)
        -> StoreResult<decltype(decode(std::declval<const QSqlQuery &>()))>;
    template <typename Decode>
    auto selectAll(QSqlDatabase &db, const QString &sql, const QVariantList &values, Decode decode,
                   Transaction *transaction = nullptr)
        -> StoreResult<QList<decltype(decode(std::declval<const QSqlQuery &>()))>>;
    // Runs sqlWithList (its "%1" replaced by an IN list of placeholders) over ids in chunks,
    // after the leading values; calls onRow for each row.
    StoreResult<core::Ok> forIdChunks(QSqlDatabase &db, const QString &sqlWithList,
                                      const QVariantList &leading, const QList<QUuid> &ids,
                                      const std::function<void(const QSqlQuery &)> &onRow);
    StoreResult<ProvisionerJob> insertJobWith(QSqlDatabase &db, const ProvisionerJob &job,
                                              Transaction &transaction);
    // The resources of jobIds from the database, in creation order; and the state of the
    // agents among resources read earlier (ResourceCache).
    StoreResult<QList<WorkspaceResource>> loadResources(QSqlDatabase &db,
                                                        const QList<QUuid> &jobIds);
    StoreResult<core::Ok> refreshAgentStates(QSqlDatabase &db,
                                             QHash<QUuid, QList<WorkspaceResource>> &byJob);
    // The job, its row held until the transaction ends.
    StoreResult<ProvisionerJob> lockJob(QSqlDatabase &db, const QUuid &id,
                                        Transaction &transaction);
    // lockJob, Conflict unless the job runs (or is being canceled) on workerId.
    StoreResult<ProvisionerJob> lockRunningJob(QSqlDatabase &db, const QUuid &id,
                                               const QUuid &workerId, Transaction &transaction);
    // Writes the job's changeable columns, with its status derived again.
    StoreResult<ProvisionerJob> writeJob(QSqlDatabase &db, ProvisionerJob job,
                                         Transaction &transaction);
    StoreResult<core::Ok> insertResources(QSqlDatabase &db, const QUuid &jobId,
                                          const QString &transition,
                                          const QList<WorkspaceResource> &resources,
                                          Transaction &transaction);
    StoreResult<WorkspaceBuild> insertBuildWith(QSqlDatabase &db, const WorkspaceBuild &build,
                                                Transaction &transaction);
    // Fills what a new build and its job leave empty from the template (the active version, its
    // file, the provisioner, the organization) and ties them together.
    StoreResult<core::Ok> completeBuildAndJob(QSqlDatabase &db, const Workspace &workspace,
                                              WorkspaceBuild &build, ProvisionerJob &job,
                                              Transaction &transaction);
    StoreResult<Template> templateWhere(const QString &condition, const QVariantList &values);
    StoreResult<TemplateVersion> templateVersionWhere(const QString &condition,
                                                      const QVariant &value);
    StoreResult<WorkspaceBuild> buildWhere(const QString &condition, const QVariantList &values);
    StoreResult<Organization> organizationWhere(const QString &condition, const QVariant &value);
    // Workspace views: full (one workspace, all columns) or a listing.
    StoreResult<QList<WorkspaceView>> workspaceViews(QSqlDatabase &db, const QString &where,
                                                     const QVariantList &values, bool full,
                                                     Transaction *transaction = nullptr);
    StoreResult<WorkspaceView> workspaceView(QSqlDatabase &db, const QString &where,
                                             const QVariantList &values,
                                             Transaction *transaction = nullptr);
    StoreResult<WorkspaceView> updateWorkspaceColumn(const QUuid &id, const QString &assignment,
                                                     const QVariant &value);
    // " FROM workspaces w JOIN ... WHERE ..." with the joins the filter needs (users u,
    // templates t, latest build b and its job j, each when filtered on).
    QString workspaceFilterSql(const WorkspaceFilter &filter, QVariantList &values) const;
    // The listing statement of a filter's page; with the filter's total as a last column.
    QString workspaceListSql(const WorkspaceFilter &filter, bool withCount,
                             QVariantList &values) const;
    // "SELECT <view columns> FROM workspaces w JOIN ..." (without the build's payload
    // unless full), and the joins of it that follow FROM.
    QString viewSelect(bool full) const;
    QString viewJoins() const;

    ThreadConnections m_connections;
    ResourceCache m_resources;
};

} // namespace coder::server
