#include "workspace_build_service.h"

#include "audit_recorder.h"
#include "job_logs.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "server/database/store.h"
#include "workspace_builder.h"
#include "workspace_service.h"

namespace coder::server {

namespace {

const QString kBuild = QStringLiteral("workspace build");

} // namespace

Outcome<WorkspaceBuildService::Target> WorkspaceBuildService::find(const Actor &actor,
                                                                   const QUuid &id, Action action)
{
    auto build = m_store.workspaces().buildById(id);
    if (!build)
        return DomainError::fromStore(build.error(), kBuild);
    auto workspace = m_workspaces.find(actor, build->workspaceId, action);
    if (!workspace)
        return workspace.error();
    return Target{*build, *workspace};
}

Outcome<core::WorkspaceBuild> WorkspaceBuildService::shown(const QUuid &buildId,
                                                           const WorkspaceView &workspace)
{
    auto read = m_store.workspaces().buildWithJob(buildId);
    if (!read)
        return DomainError::fromStore(read.error(), kBuild);
    ProvisioningViews views(m_store);
    return views.build(*read, workspace);
}

Outcome<QList<core::WorkspaceBuild>>
WorkspaceBuildService::list(const Actor &actor, const QUuid &workspaceId, Pagination page)
{
    auto workspace = m_workspaces.find(actor, workspaceId, Action::Read);
    if (!workspace)
        return workspace.error();
    auto builds =
        m_store.workspaces().buildsWithJobs(workspace->workspace.id, page.limit, page.offset);
    if (!builds)
        return DomainError::fromStore(builds.error(), QStringLiteral("workspace builds"));
    ProvisioningViews views(m_store);
    QList<core::WorkspaceBuild> shown;
    shown.reserve(builds->size());
    for (const BuildWithJob &build : std::as_const(*builds)) {
        auto view = views.build(build, *workspace);
        if (!view)
            return view.error();
        shown.append(std::move(*view));
    }
    return shown;
}

Outcome<core::WorkspaceBuild>
WorkspaceBuildService::create(const Actor &actor, const QUuid &workspaceId,
                              const core::CreateWorkspaceBuildRequest &request)
{
    const QString &wanted = request.transition;
    if (wanted != transition::start && wanted != transition::stop && wanted != transition::remove)
        return DomainError::invalidField(
            QStringLiteral("transition"),
            wanted.isEmpty() ? QStringLiteral("Field is required.")
                             : QStringLiteral("Must be one of: start, stop, delete."));
    // Coder asks for delete permission to delete, update permission to start or stop.
    const Action action = wanted == transition::remove ? Action::Delete : Action::Update;
    auto workspace = m_workspaces.find(actor, workspaceId, action);
    if (!workspace)
        return workspace.error();
    WorkspaceBuilder::NewBuild build;
    build.initiatorId = actor.user().id;
    build.transition = wanted;
    build.templateVersionId = request.templateVersionId;
    for (const core::WorkspaceBuildParameter &parameter : request.richParameterValues)
        build.parameters.append({parameter.name, parameter.value});
    auto created = m_builder.createBuild(*workspace, build);
    if (!created)
        return created.error();
    const QString auditAction =
        wanted == transition::remove ? QStringLiteral("delete") : QStringLiteral("write");
    m_audit.record(actor, {actor.user().id, auditAction, QStringLiteral("workspace_build"),
                           core::idText(created->id), workspace->workspace.name, 201,
                           QJsonObject{{QStringLiteral("transition"), wanted}}});
    return shown(created->id, *workspace);
}

Outcome<core::WorkspaceBuild> WorkspaceBuildService::get(const Actor &actor, const QUuid &id)
{
    auto target = find(actor, id, Action::Read);
    if (!target)
        return target.error();
    return shown(target->build.id, target->workspace);
}

Outcome<QList<core::ProvisionerJobLog>> WorkspaceBuildService::logs(const Actor &actor,
                                                                    const QUuid &id, qint64 after)
{
    auto job = buildJob(actor, id);
    if (!job)
        return job.error();
    return m_logs.after(*job, after);
}

Outcome<QUuid> WorkspaceBuildService::buildJob(const Actor &actor, const QUuid &id)
{
    auto target = find(actor, id, Action::Read);
    if (!target)
        return target.error();
    return target->build.jobId;
}

Outcome<core::Ok> WorkspaceBuildService::cancel(const Actor &actor, const QUuid &id)
{
    auto target = find(actor, id, Action::Update);
    if (!target)
        return target.error();
    if (!target->workspace.templateAllowUserCancelWorkspaceJobs &&
        !authorize(actor.subject(), Action::Update, {Resource::Template, {}, {}}))
        return DomainError::forbidden(
            QStringLiteral("The template of this workspace does not let users cancel builds."));
    auto job = m_store.jobs().cancel(target->build.jobId);
    if (!job) {
        if (job.error().kind == StoreError::Conflict)
            return DomainError::invalid(QStringLiteral("Job has already completed!"));
        return DomainError::fromStore(job.error(), QStringLiteral("job"));
    }
    m_jobs.jobChanged(*job);
    m_audit.record(actor,
                   {actor.user().id, QStringLiteral("write"), QStringLiteral("workspace_build"),
                    core::idText(target->build.id), target->workspace.workspace.name, 200,
                    QJsonObject{{QStringLiteral("canceled"), true}}});
    return core::Ok{};
}

Outcome<QList<core::WorkspaceBuildParameter>> WorkspaceBuildService::parameters(const Actor &actor,
                                                                                const QUuid &id)
{
    auto target = find(actor, id, Action::Read);
    if (!target)
        return target.error();
    auto parameters = core::json::fromJson<QList<core::WorkspaceBuildParameter>>(
        QJsonValue(target->build.parameters));
    if (!parameters)
        return DomainError::internal(QStringLiteral("The build's parameters cannot be read."),
                                     parameters.error());
    return *parameters;
}

} // namespace coder::server
