#pragma once

#include "api_objects.h"
#include "domain_error.h"
#include "server/database/store.h"

#include <QHash>

namespace coder::server {

// Loads what the API's builds, workspaces, templates and versions show besides their own rows
// (names of users, versions, the organization; resources), with caches that live for one
// response, so that a list costs a few queries rather than several per row.
class ProvisioningViews
{
public:
    explicit ProvisioningViews(Store &store) : m_store(store) {}

    // A build as read with its job (one snapshot: never a build as it was before its job
    // completed beside the completed job).
    Outcome<core::WorkspaceBuild> build(const BuildWithJob &build, const WorkspaceView &workspace);
    Outcome<core::Workspace> workspace(const WorkspaceView &view);
    Outcome<core::WorkspacesPage> workspaces(const QList<WorkspaceView> &list, qint64 count);
    core::TemplateVersion templateVersion(const VersionWithJob &version);
    Outcome<QList<core::Template>> templates(const QList<Template> &list);
    // The rich parameters an import stored with the version.
    static Outcome<QList<core::TemplateVersionParameter>>
    parameters(const TemplateVersion &version);

    User user(const QUuid &id);

private:
    OrganizationRef organization(const QUuid &id);
    QString versionName(const QUuid &id);
    Outcome<QHash<QUuid, QList<WorkspaceResource>>> resourcesOf(const QList<QUuid> &jobIds);
    static BuildView latestBuildView(const WorkspaceView &view,
                                     const QHash<QUuid, QList<WorkspaceResource>> &resources);
    // A workspace view carries its organization's and latest build's names from its query.
    static OrganizationRef organizationOf(const WorkspaceView &view);

    Store &m_store;
    QHash<QUuid, User> m_users;
    QHash<QUuid, QString> m_versionNames;
    QHash<QUuid, OrganizationRef> m_organizations;
};

} // namespace coder::server
