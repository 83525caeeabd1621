#pragma once

#include "provisioning_models.h"
#include "resource_cache.h"
#include "sql_database.h"

#include <QJsonArray>
#include <QList>
#include <optional>

namespace coder::server {

// Provisioner jobs, their logs and the resources they report, and provisioner daemons: the SQL
// of provisioner_jobs, provisioner_job_logs, the resource tables and provisioner_daemons. The
// other aggregates write a job inside their own transactions through the ...With calls.
class JobStore
{
public:
    using Transaction = SqlDatabase::Transaction;

    explicit JobStore(SqlDatabase &db) : m_db(db) {}

    StoreResult<ProvisionerJob> byId(const QUuid &id);
    StoreResult<QList<ProvisionerJob>> byIds(const QList<QUuid> &ids);
    // Atomically takes the oldest pending job the daemon may run: running, started now, worker
    // and heartbeat set. std::nullopt when there is none. No job is ever handed out twice.
    StoreResult<std::optional<ProvisionerJob>> acquire(const JobAcquireRequest &request);
    // Records a sign of life and returns the job as it is now (status "canceling" tells the
    // worker to stop). Conflict when the job is no longer running on workerId.
    StoreResult<ProvisionerJob> heartbeat(const QUuid &jobId, const QUuid &workerId);
    // Appends logs (ids assigned in order); returns them with their ids. Also a heartbeat.
    StoreResult<QList<ProvisionerJobLog>> appendLogs(const QUuid &jobId,
                                                     const QList<ProvisionerJobLog> &logs);
    // Logs with id > afterId, oldest first; limit 0: all.
    StoreResult<QList<ProvisionerJobLog>> logs(const QUuid &jobId, qint64 afterId, int limit = 0);
    // Pending: canceled at once. Running: canceling (the worker sees it on its next heartbeat).
    // Conflict when the job has already completed.
    StoreResult<ProvisionerJob> cancel(const QUuid &jobId);
    // Fails every running or canceling job whose heartbeat is older than before, with message;
    // returns those jobs.
    StoreResult<QList<ProvisionerJob>> failStale(const QDateTime &before, const QString &message);

    // Resources (with agents and their apps) of these jobs: the jobs in the order their
    // resources were created, each job's in the provisioner's order.
    StoreResult<QList<WorkspaceResource>> resourcesByJobIds(const QList<QUuid> &jobIds);

    // Provisioner daemons, keyed by name: a daemon that reconnects keeps its row.
    StoreResult<ProvisionerDaemon> upsertDaemon(const ProvisionerDaemon &daemon);
    StoreResult<core::Ok> touchDaemon(const QUuid &id, const QDateTime &at);
    StoreResult<QList<ProvisionerDaemon>> listDaemons();

    // ---- inside another aggregate's transaction ----
    StoreResult<ProvisionerJob> insertWith(QSqlDatabase &db, const ProvisionerJob &job,
                                           Transaction &transaction);
    // The job, its row held until the transaction ends.
    StoreResult<ProvisionerJob> lock(QSqlDatabase &db, const QUuid &id, Transaction &transaction);
    // lock, Conflict unless the job runs (or is being canceled) on workerId.
    StoreResult<ProvisionerJob> lockRunning(QSqlDatabase &db, const QUuid &id,
                                            const QUuid &workerId, Transaction &transaction);
    // Writes the job's changeable columns, with its status derived again.
    StoreResult<ProvisionerJob> write(QSqlDatabase &db, ProvisionerJob job,
                                      Transaction &transaction);
    StoreResult<core::Ok> insertResources(QSqlDatabase &db, const QUuid &jobId,
                                          const QString &transition,
                                          const QList<WorkspaceResource> &resources,
                                          Transaction &transaction);

private:
    // The resources of jobIds from the database, in creation order; and the state of the
    // agents among resources read earlier (ResourceCache).
    StoreResult<QList<WorkspaceResource>> loadResources(QSqlDatabase &db,
                                                        const QList<QUuid> &jobIds);
    StoreResult<core::Ok> refreshAgentStates(QSqlDatabase &db,
                                             QHash<QUuid, QList<WorkspaceResource>> &byJob);

    SqlDatabase &m_db;
    ResourceCache m_resources;
};

} // namespace coder::server
