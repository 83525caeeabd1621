#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "audit_recorder.h"
#include "cron_schedule.h"
#include "json_body.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "request_params.h"
#include "workspace_builder.h"
#include "workspace_watch.h"

#include <QJsonArray>

namespace coder::server {

namespace {

constexpr qint64 minTtlMs = 60 * 1000;
constexpr qint64 maxTtlMs = 7LL * 24 * 3600 * 1000;

HttpResponse workspaceResponse(ApiContext &context, const WorkspaceView &view, int status = 200)
{
    ProvisioningViews views(context.store);
    return jsonResponse(views.workspace(view), status);
}

// Tells watchers (watch-ws, other replicas) that a setting of the workspace changed.
void workspaceChanged(ApiContext &context, const QUuid &workspaceId)
{
    context.pubsub->publish(channels::workspace(workspaceId), "settings");
}

QString ttlProblem(qint64 ttl)
{
    if (ttl < minTtlMs)
        return QStringLiteral("Must be at least one minute.");
    if (ttl > maxTtlMs)
        return QStringLiteral("Must be at most 7 days.");
    return {};
}

QString scheduleProblem(const QString &schedule)
{
    auto parsed = CronSchedule::parse(schedule);
    return parsed ? QString() : QStringLiteral("Invalid schedule: %1.").arg(parsed.error());
}

} // namespace

// Finds {workspace} and checks the principal's right to act on it; shared with the build routes.
core::Result<WorkspaceView, core::ApiError> workspaceFor(ApiContext &context,
                                                         const HttpRequest &request,
                                                         const Principal &principal, Action action)
{
    auto id = uuidParam(request, QStringLiteral("workspace"));
    if (!id)
        return id.error();
    auto view = context.store.workspaces().byId(*id);
    if (!view)
        return ApiContext::storeError(view.error(), QStringLiteral("workspace"));
    if (auto denied =
            context.require(principal, action, {Resource::Workspace, view->workspace.ownerId, {}}))
        return *denied;
    return *view;
}

namespace {

HttpResponse createWorkspace(ApiContext &context, HttpRequest &request, const Principal &principal,
                             const User &owner)
{
    if (auto denied =
            context.require(principal, Action::Create, {Resource::Workspace, owner.id, {}}))
        return HttpResponse::error(*denied);
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    WorkspaceBuilder::NewWorkspace create;
    create.ownerId = owner.id;
    create.initiatorId = principal.user.id;
    create.name = body->string(QStringLiteral("name"));
    if (const QString problem = resourceNameProblem(create.name); !problem.isEmpty())
        body->invalid(QStringLiteral("name"), problem);
    const QString templateText = body->string(QStringLiteral("template_id"), false);
    const QString versionText = body->string(QStringLiteral("template_version_id"), false);
    create.templateId = QUuid::fromString(templateText);
    create.templateVersionId = QUuid::fromString(versionText);
    if (!templateText.isEmpty() && create.templateId.isNull())
        body->invalid(QStringLiteral("template_id"), QStringLiteral("Must be a UUID."));
    if (!versionText.isEmpty() && create.templateVersionId.isNull())
        body->invalid(QStringLiteral("template_version_id"), QStringLiteral("Must be a UUID."));
    if (templateText.isEmpty() && versionText.isEmpty())
        body->invalid(QStringLiteral("template_id"),
                      QStringLiteral("Either template_id or template_version_id is required."));
    create.autostartSchedule = body->string(QStringLiteral("autostart_schedule"), false);
    if (!create.autostartSchedule.isEmpty())
        if (const QString problem = scheduleProblem(create.autostartSchedule); !problem.isEmpty())
            body->invalid(QStringLiteral("autostart_schedule"), problem);
    if (auto ttl = body->integer(QStringLiteral("ttl_ms"), false)) {
        if (const QString problem = *ttl == 0 ? QString() : ttlProblem(*ttl); !problem.isEmpty())
            body->invalid(QStringLiteral("ttl_ms"), problem);
        create.ttlMs = *ttl;
    }
    create.parameters = readParameterValues(*body);
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    auto created = context.builder->createWorkspace(create);
    if (!created)
        return HttpResponse::error(created.error());
    context.audit.record(request,
                         {principal.user.id, QStringLiteral("create"), QStringLiteral("workspace"),
                          core::idText(created->workspace.id), created->workspace.name, 201,
                          QJsonObject{{QStringLiteral("owner"), owner.username}}});
    return workspaceResponse(context, *created, 201);
}

// ?q= in Coder's syntax: "owner:me template:T status:running name:N" and bare words (a name).
core::Result<WorkspaceFilter, core::ApiError> parseWorkspaceQuery(const HttpRequest &request,
                                                                  const Principal &principal)
{
    WorkspaceFilter filter;
    static const QStringList statuses{QStringLiteral("pending"),   QStringLiteral("starting"),
                                      QStringLiteral("running"),   QStringLiteral("stopping"),
                                      QStringLiteral("stopped"),   QStringLiteral("failed"),
                                      QStringLiteral("canceling"), QStringLiteral("canceled"),
                                      QStringLiteral("deleting"),  QStringLiteral("deleted")};
    const QStringList terms = request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded)
                                  .split(u' ', Qt::SkipEmptyParts);
    for (const QString &term : terms) {
        const qsizetype colon = term.indexOf(u':');
        const QString key = colon < 0 ? QStringLiteral("name") : term.left(colon);
        const QString value = colon < 0 ? term : term.mid(colon + 1);
        if (key == QLatin1String("owner")) {
            if (value == QLatin1String("me"))
                filter.ownerId = principal.user.id;
            else
                filter.ownerName = value;
        } else if (key == QLatin1String("template")) {
            filter.templateName = value;
        } else if (key == QLatin1String("status")) {
            if (!statuses.contains(value))
                return core::ApiError::invalidField(
                    QStringLiteral("q"), QStringLiteral("Unknown status \"%1\"; one of: %2.")
                                             .arg(value, statuses.join(u", ")));
            filter.status = value;
            filter.includeDeleted = value == QLatin1String("deleted");
        } else if (key == QLatin1String("name")) {
            filter.name = value;
        } else {
            return core::ApiError::invalidField(
                QStringLiteral("q"),
                QStringLiteral("Unknown filter \"%1\"; use owner:, template:, status: or name:.")
                    .arg(key));
        }
    }
    return filter;
}

HttpResponse listWorkspaces(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto page = parsePagination(request, 0, 5000);
    if (!page)
        return HttpResponse::error(page.error());
    auto filter = parseWorkspaceQuery(request, principal);
    if (!filter)
        return HttpResponse::error(filter.error());
    // Without the right to read every workspace, a user lists exactly the ones they may read.
    if (!authorize(principal.subject, Action::Read, {Resource::Workspace, {}, {}})) {
        if (!filter->ownerId.isNull() && filter->ownerId != principal.user.id)
            filter->ownerId = QUuid::createUuid(); // nobody's: an empty list
        else
            filter->ownerId = principal.user.id;
    }
    filter->limit = page->limit;
    filter->offset = page->offset;
    auto listed = context.store.workspaces().page(*filter);
    if (!listed)
        return HttpResponse::error(
            ApiContext::storeError(listed.error(), QStringLiteral("workspaces")));
    ProvisioningViews views(context.store);
    return jsonResponse(views.workspaces(listed->workspaces, listed->count));
}

HttpResponse workspaceByName(ApiContext &context, HttpRequest &request, const Principal &principal,
                             const User &owner)
{
    const QString name = request.pathParam(QStringLiteral("name"));
    auto view = context.store.workspaces().byOwnerAndName(owner.id, name);
    // ?include_deleted=true: a deleted workspace of that name (the most recent), as Coder.
    if (!view && view.error().kind == StoreError::NotFound &&
        request.query.queryItemValue(QStringLiteral("include_deleted")) == QLatin1String("true")) {
        WorkspaceFilter filter;
        filter.ownerId = owner.id;
        filter.name = name;
        filter.includeDeleted = true;
        if (auto candidates = context.store.workspaces().list(filter)) {
            for (const WorkspaceView &candidate : std::as_const(*candidates))
                if (candidate.workspace.name.compare(name, Qt::CaseInsensitive) == 0 &&
                    (!view || candidate.workspace.updatedAt > view->workspace.updatedAt))
                    view = candidate;
        }
    }
    if (!view)
        return HttpResponse::error(
            ApiContext::storeError(view.error(), QStringLiteral("workspace")));
    if (auto denied = context.require(principal, Action::Read, {Resource::Workspace, owner.id, {}}))
        return HttpResponse::error(*denied);
    return workspaceResponse(context, *view);
}

HttpResponse getWorkspace(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto view = workspaceFor(context, request, principal, Action::Read);
    if (!view)
        return HttpResponse::error(view.error());
    if (view->workspace.deleted &&
        request.query.queryItemValue(QStringLiteral("include_deleted")) != QLatin1String("true")) {
        return HttpResponse::error(workspaceGone(
            view->workspace.name, QStringLiteral("Add ?include_deleted=true to see it.")));
    }
    return workspaceResponse(context, *view);
}

// The settings routes share this shape: find, authorize, refuse on a deleted workspace.
core::Result<WorkspaceView, core::ApiError>
changeableWorkspace(ApiContext &context, const HttpRequest &request, const Principal &principal)
{
    auto view = workspaceFor(context, request, principal, Action::Update);
    if (!view)
        return view.error();
    if (view->workspace.deleted) {
        return workspaceGone(view->workspace.name);
    }
    return view;
}

HttpResponse patchWorkspace(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto view = changeableWorkspace(context, request, principal);
    if (!view)
        return HttpResponse::error(view.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const QString name = body->string(QStringLiteral("name"));
    if (const QString problem = resourceNameProblem(name); !problem.isEmpty())
        body->invalid(QStringLiteral("name"), problem);
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    auto updated = context.store.workspaces().updateName(view->workspace.id, name);
    if (!updated) {
        if (updated.error().kind == StoreError::Conflict)
            return HttpResponse::error(core::ApiError::conflict(
                QStringLiteral("Workspace \"%1\" already exists.").arg(name),
                QStringLiteral("name")));
        return HttpResponse::error(
            ApiContext::storeError(updated.error(), QStringLiteral("workspace")));
    }
    context.audit.record(
        request,
        {principal.user.id, QStringLiteral("write"), QStringLiteral("workspace"),
         core::idText(view->workspace.id), name, 204,
         QJsonObject{{QStringLiteral("name"), AuditRecorder::change(view->workspace.name, name)}}});
    workspaceChanged(context, view->workspace.id);
    return HttpResponse::noContent();
}

HttpResponse putAutostart(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto view = changeableWorkspace(context, request, principal);
    if (!view)
        return HttpResponse::error(view.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const QString schedule = body->string(QStringLiteral("schedule"), false);
    if (!schedule.isEmpty())
        if (const QString problem = scheduleProblem(schedule); !problem.isEmpty())
            body->invalid(QStringLiteral("schedule"), problem);
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    if (!schedule.isEmpty()) {
        auto tmpl = context.store.templates().byId(view->workspace.templateId);
        if (tmpl && !tmpl->allowUserAutostart)
            return HttpResponse::error(core::ApiError::badRequest(
                QStringLiteral("Autostart is not allowed for workspaces using this template.")));
    }
    auto updated = context.store.workspaces().updateAutostart(view->workspace.id, schedule);
    if (!updated)
        return HttpResponse::error(
            ApiContext::storeError(updated.error(), QStringLiteral("workspace")));
    workspaceChanged(context, view->workspace.id);
    return HttpResponse::noContent();
}

HttpResponse putTtl(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto view = changeableWorkspace(context, request, principal);
    if (!view)
        return HttpResponse::error(view.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const std::optional<qint64> ttl = body->integer(QStringLiteral("ttl_ms"), false);
    if (ttl && *ttl != 0)
        if (const QString problem = ttlProblem(*ttl); !problem.isEmpty())
            body->invalid(QStringLiteral("ttl_ms"), problem);
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    if (ttl.value_or(0) > 0) {
        auto tmpl = context.store.templates().byId(view->workspace.templateId);
        if (tmpl && !tmpl->allowUserAutostop)
            return HttpResponse::error(core::ApiError::badRequest(
                QStringLiteral("Custom autostop TTL is not allowed for workspaces using this "
                               "template.")));
    }
    auto updated = context.store.workspaces().updateTtl(view->workspace.id, ttl.value_or(0));
    if (!updated)
        return HttpResponse::error(
            ApiContext::storeError(updated.error(), QStringLiteral("workspace")));
    workspaceChanged(context, view->workspace.id);
    return HttpResponse::noContent();
}

HttpResponse extendDeadline(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto view = changeableWorkspace(context, request, principal);
    if (!view)
        return HttpResponse::error(view.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const QString text = body->string(QStringLiteral("deadline"));
    const QDateTime deadline = QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!text.isEmpty() && !deadline.isValid())
        body->invalid(QStringLiteral("deadline"), QStringLiteral("Must be an RFC 3339 time."));
    else if (deadline.isValid() && deadline < now.addSecs(60))
        body->invalid(QStringLiteral("deadline"),
                      QStringLiteral("Must be at least one minute in the future."));
    else if (deadline.isValid() && deadline > now.addMSecs(maxTtlMs))
        body->invalid(QStringLiteral("deadline"), QStringLiteral("Must be within 7 days."));
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    if (view->latestBuild.transition != transition::start ||
        view->latestJob.status != job_status::succeeded)
        return HttpResponse::error(core::ApiError::badRequest(
            QStringLiteral("The workspace must be running to extend its deadline.")));
    if (!view->latestBuild.deadline.isValid())
        return HttpResponse::error(core::ApiError::badRequest(
            QStringLiteral("Workspace shutdown is manual."),
            QStringLiteral("The workspace has no autostop deadline to extend; set a ttl first.")));
    auto updated = context.store.workspaces().updateBuildDeadline(view->latestBuild.id, deadline,
                                                                  view->latestBuild.maxDeadline);
    if (!updated)
        return HttpResponse::error(
            ApiContext::storeError(updated.error(), QStringLiteral("workspace build")));
    workspaceChanged(context, view->workspace.id);
    return HttpResponse::json(
        200, QJsonObject{
                 {QStringLiteral("message"),
                  QStringLiteral("Deadline updated to %1.").arg(core::formatApiTime(deadline))}});
}

} // namespace

void registerWorkspaceRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    auto bind = [&context](auto handler) {
        return context.authenticated(std::bind(handler, std::ref(context), _1, _2));
    };
    router.add("POST", QStringLiteral("/api/v2/users/{user}/workspaces"),
               context.onUser(std::bind(createWorkspace, std::ref(context), _1, _2, _3)));
    router.add("GET", QStringLiteral("/api/v2/users/{user}/workspace/{name}"),
               context.onUser(std::bind(workspaceByName, std::ref(context), _1, _2, _3)));
    router.add("GET", QStringLiteral("/api/v2/workspaces"), bind(listWorkspaces));
    const QString workspace = QStringLiteral("/api/v2/workspaces/{workspace}");
    router.add("GET", workspace, bind(getWorkspace));
    router.add("PATCH", workspace, bind(patchWorkspace));
    router.add("PUT", workspace + QStringLiteral("/autostart"), bind(putAutostart));
    router.add("PUT", workspace + QStringLiteral("/ttl"), bind(putTtl));
    router.add("PUT", workspace + QStringLiteral("/extend"), bind(extendDeadline));
    router.addWebSocket(workspace + QStringLiteral("/watch-ws"),
                        context.authenticatedWebSocket([&context](HttpRequest &request,
                                                                  const Principal &principal) {
                            auto view = workspaceFor(context, request, principal, Action::Read);
                            if (!view)
                                return WebSocketDecision{HttpResponse::error(view.error()), {}};
                            return WebSocketDecision{
                                std::nullopt, [&context, id = view->workspace.id](QWebSocket *s) {
                                    WorkspaceWatch::start(context, s, id);
                                }};
                        }));
}

} // namespace coder::server
