#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "job_log_stream.h"
#include "json_body.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "request_params.h"

#include <QRandomGenerator>
#include <QWebSocket>

namespace coder::server {

namespace {

const QStringList provisioners{QStringLiteral("process"), QStringLiteral("docker")};

// A name for a version created without one, in the spirit of Coder's "sharp_kirch3".
QString generatedVersionName()
{
    static const QStringList adjectives{QStringLiteral("bold"),  QStringLiteral("calm"),
                                        QStringLiteral("eager"), QStringLiteral("keen"),
                                        QStringLiteral("quiet"), QStringLiteral("sharp"),
                                        QStringLiteral("swift"), QStringLiteral("wise")};
    static const QStringList nouns{QStringLiteral("babbage"),  QStringLiteral("curie"),
                                   QStringLiteral("hopper"),   QStringLiteral("kirch"),
                                   QStringLiteral("lovelace"), QStringLiteral("noether"),
                                   QStringLiteral("ritchie"),  QStringLiteral("turing")};
    QRandomGenerator *random = QRandomGenerator::global();
    return adjectives.at(random->bounded(adjectives.size())) + u'_' +
           nouns.at(random->bounded(nouns.size())) + QString::number(random->bounded(100));
}

// Finds {templateversion} and checks that the principal may act on templates that way.
core::Result<TemplateVersion, core::ApiError> versionFor(ApiContext &context,
                                                         const HttpRequest &request,
                                                         const Principal &principal, Action action)
{
    if (auto denied = context.require(principal, action, {Resource::Template, {}, {}}))
        return *denied;
    auto id = uuidParam(request, QStringLiteral("templateversion"));
    if (!id)
        return id.error();
    auto version = context.store.templates().versionById(*id);
    if (!version)
        return ApiContext::storeError(version.error(), QStringLiteral("template version"));
    return *version;
}

HttpResponse createVersion(ApiContext &context, HttpRequest &request, const Principal &principal)
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
    const QString storage = body->string(QStringLiteral("storage_method"), false);
    if (!storage.isEmpty() && storage != QLatin1String("file"))
        body->invalid(QStringLiteral("storage_method"), QStringLiteral("Must be \"file\"."));
    const QString fileText = body->string(QStringLiteral("file_id"));
    const QUuid fileId = QUuid::fromString(fileText);
    if (!fileText.isEmpty() && fileId.isNull())
        body->invalid(QStringLiteral("file_id"), QStringLiteral("Must be a UUID."));
    QString name = body->string(QStringLiteral("name"), false);
    if (!name.isEmpty() && name.size() > 64)
        body->invalid(QStringLiteral("name"), QStringLiteral("Must be at most 64 characters."));
    const QString message = body->string(QStringLiteral("message"), false);
    if (message.size() > 1048576)
        body->invalid(QStringLiteral("message"), QStringLiteral("Must be at most 1 MiB."));
    const QString templateText = body->string(QStringLiteral("template_id"), false);
    const QUuid templateId = QUuid::fromString(templateText);
    if (!templateText.isEmpty() && templateId.isNull())
        body->invalid(QStringLiteral("template_id"), QStringLiteral("Must be a UUID."));
    QString provisioner = body->string(QStringLiteral("provisioner"), false);
    if (!provisioner.isEmpty() && !provisioners.contains(provisioner))
        body->invalid(QStringLiteral("provisioner"),
                      QStringLiteral("Must be one of: %1.").arg(provisioners.join(u", ")));
    const QMap<QString, QString> tags = body->stringMap(QStringLiteral("tags"));
    if (auto invalid = body->error())
        return HttpResponse::error(*invalid);

    if (!templateId.isNull()) {
        auto tmpl = context.store.templates().byId(templateId);
        if (!tmpl || tmpl->deleted || tmpl->organizationId != organization->id)
            return HttpResponse::error(core::ApiError::invalidField(
                QStringLiteral("template_id"), QStringLiteral("No such template.")));
        if (provisioner.isEmpty())
            provisioner = tmpl->provisioner;
    }
    if (provisioner.isEmpty())
        provisioner = QStringLiteral("process");
    if (auto file = context.store.templates().fileById(fileId); !file) {
        if (file.error().kind != StoreError::NotFound)
            return HttpResponse::error(
                ApiContext::storeError(file.error(), QStringLiteral("file")));
        return HttpResponse::error(core::ApiError::invalidField(
            QStringLiteral("file_id"), QStringLiteral("No file with this id was uploaded.")));
    }
    if (name.isEmpty())
        name = generatedVersionName();

