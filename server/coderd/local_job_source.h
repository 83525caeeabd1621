#pragma once

#include "server/database/provisioning_models.h"
#include "server/database/pubsub.h"
#include "server/provisioner/job_protocol.h"

#include <QObject>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace coder::server {

class ProvisionerJobServer;

// The JobSource of a built-in provisioner daemon: calls coderd's ProvisionerJobServer directly,
// and waits for new jobs on the pubsub instead of polling the database in a loop.
// Create it on a thread with an event loop (coderd's main thread): the pubsub wakes it there.
class LocalJobSource : public JobSource
{
public:
    LocalJobSource(ProvisionerJobServer &server, const JobAcquireRequest &identity);
    ~LocalJobSource() override;

    core::Result<std::optional<AcquiredJob>, QString> acquire(int timeoutMs) override;
    core::Result<bool, QString> heartbeat(const QUuid &jobId) override;
    core::Result<core::Ok, QString> appendLogs(const QUuid &jobId,
                                               const QList<JobLogLine> &logs) override;
    core::Result<core::Ok, QString> checkpoint(const QUuid &jobId,
                                               const QByteArray &state) override;
    core::Result<core::Ok, QString> completeImport(const QUuid &jobId,
                                                   const ImportResult &result) override;
    core::Result<core::Ok, QString> completeBuild(const QUuid &jobId,
                                                  const BuildResult &result) override;
    core::Result<core::Ok, QString> fail(const QUuid &jobId, const BuildFailure &failure) override;
    void interrupt() override;
    void threadEnding() override;
    QUuid workerId() const { return m_identity.workerId; }

private:
    void wake();

    ProvisionerJobServer &m_server;
    JobAcquireRequest m_identity;
    QObject m_context; // lives on the creating thread; pubsub callbacks run there
    std::unique_ptr<Subscription> m_subscription;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    quint64 m_posted = 0; // bumped by every "job posted" message
    bool m_interrupted = false;
};

} // namespace coder::server
