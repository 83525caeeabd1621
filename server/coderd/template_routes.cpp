#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "audit_recorder.h"
#include "json_body.h"
#include "provisioning_views.h"
#include "request_params.h"

namespace coder::server {

namespace {

constexpr qint64 maxTtlMs = 7LL * 24 * 3600 * 1000; // Coder's limit for autostop

HttpResponse failed(const StoreError &error, const QString &what = QStringLiteral("template"))
{
    return HttpResponse::error(ApiContext::storeError(error, what));
}

HttpResponse templateResponse(ApiContext &context, const Template &tmpl, int status = 200)
{
    ProvisioningViews views(context.store);
    return jsonResponse(views.templates({tmpl}, false), status);
}

// The settable fields of a template, shared by create (all optional but the name) and PATCH.
void readSettings(JsonBody &body, Template &tmpl, bool creating)
{
    if (creating || body.has(QStringLiteral("name"))) {
        tmpl.name = body.string(QStringLiteral("name"));
        if (const QString problem = resourceNameProblem(tmpl.name); !problem.isEmpty())
            body.invalid(QStringLiteral("name"), problem);
    }
    if (body.has(QStringLiteral("display_name"))) {
        tmpl.displayName = body.string(QStringLiteral("display_name"), false);
        if (tmpl.displayName.size() > 64)
            body.invalid(QStringLiteral("display_name"),
                         QStringLiteral("Must be at most 64 characters."));
    }
    if (body.has(QStringLiteral("description"))) {
        tmpl.description = body.string(QStringLiteral("description"), false);
        if (tmpl.description.size() > 128)
            body.invalid(QStringLiteral("description"),
                         QStringLiteral("Must be at most 128 characters."));
    }
    if (body.has(QStringLiteral("icon")))
        tmpl.icon = body.string(QStringLiteral("icon"), false);
    if (body.has(QStringLiteral("default_ttl_ms"))) {
        const auto ttl = body.integer(QStringLiteral("default_ttl_ms"), false);
        if (ttl && (*ttl < 0 || *ttl > maxTtlMs))
            body.invalid(QStringLiteral("default_ttl_ms"),
                         QStringLiteral("Must be between 0 and 7 days."));
        else if (ttl)
            tmpl.defaultTtlMs = *ttl;
    }
    if (body.has(QStringLiteral("activity_bump_ms"))) {
        const auto bump = body.integer(QStringLiteral("activity_bump_ms"), false);
        if (bump && (*bump < 0 || *bump > maxTtlMs))
            body.invalid(QStringLiteral("activity_bump_ms"),
                         QStringLiteral("Must be between 0 and 7 days."));
        else if (bump)
            tmpl.activityBumpMs = *bump;
    }
    if (auto flag = body.boolean(QStringLiteral("allow_user_autostart")))
        tmpl.allowUserAutostart = *flag;
    if (auto flag = body.boolean(QStringLiteral("allow_user_autostop")))
        tmpl.allowUserAutostop = *flag;
    if (auto flag = body.boolean(QStringLiteral("allow_user_cancel_workspace_jobs")))
        tmpl.allowUserCancelWorkspaceJobs = *flag;
}

QJsonObject settingsOf(const Template &t)
{
    return {{QStringLiteral("name"), t.name},
            {QStringLiteral("display_name"), t.displayName},
            {QStringLiteral("description"), t.description},
            {QStringLiteral("icon"), t.icon},
            {QStringLiteral("default_ttl_ms"), t.defaultTtlMs},
            {QStringLiteral("activity_bump_ms"), t.activityBumpMs},
            {QStringLiteral("allow_user_autostart"), t.allowUserAutostart},
            {QStringLiteral("allow_user_autostop"), t.allowUserAutostop},
            {QStringLiteral("allow_user_cancel_workspace_jobs"), t.allowUserCancelWorkspaceJobs}};
}

QJsonObject diffOf(const Template &before, const Template &after)
{
    QJsonObject diff;
    const QJsonObject a = settingsOf(before);
    const QJsonObject b = settingsOf(after);
    for (auto it = b.constBegin(); it != b.constEnd(); ++it)
        if (a.value(it.key()) != it.value())
            diff.insert(it.key(), AuditRecorder::change(a.value(it.key()), it.value()));
    return diff;
}

core::Result<Template, core::ApiError> templateFor(ApiContext &context, const HttpRequest &request,
                                                   const Principal &principal, Action action)
{
    if (auto denied = context.require(principal, action, {Resource::Template, {}, {}}))
        return *denied;
    auto id = uuidParam(request, QStringLiteral("template"));
    if (!id)
        return id.error();
    auto tmpl = context.store.templates().byId(*id);
    if (!tmpl || tmpl->deleted)
        return core::ApiError::notFound(QStringLiteral("No template found."));
    return *tmpl;
}

HttpResponse listTemplates(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    if (auto denied = context.require(principal, Action::Read, {Resource::Template, {}, {}}))
        return HttpResponse::error(*denied);
    auto organization =
        context.resolveOrganization(request.pathParam(QStringLiteral("organization")));
    if (!organization)
        return HttpResponse::error(organization.error());
    auto templates = context.store.templates().list(organization->id);
    if (!templates)
        return failed(templates.error(), QStringLiteral("templates"));
    ProvisioningViews views(context.store);
    return jsonResponse(views.templates(*templates, true));
}

HttpResponse createTemplate(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    if (auto denied = context.require(principal, Action::Create, {Resource::Template, {}, {}}))
        return HttpResponse::error(*denied);
    auto organization =
        context.resolveOrganization(request.pathParam(QStringLiteral("organization")));
    if (!organization)
        return HttpResponse::error(organization.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    Template tmpl;
    readSettings(*body, tmpl, true);
    const QUuid versionId = QUuid::fromString(body->string(QStringLiteral("template_version_id")));
    if (versionId.isNull() && body->has(QStringLiteral("template_version_id")))
        body->invalid(QStringLiteral("template_version_id"), QStringLiteral("Must be a UUID."));
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);

    auto version = context.store.templates().versionById(versionId);
    if (!version || version->organizationId != organization->id)
        return HttpResponse::error(core::ApiError::invalidField(
            QStringLiteral("template_version_id"), QStringLiteral("No such template version.")));
    if (!version->templateId.isNull())
        return HttpResponse::error(core::ApiError::invalidField(
            QStringLiteral("template_version_id"),
            QStringLiteral("The version already belongs to a template.")));
    auto job = context.store.jobs().byId(version->jobId);
    if (!job)
        return failed(job.error(), QStringLiteral("provisioner job"));
    if (job->status != job_status::succeeded)
        return HttpResponse::error(core::ApiError::invalidField(
            QStringLiteral("template_version_id"),
            QStringLiteral("The version's import has not succeeded (it is %1).").arg(job->status)));
    tmpl.id = QUuid::createUuid();
    tmpl.organizationId = organization->id;
    tmpl.provisioner = job->provisioner;
    tmpl.activeVersionId = version->id;
    tmpl.createdBy = principal.user.id;
    auto inserted = context.store.templates().insert(tmpl, version->id);
    if (!inserted)
        return failed(inserted.error());
    context.audit.record(request, {principal.user.id,
                                   QStringLiteral("create"),
                                   QStringLiteral("template"),
                                   core::idText(inserted->id),
                                   inserted->name,
                                   201,
                                   {}});
    return templateResponse(context, *inserted, 201);
}

HttpResponse templateByName(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    if (auto denied = context.require(principal, Action::Read, {Resource::Template, {}, {}}))
        return HttpResponse::error(*denied);
    auto organization =
        context.resolveOrganization(request.pathParam(QStringLiteral("organization")));
    if (!organization)
        return HttpResponse::error(organization.error());
    auto tmpl = context.store.templates().byName(organization->id,
                                                 request.pathParam(QStringLiteral("name")));
    if (!tmpl)
        return failed(tmpl.error());
    return templateResponse(context, *tmpl);
}

HttpResponse getTemplate(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto tmpl = templateFor(context, request, principal, Action::Read);
    return tmpl ? templateResponse(context, *tmpl) : HttpResponse::error(tmpl.error());
}

HttpResponse patchTemplate(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto tmpl = templateFor(context, request, principal, Action::Update);
    if (!tmpl)
        return HttpResponse::error(tmpl.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    Template changed = *tmpl;
    readSettings(*body, changed, false);
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    auto updated = context.store.templates().update(changed);
    if (!updated)
        return failed(updated.error());
    context.audit.record(request,
                         {principal.user.id, QStringLiteral("write"), QStringLiteral("template"),
                          core::idText(updated->id), updated->name, 200, diffOf(*tmpl, *updated)});
    return templateResponse(context, *updated);
}

HttpResponse deleteTemplate(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto tmpl = templateFor(context, request, principal, Action::Delete);
    if (!tmpl)
        return HttpResponse::error(tmpl.error());
    if (auto deleted = context.store.templates().remove(tmpl->id); !deleted) {
        if (deleted.error().kind == StoreError::Conflict)
            return HttpResponse::error(core::ApiError::conflict(
                QStringLiteral("All workspaces must be deleted before a template can be "
                               "removed."),
                QStringLiteral("workspaces")));
        return failed(deleted.error());
    }
    context.audit.record(request, {principal.user.id,
                                   QStringLiteral("delete"),
                                   QStringLiteral("template"),
                                   core::idText(tmpl->id),
                                   tmpl->name,
                                   200,
                                   {}});
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("message"),
                                                QStringLiteral("Template has been deleted!")}});
}

