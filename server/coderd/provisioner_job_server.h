#pragma once

#include "server/database/store.h"
#include "server/provisioner/job_protocol.h"

#include <QUrl>
#include <functional>

namespace coder::server {

class Pubsub;

// Pubsub channels coderd posts on; listeners re-read the database when one fires.
namespace channels {
inline const QString jobPosted = QStringLiteral("provisioner_jobs");
QString jobLogs(const QUuid &jobId);         // payload "logs" | "end"
QString workspace(const QUuid &workspaceId); // any change of the workspace or its builds
// The same changes of every workspace, for the deployment-wide feed; payload: the workspace id.
inline const QString workspaces = QStringLiteral("workspaces");
// Posts a change of the workspace on both channels above (what: "job", "agent", "settings").
void workspaceChanged(Pubsub &pubsub, const QUuid &workspaceId, const QByteArray &what);
} // namespace channels

// coderd's side of the provisioner daemon protocol (job_protocol.h), shared by built-in daemons
// (LocalJobSource) and the daemon WebSocket: hands out jobs with what they need, records logs,
// state and outcomes, and tells listeners through the pubsub. Thread-safe.
class ProvisionerJobServer
{
public:
    ProvisionerJobServer(Store &store, Pubsub &pubsub, std::function<QUrl()> accessUrl);

    core::Result<std::optional<AcquiredJob>, QString> acquire(const JobAcquireRequest &request);
    // True when the job should stop: canceled, or no longer running on this worker.
    core::Result<bool, QString> heartbeat(const QUuid &jobId, const QUuid &workerId);
    core::Result<core::Ok, QString> appendLogs(const QUuid &jobId, const QUuid &workerId,
                                               const QList<JobLogLine> &logs);
    core::Result<core::Ok, QString> checkpoint(const QUuid &jobId, const QUuid &workerId,
                                               const QByteArray &state);
    core::Result<core::Ok, QString> completeImport(const QUuid &jobId, const QUuid &workerId,
                                                   const ImportResult &result);
    core::Result<core::Ok, QString> completeBuild(const QUuid &jobId, const QUuid &workerId,
                                                  const BuildResult &result);
    core::Result<core::Ok, QString> fail(const QUuid &jobId, const QUuid &workerId,
                                         const BuildFailure &failure);

    // Fails jobs whose daemon stopped heartbeating before `before`; returns how many.
    int failStaleJobs(const QDateTime &before);

    // For the routes: a job was posted / changed (wakes daemons, log and workspace streams).
    void jobPosted();
    void jobChanged(const ProvisionerJob &job);

    Store &store() { return m_store; }
    Pubsub &pubsub() { return m_pubsub; }

private:
    core::Result<AcquiredJob, QString> payloadFor(const ProvisionerJob &job);
    core::Result<ProvisionerJob, QString> runningJob(const QUuid &jobId, const QUuid &workerId);

    Store &m_store;
    Pubsub &m_pubsub;
    std::function<QUrl()> m_accessUrl;
};

// The workspace id a build job's input names (null for other jobs).
QUuid workspaceIdOfJob(const ProvisionerJob &job);

} // namespace coder::server