    TemplateVersion version;
    version.id = QUuid::createUuid();
    version.templateId = templateId;
    version.organizationId = organization->id;
    version.name = name;
    version.message = message;
    version.fileId = fileId;
    version.createdBy = principal.user.id;
    ProvisionerJob job;
    job.id = QUuid::createUuid();
    job.organizationId = organization->id;
    job.initiatorId = principal.user.id;
    job.provisioner = provisioner;
    job.type = job_type::templateVersionImport;
    job.fileId = fileId;
    job.input = {{QStringLiteral("template_version_id"), core::idText(version.id)}};
    job.tags = tags;
    version.jobId = job.id;
    auto inserted = context.store.templates().insertVersion(version, job);
    if (!inserted)
        return HttpResponse::error(
            ApiContext::storeError(inserted.error(), QStringLiteral("template version")));
    context.jobs->jobPosted();
    context.audit.record(request, {principal.user.id,
                                   QStringLiteral("create"),
                                   QStringLiteral("template_version"),
                                   core::idText(inserted->id),
                                   inserted->name,
                                   201,
                                   {}});
    auto shown = context.store.templates().versionWithJob(inserted->id);
    if (!shown)
        return HttpResponse::error(
            ApiContext::storeError(shown.error(), QStringLiteral("template version")));
    ProvisioningViews views(context.store);
    return jsonResponse(views.templateVersion(*shown), 201);
}

HttpResponse getVersion(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto version = versionFor(context, request, principal, Action::Read);
    if (!version)
        return HttpResponse::error(version.error());
    auto shown = context.store.templates().versionWithJob(version->id);
    if (!shown)
        return HttpResponse::error(
            ApiContext::storeError(shown.error(), QStringLiteral("template version")));
    ProvisioningViews views(context.store);
    return jsonResponse(views.templateVersion(*shown));
}

// The import must have succeeded before its parameters and resources exist.
std::optional<core::ApiError> requireImported(ApiContext &context, const TemplateVersion &version)
{
    auto job = context.store.jobs().byId(version.jobId);
    if (!job)
        return ApiContext::storeError(job.error(), QStringLiteral("provisioner job"));
    if (job->status == job_status::succeeded)
        return std::nullopt;
    if (job->status == job_status::failed)
        return core::ApiError::badRequest(QStringLiteral("The template version's import failed."),
                                          job->error);
    return core::ApiError::badRequest(
        QStringLiteral("The template version's import has not completed (it is %1).")
            .arg(job->status));
}

HttpResponse richParameters(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto version = versionFor(context, request, principal, Action::Read);
    if (!version)
        return HttpResponse::error(version.error());
    if (auto notReady = requireImported(context, *version))
        return HttpResponse::error(*notReady);
    return HttpResponse::json(200, version->parameters);
}

HttpResponse versionResources(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto version = versionFor(context, request, principal, Action::Read);
    if (!version)
        return HttpResponse::error(version.error());
    if (auto notReady = requireImported(context, *version))
        return HttpResponse::error(*notReady);
    auto resources = context.store.jobs().resourcesByJobIds({version->jobId});
    if (!resources)
        return HttpResponse::error(
            ApiContext::storeError(resources.error(), QStringLiteral("resources")));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    core::JsonWriter json;
    json.beginArray();
    for (const WorkspaceResource &resource : std::as_const(*resources))
        core::json::write(json, apiResource(resource, now));
    json.endArray();
    return HttpResponse::rawJson(200, json.take());
}

HttpResponse versionLogs(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto version = versionFor(context, request, principal, Action::Read);
    if (!version)
        return HttpResponse::error(version.error());
    return jobLogsResponse(context, request, version->jobId);
}

WebSocketDecision followVersionLogs(ApiContext &context, HttpRequest &request,
                                    const Principal &principal)
{
    auto version = versionFor(context, request, principal, Action::Read);
    if (!version)
        return {HttpResponse::error(version.error()), {}};
    auto after = logsAfterParam(request);
    if (!after)
        return {HttpResponse::error(after.error()), {}};
    return {std::nullopt, [&context, jobId = version->jobId, after = *after](QWebSocket *socket) {
                JobLogStream::start(context, socket, jobId, after);
            }};
}

HttpResponse cancelVersion(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto version = versionFor(context, request, principal, Action::Update);
    if (!version)
        return HttpResponse::error(version.error());
    auto job = context.store.jobs().cancel(version->jobId);
    if (!job) {
        if (job.error().kind == StoreError::Conflict)
            return HttpResponse::error(
                core::ApiError::badRequest(QStringLiteral("Job has already completed!")));
        return HttpResponse::error(ApiContext::storeError(job.error(), QStringLiteral("job")));
    }
    context.jobs->jobChanged(*job);
    return HttpResponse::json(
        200, QJsonObject{{QStringLiteral("message"), QStringLiteral("Job successfully canceled")}});
}

} // namespace

void registerTemplateVersionRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    const QString version = QStringLiteral("/api/v2/templateversions/{templateversion}");
    router.add("POST", QStringLiteral("/api/v2/organizations/{organization}/templateversions"),
               context.authenticated(std::bind(createVersion, std::ref(context), _1, _2)));
    router.add("GET", version,
               context.authenticated(std::bind(getVersion, std::ref(context), _1, _2)));
    router.add("GET", version + QStringLiteral("/rich-parameters"),
               context.authenticated(std::bind(richParameters, std::ref(context), _1, _2)));
    router.add("GET", version + QStringLiteral("/resources"),
               context.authenticated(std::bind(versionResources, std::ref(context), _1, _2)));
    router.add("GET", version + QStringLiteral("/logs"),
               context.authenticated(std::bind(versionLogs, std::ref(context), _1, _2)));
    router.addWebSocket(
        version + QStringLiteral("/logs"),
        context.authenticatedWebSocket(std::bind(followVersionLogs, std::ref(context), _1, _2)));
    router.add("PATCH", version + QStringLiteral("/cancel"),
               context.authenticated(std::bind(cancelVersion, std::ref(context), _1, _2)));
}

} // namespace coder::server
