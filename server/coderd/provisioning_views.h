#pragma once

#include "api_objects.h"
#include "core/api_error.h"
#include "core/result.h"
#include "server/database/store.h"
#include "server/http/http_response.h"

#include <QHash>

namespace coder::server {

// Loads what the JSON of builds, workspaces and template versions shows besides their own rows
// (names of users, versions, the organization; resources), with caches that live for one
// response, so a list costs a few queries rather than several per row.
class ProvisioningViews
{
public:
    explicit ProvisioningViews(Store &store) : m_store(store) {}

    // A build as read with its job (one snapshot: never a build as it was before its job
    // completed beside the completed job).
    core::Result<BuildView, core::ApiError> build(const BuildWithJob &build,
                                                  const WorkspaceView &workspace);
    // The JSON of one workspace / of {"workspaces": [...], "count": N}.
    core::Result<QByteArray, core::ApiError> workspace(const WorkspaceView &view);
    core::Result<QByteArray, core::ApiError> workspaces(const QList<WorkspaceView> &list,
                                                        qint64 count);
    core::Result<QByteArray, core::ApiError> templateVersion(const VersionWithJob &version);
    core::Result<QByteArray, core::ApiError> templates(const QList<Template> &list, bool array);

    OrganizationRef organization(const QUuid &id);
    QString userName(const QUuid &id);
    User user(const QUuid &id);
    QString versionName(const QUuid &id);

private:
    core::Result<QHash<QUuid, QList<WorkspaceResource>>, core::ApiError>
    resourcesOf(const QList<QUuid> &jobIds);
    static BuildView latestBuildView(const WorkspaceView &view,
                                     const QHash<QUuid, QList<WorkspaceResource>> &resources);
    // A workspace view carries its organization's and latest build's names from its query.
    static OrganizationRef organizationOf(const WorkspaceView &view);

    Store &m_store;
    QHash<QUuid, User> m_users;
    QHash<QUuid, QString> m_versionNames;
    QHash<QUuid, OrganizationRef> m_organizations;
};

// A view's JSON as a response, or its error.
inline HttpResponse jsonResponse(const core::Result<QByteArray, core::ApiError> &json,
                                 int status = 200)
{
    return json ? HttpResponse::rawJson(status, *json) : HttpResponse::error(json.error());
}

} // namespace coder::server
