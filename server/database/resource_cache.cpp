#include "resource_cache.h"

#include <QSet>

namespace coder::server {

QHash<QUuid, QList<WorkspaceResource>> ResourceCache::lookup(const QList<QUuid> &jobIds,
                                                             QList<QUuid> &missing) const
{
    QHash<QUuid, QList<WorkspaceResource>> found;
    QSet<QUuid> seen;
    const QMutexLocker lock(&m_mutex);
    for (const QUuid &id : jobIds) {
        if (seen.contains(id))
            continue;
        seen.insert(id);
        // object() marks the entry as recently used, which is why m_jobs is mutable.
        if (const QList<WorkspaceResource> *resources = m_jobs.object(id))
            found.insert(id, *resources);
        else
            missing.append(id);
    }
    return found;
}

void ResourceCache::keep(const QUuid &jobId, const QList<WorkspaceResource> &resources)
{
    if (resources.isEmpty())
        return;
    const QMutexLocker lock(&m_mutex);
    m_jobs.insert(jobId, new QList<WorkspaceResource>(resources));
}

} // namespace coder::server
