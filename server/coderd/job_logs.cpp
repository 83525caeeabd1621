#include "job_logs.h"

#include "api_objects.h"
#include "server/database/store.h"

namespace coder::server {

Outcome<QList<core::ProvisionerJobLog>> JobLogs::after(const QUuid &jobId, qint64 after)
{
    auto logs = m_store.jobs().logs(jobId, after);
    if (!logs)
        return DomainError::fromStore(logs.error(), QStringLiteral("logs"));
    QList<core::ProvisionerJobLog> shown;
    shown.reserve(logs->size());
    for (const ProvisionerJobLog &log : std::as_const(*logs))
        shown.append(apiJobLog(log));
    return shown;
}

Outcome<JobLogs::Batch> JobLogs::batch(const QUuid &jobId, qint64 after)
{
    // The job first: when it has ended, the logs read after it are all there will be.
    auto job = m_store.jobs().byId(jobId);
    if (!job)
        return DomainError::fromStore(job.error(), QStringLiteral("provisioner job"));
    auto logs = this->after(jobId, after);
    if (!logs)
        return logs.error();
    return Batch{std::move(*logs), !job->isActive()};
}

} // namespace coder::server
