#include "local_job_source.h"

#include "provisioner_job_server.h"
#include "server/database/pubsub.h"

#include <QLoggingCategory>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobServer)

LocalJobSource::LocalJobSource(ProvisionerJobServer &server, const JobAcquireRequest &identity)
    : m_server(server), m_identity(identity)
{
    auto wakeAll = [this](const QByteArray &) {
        QMutexLocker locker(&m_mutex);
        for (const auto &wake : m_wakes)
            wake();
    };
    auto subscription =
        server.pubsub().listen(channels::jobPosted, &m_context, wakeAll, [](const QString &error) {
            if (!error.isEmpty()) // the daemon still looks once a second
                qCWarning(lcJobServer) << "built-in daemon cannot listen for new jobs:" << error;
        });
    if (subscription)
        m_subscription = std::move(*subscription);
    else
        qCWarning(lcJobServer) << "built-in daemon cannot listen for new jobs:"
                               << subscription.error();
}

LocalJobSource::~LocalJobSource() = default;

void LocalJobSource::onJobPosted(std::function<void()> wake)
{
    QMutexLocker locker(&m_mutex);
    m_wakes.push_back(std::move(wake));
}

core::Result<std::optional<AcquiredJob>, QString> LocalJobSource::acquire(int waitMs)
{
    Q_UNUSED(waitMs) // a posted job wakes the daemon instead (onJobPosted)
    return m_server.acquire(m_identity);
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
