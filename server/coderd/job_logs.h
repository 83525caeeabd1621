#pragma once

#include "core/workspace_types.h"
#include "domain_error.h"

namespace coder::server {

class Store;

// A provisioner job's logs as the API shows them, for the template version and build services
// and the log streams. Callers authorize first: this reads whatever job it is given.
class JobLogs
{
public:
    explicit JobLogs(Store &store) : m_store(store) {}

    // The logs with an id above after.
    Outcome<QList<core::ProvisionerJobLog>> after(const QUuid &jobId, qint64 after);

    struct Batch
    {
        QList<core::ProvisionerJobLog> logs;
        bool ended = false; // the job had ended: no log will follow these
    };
    // after(), with whether the job had ended before the logs were read.
    Outcome<Batch> batch(const QUuid &jobId, qint64 after);

private:
    Store &m_store;
};

} // namespace coder::server
