#include "local_job_source.h"

#include "provisioner_job_server.h"
#include "server/database/pubsub.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobServer)

LocalJobSource::LocalJobSource(ProvisionerJobServer &server, const JobAcquireRequest &identity)
    : m_server(server), m_identity(identity)
{
    auto subscription = server.pubsub().subscribe(channels::jobPosted, &m_context,
                                                  [this](const QByteArray &) { wake(); });
    if (subscription)
        m_subscription = std::move(*subscription);
    else // still works, by polling once a second
        qCWarning(lcJobServer) << "built-in daemon cannot listen for new jobs:"
                               << subscription.error();
}

LocalJobSource::~LocalJobSource() = default;

void LocalJobSource::wake()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_posted;
    }
    m_wake.notify_all();
}

void LocalJobSource::interrupt()
{
    {
        std::lock_guard lock(m_mutex);
        m_interrupted = true;
    }
    m_wake.notify_all();
}

core::Result<std::optional<AcquiredJob>, QString> LocalJobSource::acquire(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        quint64 seen;
        {
            std::lock_guard lock(m_mutex);
            if (m_interrupted)
                return std::optional<AcquiredJob>();
            seen = m_posted;
        }
        auto job = m_server.acquire(m_identity);
        if (!job || *job || deadline.hasExpired())
            return job;
        // Wait for a post, or a second at most (tags can make a posted job not ours). `seen` was
        // read before the attempt, so a post made during it ends the wait at once.
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock,
                        std::chrono::milliseconds(std::min<qint64>(1000, deadline.remainingTime())),
                        [&] { return m_interrupted || m_posted != seen; });
    }
}

void LocalJobSource::threadEnding()
{
    m_server.store().closeThreadConnection();
}

core::Result<bool, QString> LocalJobSource::heartbeat(const QUuid &jobId)
{
    return m_server.heartbeat(jobId, m_identity.workerId);
}

core::Result<core::Ok, QString> LocalJobSource::appendLogs(const QUuid &jobId,
                                                           const QList<JobLogLine> &logs)
{
    return m_server.appendLogs(jobId, m_identity.workerId, logs);
}

core::Result<core::Ok, QString> LocalJobSource::checkpoint(const QUuid &jobId,
                                                           const QByteArray &state)
{
    return m_server.checkpoint(jobId, m_identity.workerId, state);
}

core::Result<core::Ok, QString> LocalJobSource::completeImport(const QUuid &jobId,
                                                               const ImportResult &result)
{
    return m_server.completeImport(jobId, m_identity.workerId, result);
}

core::Result<core::Ok, QString> LocalJobSource::completeBuild(const QUuid &jobId,
                                                              const BuildResult &result)
{
    return m_server.completeBuild(jobId, m_identity.workerId, result);
}

core::Result<core::Ok, QString> LocalJobSource::fail(const QUuid &jobId,
                                                     const BuildFailure &failure)
{
    return m_server.fail(jobId, m_identity.workerId, failure);
}

} // namespace coder::server
