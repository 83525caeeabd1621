#include "provisioning_views.h"

#include "api_context.h"

namespace coder::server {

User ProvisioningViews::user(const QUuid &id)
{
    if (id.isNull())
        return {};
    auto cached = m_users.constFind(id);
    if (cached != m_users.cend())
        return *cached;
    User user;
    if (auto found = m_store.users().byId(id))
        user = *found;
    else
        user.id = id; // a name shown blank rather than a failed response
    m_users.insert(id, user);
    return user;
}

QString ProvisioningViews::userName(const QUuid &id)
{
    return user(id).username;
}

QString ProvisioningViews::versionName(const QUuid &id)
{
    auto cached = m_versionNames.constFind(id);
    if (cached != m_versionNames.cend())
        return *cached;
    auto version = m_store.templates().versionById(id);
    const QString name = version ? version->name : QString();
    m_versionNames.insert(id, name);
    return name;
}

OrganizationRef ProvisioningViews::organization(const QUuid &id)
{
    auto cached = m_organizations.constFind(id);
    if (cached != m_organizations.cend())
        return *cached;
    OrganizationRef ref{id, {}, {}};
    if (auto org = m_store.templates().organizationById(id))
        ref = {org->id, org->name, org->displayName};
    m_organizations.insert(id, ref);
    return ref;
}

OrganizationRef ProvisioningViews::organizationOf(const WorkspaceView &view)
{
    return {view.workspace.organizationId, view.organizationName, view.organizationDisplayName};
}

core::Result<QHash<QUuid, QList<WorkspaceResource>>, core::ApiError>
ProvisioningViews::resourcesOf(const QList<QUuid> &jobIds)
{
    QHash<QUuid, QList<WorkspaceResource>> byJob;
    if (jobIds.isEmpty())
        return byJob;
    auto resources = m_store.jobs().resourcesByJobIds(jobIds);
    if (!resources)
        return ApiContext::storeError(resources.error(), QStringLiteral("workspace resources"));
    for (const WorkspaceResource &resource : std::as_const(*resources))
        byJob[resource.jobId].append(resource);
    return byJob;
}

BuildView
ProvisioningViews::latestBuildView(const WorkspaceView &view,
                                   const QHash<QUuid, QList<WorkspaceResource>> &resources)
{
    BuildView build;
    build.build = view.latestBuild;
    build.job = view.latestJob;
    build.workspaceName = view.workspace.name;
    build.workspaceOwnerId = view.workspace.ownerId;
    build.workspaceOwnerName = view.ownerName;
    build.templateVersionName = view.latestBuildVersionName;
    build.initiatorName = view.latestBuildInitiatorName;
    build.resources = resources.value(view.latestJob.id);
    return build;
}

core::Result<BuildView, core::ApiError> ProvisioningViews::build(const BuildWithJob &read,
                                                                 const WorkspaceView &workspace)
{
    const WorkspaceBuild &build = read.build;
    auto resources = resourcesOf({build.jobId});
    if (!resources)
        return resources.error();
    BuildView view;
    view.build = build;
    view.job = read.job;
    view.workspaceName = workspace.workspace.name;
    view.workspaceOwnerId = workspace.workspace.ownerId;
    view.workspaceOwnerName = workspace.ownerName;
    view.templateVersionName = versionName(build.templateVersionId);
    view.initiatorName = userName(build.initiatorId);
    view.resources = resources->value(build.jobId);
    return view;
}

core::Result<QByteArray, core::ApiError> ProvisioningViews::workspace(const WorkspaceView &view)
{
    auto resources = resourcesOf({view.latestJob.id});
    if (!resources)
        return resources.error();
    return core::json::toJson(apiWorkspace(view, latestBuildView(view, *resources),
                                           organizationOf(view), QDateTime::currentDateTimeUtc()));
}

core::Result<QByteArray, core::ApiError>
ProvisioningViews::workspaces(const QList<WorkspaceView> &list, qint64 count)
{
    QList<QUuid> jobIds;
    jobIds.reserve(list.size());
    for (const WorkspaceView &view : list)
        jobIds.append(view.latestJob.id);
    auto resources = resourcesOf(jobIds);
    if (!resources)
        return resources.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    core::JsonWriter json;
    // About 2.2 KiB per workspace without agents, 3.4 KiB with an agent and an app: one
    // allocation for most pages.
    json.reserve(list.size() * 3584);
    json.beginObject().key("workspaces").beginArray();
    for (const WorkspaceView &view : list)
        core::json::write(
            json, apiWorkspace(view, latestBuildView(view, *resources), organizationOf(view), now));
    json.endArray().key("count").value(count).endObject();
    return json.take();
}

core::Result<QByteArray, core::ApiError>
ProvisioningViews::templateVersion(const VersionWithJob &read)
{
    return core::json::toJson(
        apiTemplateVersion(read.version, read.job, user(read.version.createdBy)));
}

core::Result<QByteArray, core::ApiError> ProvisioningViews::templates(const QList<Template> &list,
                                                                      bool array)
{
    QList<QUuid> ids;
    for (const Template &tmpl : list)
        ids.append(tmpl.id);
    auto counts = m_store.workspaces().ownerCountsByTemplate(ids);
    if (!counts)
        return ApiContext::storeError(counts.error(), QStringLiteral("templates"));
    core::JsonWriter json;
    if (array)
        json.beginArray();
    for (const Template &tmpl : list)
        core::json::write(json, apiTemplate(tmpl, organization(tmpl.organizationId),
                                            userName(tmpl.createdBy), counts->value(tmpl.id)));
    if (array)
        json.endArray();
    return json.take();
}

} // namespace coder::server