HttpResponse listVersions(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto tmpl = templateFor(context, request, principal, Action::Read);
    if (!tmpl)
        return HttpResponse::error(tmpl.error());
    auto versions = context.store.templates().versionsWithJobs(tmpl->id);
    if (!versions)
        return failed(versions.error(), QStringLiteral("template versions"));
    ProvisioningViews views(context.store);
    QByteArray json = "[";
    for (const VersionWithJob &version : std::as_const(*versions)) {
        auto one = views.templateVersion(version);
        if (!one)
            return HttpResponse::error(one.error());
        if (json.size() > 1)
            json += ',';
        json += *one;
    }
    json += ']';
    return HttpResponse::rawJson(200, json);
}

HttpResponse versionByName(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto tmpl = templateFor(context, request, principal, Action::Read);
    if (!tmpl)
        return HttpResponse::error(tmpl.error());
    auto version = context.store.templates().versionByName(
        tmpl->id, request.pathParam(QStringLiteral("name")));
    if (!version)
        return failed(version.error(), QStringLiteral("template version"));
    auto shown = context.store.templates().versionWithJob(version->id);
    if (!shown)
        return failed(shown.error(), QStringLiteral("template version"));
    ProvisioningViews views(context.store);
    return jsonResponse(views.templateVersion(*shown));
}

