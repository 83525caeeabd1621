#include "provisioning_views.h"

#include "core/json_mapping.h"

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

Outcome<QHash<QUuid, QList<WorkspaceResource>>>
ProvisioningViews::resourcesOf(const QList<QUuid> &jobIds)
{
    QHash<QUuid, QList<WorkspaceResource>> byJob;
    if (jobIds.isEmpty())
        return byJob;
    auto resources = m_store.jobs().resourcesByJobIds(jobIds);
    if (!resources)
        return DomainError::fromStore(resources.error(), QStringLiteral("workspace resources"));
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

Outcome<core::WorkspaceBuild> ProvisioningViews::build(const BuildWithJob &read,
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
    view.initiatorName = user(build.initiatorId).username;
    view.resources = resources->value(build.jobId);
    return apiBuild(view, QDateTime::currentDateTimeUtc());
}

Outcome<core::Workspace> ProvisioningViews::workspace(const WorkspaceView &view)
{
    auto resources = resourcesOf({view.latestJob.id});
    if (!resources)
        return resources.error();
    return apiWorkspace(view, latestBuildView(view, *resources), organizationOf(view),
                        QDateTime::currentDateTimeUtc());
}

Outcome<core::WorkspacesPage> ProvisioningViews::workspaces(const QList<WorkspaceView> &list,
                                                            qint64 count)
{
    QList<QUuid> jobIds;
    jobIds.reserve(list.size());
    for (const WorkspaceView &view : list)
        jobIds.append(view.latestJob.id);
    auto resources = resourcesOf(jobIds);
    if (!resources)
        return resources.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    core::WorkspacesPage page;
    page.count = count;
    page.workspaces.reserve(list.size());
    for (const WorkspaceView &view : list)
        page.workspaces.append(
            apiWorkspace(view, latestBuildView(view, *resources), organizationOf(view), now));
    return page;
}

core::TemplateVersion ProvisioningViews::templateVersion(const VersionWithJob &read)
{
    return apiTemplateVersion(read.version, read.job, user(read.version.createdBy));
}

Outcome<QList<core::Template>> ProvisioningViews::templates(const QList<Template> &list)
{
    QList<QUuid> ids;
    for (const Template &tmpl : list)
        ids.append(tmpl.id);
    auto counts = m_store.workspaces().ownerCountsByTemplate(ids);
    if (!counts)
        return DomainError::fromStore(counts.error(), QStringLiteral("templates"));
    QList<core::Template> shown;
    shown.reserve(list.size());
    for (const Template &tmpl : list)
        shown.append(apiTemplate(tmpl, organization(tmpl.organizationId),
                                 user(tmpl.createdBy).username, counts->value(tmpl.id)));
    return shown;
}

Outcome<QList<core::TemplateVersionParameter>>
ProvisioningViews::parameters(const TemplateVersion &version)
{
    auto parameters =
        core::json::fromJson<QList<core::TemplateVersionParameter>>(QJsonValue(version.parameters));
    if (!parameters)
        return DomainError::internal(
            QStringLiteral("The template version's parameters cannot be read."),
            parameters.error());
    return *parameters;
}

} // namespace coder::server
