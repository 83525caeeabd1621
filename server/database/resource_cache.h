#pragma once

#include "provisioning_models.h"

#include <QCache>
#include <QMutex>
#include <QUuid>

namespace coder::server {

// The resources of completed jobs, by job id, shared by the store's threads. A job's resources,
// their agents' definitions and their apps are written once, in the transaction that completes
// the job, and never change (nor are they deleted: builds and versions are kept), so an entry
// never goes stale and a replica may keep what another wrote. Only an agent's state changes
// (ProvisioningRowCodec::agentStateColumns): whoever takes an entry reads that fresh.
// A job without resources is not kept: it may not have completed yet.
class ResourceCache
{
public:
    // A few KiB per job of a workspace with an agent and apps: tens of MiB at most.
    static constexpr int kMaxJobs = 4096;

    // The resources of each of jobIds that is kept; the others are appended to missing.
    QHash<QUuid, QList<WorkspaceResource>> lookup(const QList<QUuid> &jobIds,
                                                  QList<QUuid> &missing) const;
    // Keeps the resources of one completed job (ignored when empty).
    void keep(const QUuid &jobId, const QList<WorkspaceResource> &resources);

private:
    mutable QMutex m_mutex;
    mutable QCache<QUuid, QList<WorkspaceResource>> m_jobs{kMaxJobs};
};

} // namespace coder::server