HttpResponse setActiveVersion(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto tmpl = templateFor(context, request, principal, Action::Update);
    if (!tmpl)
        return HttpResponse::error(tmpl.error());
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const QUuid versionId = QUuid::fromString(body->string(QStringLiteral("id")));
    if (versionId.isNull() && body->has(QStringLiteral("id")))
        body->invalid(QStringLiteral("id"), QStringLiteral("Must be a UUID."));
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);
    auto updated = context.store.templates().updateActiveVersion(tmpl->id, versionId);
    if (!updated) {
        if (updated.error().kind == StoreError::NotFound)
            return HttpResponse::error(core::ApiError::invalidField(
                QStringLiteral("id"), QStringLiteral("No such version of this template.")));
        if (updated.error().kind == StoreError::Conflict)
            return HttpResponse::error(
                core::ApiError::invalidField(QStringLiteral("id"), updated.error().message));
        return failed(updated.error());
    }
    context.audit.record(request,
                         {principal.user.id, QStringLiteral("write"), QStringLiteral("template"),
                          core::idText(tmpl->id), tmpl->name, 200,
                          QJsonObject{{QStringLiteral("active_version_id"),
                                       AuditRecorder::change(core::idText(tmpl->activeVersionId),
                                                             core::idText(versionId))}}});
    return HttpResponse::json(
        200, QJsonObject{{QStringLiteral("message"),
                          QStringLiteral("Updated the active template version!")}});
}

} // namespace

void registerTemplateRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    auto bind = [&context](auto handler) {
        return context.authenticated(std::bind(handler, std::ref(context), _1, _2));
    };
    const QString org = QStringLiteral("/api/v2/organizations/{organization}");
    router.add("GET", org,
               context.authenticated([&context](HttpRequest &request, const Principal &principal) {
                   if (auto denied = context.require(principal, Action::Read,
                                                     {Resource::Organization, {}, {}}))
                       return HttpResponse::error(*denied);
                   auto organization = context.resolveOrganization(
                       request.pathParam(QStringLiteral("organization")));
                   if (!organization)
                       return HttpResponse::error(organization.error());
                   core::JsonWriter json;
                   core::json::write(json, apiOrganization(*organization));
                   return HttpResponse::rawJson(200, json.take());
               }));
    router.add("GET", org + QStringLiteral("/templates"), bind(listTemplates));
    router.add("POST", org + QStringLiteral("/templates"), bind(createTemplate));
    router.add("GET", org + QStringLiteral("/templates/{name}"), bind(templateByName));
    const QString tmpl = QStringLiteral("/api/v2/templates/{template}");
    router.add("GET", tmpl, bind(getTemplate));
    router.add("PATCH", tmpl, bind(patchTemplate));
    router.add("DELETE", tmpl, bind(deleteTemplate));
    router.add("GET", tmpl + QStringLiteral("/versions"), bind(listVersions));
    router.add("PATCH", tmpl + QStringLiteral("/versions"), bind(setActiveVersion));
    router.add("GET", tmpl + QStringLiteral("/versions/{name}"), bind(versionByName));
}

} // namespace coder::server
