#include "workspace_builder.h"

#include "api_objects.h"
#include "core/template_parameters.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"

namespace coder::server {

DomainError workspaceGone(const QString &name, const QString &detail)
{
    return DomainError::gone(QStringLiteral("Workspace \"%1\" was deleted.").arg(name), detail);
}

Outcome<WorkspaceBuilder::Version> WorkspaceBuilder::importedVersion(const QUuid &versionId,
                                                                     const QString &field)
{
    auto version = m_store.templates().versionById(versionId);
    if (!version || version->templateId.isNull())
        return DomainError::invalidField(field, QStringLiteral("No such template version."));
    auto job = m_store.jobs().byId(version->jobId);
    if (!job)
        return DomainError::fromStore(job.error(), QStringLiteral("provisioner job"));
    if (job->status != job_status::succeeded)
        return DomainError::invalidField(
            field, QStringLiteral("The template version's import has not succeeded (it is %1).")
                       .arg(job->status));
    auto parameters = ProvisioningViews::parameters(*version);
    if (!parameters)
        return parameters.error();
    return Version{*version, *job, std::move(*parameters)};
}

Outcome<QList<core::WorkspaceBuildParameter>>
WorkspaceBuilder::resolve(const Version &version,
                          const QList<core::WorkspaceBuildParameter> &requested,
                          const QList<core::WorkspaceBuildParameter> &previous, bool creating)
{
    auto values = core::resolveParameters(version.parameters, requested, previous, creating);
    if (values)
        return *values;
    DomainError error = DomainError::invalid(
        QStringLiteral("Invalid parameter values."),
        QStringLiteral("Check rich_parameter_values against the template's parameters."));
    for (const core::ParameterError &problem : values.error())
        error.withValidation(QStringLiteral("rich_parameter_values.") + problem.field,
                             problem.detail);
    return error;
}

ProvisionerJob WorkspaceBuilder::buildJob(const Version &version, const QUuid &initiator,
                                          const QUuid &buildId, const QUuid &workspaceId)
{
    ProvisionerJob job;
    job.id = QUuid::createUuid();
    job.organizationId = version.version.organizationId;
    job.initiatorId = initiator;
    job.provisioner = version.importJob.provisioner;
    job.type = job_type::workspaceBuild;
    job.fileId = version.version.fileId;
    job.tags = version.importJob.tags; // builds go where the template was imported
    job.input = {{QStringLiteral("workspace_build_id"), core::idText(buildId)},
                 {QStringLiteral("workspace_id"), core::idText(workspaceId)}};
    return job;
}

Outcome<WorkspaceView> WorkspaceBuilder::createWorkspace(const NewWorkspace &request)
{
    QUuid versionId = request.templateVersionId;
    Template tmpl;
    if (!request.templateId.isNull()) {
        auto found = m_store.templates().byId(request.templateId);
        if (!found || found->deleted)
            return DomainError::invalidField(QStringLiteral("template_id"),
                                             QStringLiteral("No such template."));
        tmpl = *found;
        if (versionId.isNull())
            versionId = tmpl.activeVersionId;
    }
    const QString field = request.templateId.isNull() ? QStringLiteral("template_version_id")
                                                      : QStringLiteral("template_id");
    auto version = importedVersion(versionId, field);
    if (!version)
        return version.error();
    if (tmpl.id.isNull()) {
        auto found = m_store.templates().byId(version->version.templateId);
        if (!found || found->deleted)
            return DomainError::invalidField(field, QStringLiteral("No such template."));
        tmpl = *found;
    } else if (version->version.templateId != tmpl.id) {
        return DomainError::invalidField(
            QStringLiteral("template_version_id"),
            QStringLiteral("The version does not belong to the template."));
    }
    // The template's rules for autostart and autostop bind at creation as in the PUT routes.
    if (!request.autostartSchedule.isEmpty() && !tmpl.allowUserAutostart)
        return DomainError::invalidField(
            QStringLiteral("autostart_schedule"),
            QStringLiteral("Autostart is not allowed for workspaces using this template."));
    if (request.ttlMs && *request.ttlMs != tmpl.defaultTtlMs && !tmpl.allowUserAutostop)
        return DomainError::invalidField(
            QStringLiteral("ttl_ms"),
            QStringLiteral("Custom autostop TTL is not allowed for workspaces using this "
                           "template."));
    auto parameters = resolve(*version, request.parameters, {}, true);
    if (!parameters)
        return parameters.error();

    Workspace workspace;
    workspace.id = QUuid::createUuid();
    workspace.ownerId = request.ownerId;
    workspace.organizationId = tmpl.organizationId;
    workspace.templateId = tmpl.id;
    workspace.name = request.name;
    workspace.autostartSchedule = request.autostartSchedule;
    workspace.ttlMs = request.ttlMs.value_or(tmpl.defaultTtlMs);
    WorkspaceBuild build;
    build.id = QUuid::createUuid();
    build.workspaceId = workspace.id;
    build.templateVersionId = version->version.id;
    build.buildNumber = 1;
    build.transition = transition::start;
    build.initiatorId = request.initiatorId;
    build.parameters = core::json::toJsonValue(*parameters).toArray();
    const ProvisionerJob job = buildJob(*version, request.initiatorId, build.id, workspace.id);
    build.jobId = job.id;
    auto inserted = m_store.workspaces().insert(workspace, build, job);
    if (!inserted) {
        if (inserted.error().kind == StoreError::Conflict)
            return DomainError::conflict(
                QStringLiteral("Workspace \"%1\" already exists.").arg(request.name),
                QStringLiteral("name"));
        // The template was deleted since it was read above: the store checks it again, locked.
        if (inserted.error().kind == StoreError::NotFound)
            return DomainError::invalidField(field, QStringLiteral("No such template."));
        return DomainError::fromStore(inserted.error(), QStringLiteral("workspace"));
    }
    m_jobs.jobPosted();
    m_jobs.jobChanged(job); // a new workspace is a change too (the deployment-wide feed)
    return *inserted;
}

Outcome<WorkspaceBuild> WorkspaceBuilder::createBuild(const WorkspaceView &workspace,
                                                      const NewBuild &request)
{
    if (workspace.workspace.deleted)
        return workspaceGone(workspace.workspace.name);
    const QString status =
        workspaceStatus(workspace.latestJob.status, workspace.latestBuild.transition);
    if (workspace.latestJob.isActive())
        return DomainError::conflict(
            QStringLiteral("A build is already in progress for this workspace (it is %1); wait "
                           "for it or cancel it.")
                .arg(status),
            QStringLiteral("transition"));
    if ((request.transition == transition::start && status == QLatin1String("running")) ||
        (request.transition == transition::stop && status == QLatin1String("stopped")))
        return DomainError::conflict(QStringLiteral("The workspace is already %1.").arg(status),
                                     QStringLiteral("transition"));

    const QUuid versionId = request.templateVersionId.isNull()
                                ? workspace.latestBuild.templateVersionId
                                : request.templateVersionId;
    auto version = importedVersion(versionId, QStringLiteral("template_version_id"));
    if (!version)
        return version.error();
    if (version->version.templateId != workspace.workspace.templateId)
        return DomainError::invalidField(
            QStringLiteral("template_version_id"),
            QStringLiteral("The version belongs to another template."));
    auto previous = core::json::fromJson<QList<core::WorkspaceBuildParameter>>(
        QJsonValue(workspace.latestBuild.parameters));
    if (!previous)
        return DomainError::internal(QStringLiteral("The last build's parameters cannot be read."),
                                     previous.error());
    auto parameters = resolve(*version, request.parameters, *previous, false);
    if (!parameters)
        return parameters.error();

    WorkspaceBuild build;
    build.id = QUuid::createUuid();
    build.workspaceId = workspace.workspace.id;
    build.templateVersionId = version->version.id;
    build.transition = request.transition;
    build.initiatorId = request.initiatorId;
    build.reason = request.reason;
    build.parameters = core::json::toJsonValue(*parameters).toArray();
    // What exists now, until the new build records its own state. Read from the build itself:
    // workspace lists leave the state out.
    auto latest = m_store.workspaces().buildById(workspace.latestBuild.id);
    if (!latest)
        return DomainError::fromStore(latest.error(), QStringLiteral("workspace build"));
    build.provisionerState = latest->provisionerState;
    const ProvisionerJob job =
        buildJob(*version, request.initiatorId, build.id, workspace.workspace.id);
    build.jobId = job.id;
    auto inserted = m_store.workspaces().insertBuild(build, job);
    if (!inserted) {
        if (inserted.error().kind == StoreError::Conflict)
            return DomainError::conflict(
                QStringLiteral("Another build of this workspace started first."),
                QStringLiteral("transition"));
        if (inserted.error().kind == StoreError::NotFound)
            return workspaceGone(workspace.workspace.name);
        return DomainError::fromStore(inserted.error(), QStringLiteral("workspace build"));
    }
    m_jobs.jobPosted();
    m_jobs.jobChanged(job);
    return *inserted;
}

} // namespace coder::server
