#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "job_log_stream.h"
#include "json_body.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "request_params.h"
#include "workspace_builder.h"

#include <QWebSocket>

namespace coder::server {

namespace {

struct BuildTarget
{
    WorkspaceBuild build;
    WorkspaceView workspace;
};

// Finds {workspacebuild} and checks the principal's right on its workspace.
core::Result<BuildTarget, core::ApiError> buildFor(ApiContext &context, const HttpRequest &request,
                                                   const Principal &principal, Action action)
{
    auto id = uuidParam(request, QStringLiteral("workspacebuild"));
    if (!id)
        return id.error();
    auto build = context.store.workspaces().buildById(*id);
    if (!build)
        return ApiContext::storeError(build.error(), QStringLiteral("workspace build"));
    auto workspace = context.store.workspaces().byId(build->workspaceId);
    if (!workspace)
        return ApiContext::storeError(workspace.error(), QStringLiteral("workspace"));
    if (auto denied = context.require(principal, action,
                                      {Resource::Workspace, workspace->workspace.ownerId, {}}))
        return *denied;
    return BuildTarget{*build, *workspace};
}

HttpResponse buildResponse(ApiContext &context, const WorkspaceBuild &build,
                           const WorkspaceView &workspace, int status = 200)
{
    auto read = context.store.workspaces().buildWithJob(build.id);
    if (!read)
        return HttpResponse::error(
            ApiContext::storeError(read.error(), QStringLiteral("workspace build")));
    ProvisioningViews views(context.store);
    auto view = views.build(*read, workspace);
    if (!view)
        return HttpResponse::error(view.error());
    core::JsonWriter json;
    core::json::write(json, apiBuild(*view, QDateTime::currentDateTimeUtc()));
    return HttpResponse::rawJson(status, json.take());
}

HttpResponse listBuilds(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto workspace = workspaceFor(context, request, principal, Action::Read);
    if (!workspace)
        return HttpResponse::error(workspace.error());
    auto page = parsePagination(request, 25, 1000);
    if (!page)
        return HttpResponse::error(page.error());
    auto builds = context.store.workspaces().buildsWithJobs(workspace->workspace.id, page->limit,
                                                            page->offset);
    if (!builds)
        return HttpResponse::error(
            ApiContext::storeError(builds.error(), QStringLiteral("workspace builds")));
    ProvisioningViews views(context.store);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    core::JsonWriter json;
    json.beginArray();
    for (const BuildWithJob &build : std::as_const(*builds)) {
        auto view = views.build(build, *workspace);
        if (!view)
            return HttpResponse::error(view.error());
        core::json::write(json, apiBuild(*view, now));
    }
    json.endArray();
    return HttpResponse::rawJson(200, json.take());
}

HttpResponse createBuild(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    WorkspaceBuilder::NewBuild build;
    build.initiatorId = principal.user.id;
    build.transition = body->string(QStringLiteral("transition"));
    if (!build.transition.isEmpty() && build.transition != transition::start &&
        build.transition != transition::stop && build.transition != transition::remove)
        body->invalid(QStringLiteral("transition"),
                      QStringLiteral("Must be one of: start, stop, delete."));
    const QString versionText = body->string(QStringLiteral("template_version_id"), false);
    build.templateVersionId = QUuid::fromString(versionText);
    if (!versionText.isEmpty() && build.templateVersionId.isNull())
        body->invalid(QStringLiteral("template_version_id"), QStringLiteral("Must be a UUID."));
    build.parameters = readParameterValues(*body);
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    // Coder asks for delete permission to delete, update permission to start or stop.
    const Action action = build.transition == transition::remove ? Action::Delete : Action::Update;
    auto workspace = workspaceFor(context, request, principal, action);
    if (!workspace)
        return HttpResponse::error(workspace.error());
    auto created = context.builder->createBuild(*workspace, build);
    if (!created)
        return HttpResponse::error(created.error());
    const QString auditAction =
        build.transition == transition::remove ? QStringLiteral("delete") : QStringLiteral("write");
    context.audit.record(request,
                         {principal.user.id, auditAction, QStringLiteral("workspace_build"),
                          core::idText(created->id), workspace->workspace.name, 201,
                          QJsonObject{{QStringLiteral("transition"), build.transition}}});
    return buildResponse(context, *created, *workspace, 201);
}

HttpResponse getBuild(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto target = buildFor(context, request, principal, Action::Read);
    if (!target)
        return HttpResponse::error(target.error());
    return buildResponse(context, target->build, target->workspace);
}

HttpResponse buildLogs(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto target = buildFor(context, request, principal, Action::Read);
    if (!target)
        return HttpResponse::error(target.error());
    return jobLogsResponse(context, request, target->build.jobId);
}

WebSocketDecision followBuildLogs(ApiContext &context, HttpRequest &request,
                                  const Principal &principal)
{
    auto target = buildFor(context, request, principal, Action::Read);
    if (!target)
        return {HttpResponse::error(target.error()), {}};
    auto after = logsAfterParam(request);
    if (!after)
        return {HttpResponse::error(after.error()), {}};
    return {std::nullopt,
            [&context, jobId = target->build.jobId, after = *after](QWebSocket *socket) {
                JobLogStream::start(context, socket, jobId, after);
            }};
}

HttpResponse cancelBuild(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto target = buildFor(context, request, principal, Action::Update);
    if (!target)
        return HttpResponse::error(target.error());
    if (!target->workspace.templateAllowUserCancelWorkspaceJobs &&
        !authorize(principal.subject, Action::Update, {Resource::Template, {}, {}}))
        return HttpResponse::error(core::ApiError::forbidden(
            QStringLiteral("The template of this workspace does not let users cancel builds.")));
    auto job = context.store.jobs().cancel(target->build.jobId);
    if (!job) {
        if (job.error().kind == StoreError::Conflict)
            return HttpResponse::error(
                core::ApiError::badRequest(QStringLiteral("Job has already completed!")));
        return HttpResponse::error(ApiContext::storeError(job.error(), QStringLiteral("job")));
    }
    context.jobs->jobChanged(*job);
    context.audit.record(request, {principal.user.id, QStringLiteral("write"),
                                   QStringLiteral("workspace_build"),
                                   core::idText(target->build.id), target->workspace.workspace.name,
                                   200, QJsonObject{{QStringLiteral("canceled"), true}}});
    return HttpResponse::json(200,
                              QJsonObject{{QStringLiteral("message"),
                                           QStringLiteral("Job has been marked as canceled...")}});
}

HttpResponse buildParameters(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto target = buildFor(context, request, principal, Action::Read);
    if (!target)
        return HttpResponse::error(target.error());
    return HttpResponse::json(200, target->build.parameters);
}

} // namespace

void registerWorkspaceBuildRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    auto bind = [&context](auto handler) {
        return context.authenticated(std::bind(handler, std::ref(context), _1, _2));
    };
    router.add("GET", QStringLiteral("/api/v2/workspaces/{workspace}/builds"), bind(listBuilds));
    router.add("POST", QStringLiteral("/api/v2/workspaces/{workspace}/builds"), bind(createBuild));
    const QString build = QStringLiteral("/api/v2/workspacebuilds/{workspacebuild}");
    router.add("GET", build, bind(getBuild));
    router.add("GET", build + QStringLiteral("/logs"), bind(buildLogs));
    router.addWebSocket(
        build + QStringLiteral("/logs"),
        context.authenticatedWebSocket(std::bind(followBuildLogs, std::ref(context), _1, _2)));
    router.add("PATCH", build + QStringLiteral("/cancel"), bind(cancelBuild));
    router.add("GET", build + QStringLiteral("/parameters"), bind(buildParameters));
}

} // namespace coder::server
