#pragma once

#include "server/database/provisioning_models.h"
#include "server/database/pubsub.h"
#include "server/provisioner/job_protocol.h"

#include <QMutex>
#include <QObject>
#include <memory>
#include <vector>

namespace coder::server {

class ProvisionerJobServer;

// The JobSource of a built-in provisioner daemon: calls coderd's ProvisionerJobServer directly
// (on the daemon's threads), and wakes its daemon through the pubsub when a job is posted
// instead of polling the database in a loop. Create it on a thread with an event loop (the one
// hosting coderd): the pubsub's wake-ups are delivered there, without waiting.
class LocalJobSource : public JobSource
{
public:
    LocalJobSource(ProvisionerJobServer &server, const JobAcquireRequest &identity);
    ~LocalJobSource() override;

    core::Result<std::optional<AcquiredJob>, QString> acquire(int waitMs) override;
    void onJobPosted(std::function<void()> wake) override;
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
    void interrupt() override {}
    void threadEnding() override;
    QUuid workerId() const { return m_identity.workerId; }

private:
    ProvisionerJobServer &m_server;
    JobAcquireRequest m_identity;
    QObject m_context; // lives on the creating thread; pubsub callbacks run there
    std::unique_ptr<Subscription> m_subscription;
    QMutex m_mutex;
    std::vector<std::function<void()>> m_wakes;
};

} // namespace coder::server
