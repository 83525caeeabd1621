#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "server/provisioner/template_archive.h"

#include <QCryptographicHash>

namespace coder::server {

namespace {

// Coder's limit for uploaded template archives.
constexpr qint64 maxFileBytes = 10 * 1024 * 1024;

HttpResponse uploadFile(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    if (auto denied = context.require(principal, Action::Create, {Resource::File, {}, {}}))
        return HttpResponse::error(*denied);
    const QByteArray type = request.header("content-type").split(';').first().trimmed();
    if (type != "application/x-tar")
        return HttpResponse::error(core::ApiError::badRequest(
            QStringLiteral("Unsupported content type %1.").arg(QString::fromLatin1(type)),
            QStringLiteral("Upload a tar archive with Content-Type: application/x-tar.")));
    if (request.body.isEmpty() || !TemplateArchive::looksLikeTar(request.body))
        return HttpResponse::error(
            core::ApiError::badRequest(QStringLiteral("The file is not a tar archive.")));
    File file;
    file.id = QUuid::createUuid();
    file.hash = QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex();
    file.mimetype = QString::fromLatin1(type);
    file.data = request.body;
    file.createdBy = principal.user.id;
    auto stored = context.store.templates().insertFile(file);
    if (!stored)
        return HttpResponse::error(ApiContext::storeError(stored.error(), QStringLiteral("file")));
    // The same bytes uploaded before: the first upload's id, as Coder answers.
    const int status = stored->id == file.id ? 201 : 200;
    return HttpResponse::json(status,
                              QJsonObject{{QStringLiteral("hash"), core::idText(stored->id)}});
}

HttpResponse downloadFile(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    if (auto denied = context.require(principal, Action::Read, {Resource::File, {}, {}}))
        return HttpResponse::error(*denied);
    const QUuid id = QUuid::fromString(request.pathParam(QStringLiteral("id")));
    if (id.isNull())
        return HttpResponse::error(
            core::ApiError::badRequest(QStringLiteral("The file id must be a UUID.")));
    auto file = context.store.templates().fileById(id);
    if (!file)
        return HttpResponse::error(ApiContext::storeError(file.error(), QStringLiteral("file")));
    HttpResponse response = HttpResponse::text(200, file->data);
    response.setHeader("Content-Type", file->mimetype.toLatin1());
    return response;
}

} // namespace

void registerFileRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    router.add("POST", QStringLiteral("/api/v2/files"),
               context.authenticated(std::bind(uploadFile, std::ref(context), _1, _2)),
               RouteOptions{maxFileBytes});
    router.add("GET", QStringLiteral("/api/v2/files/{id}"),
               context.authenticated(std::bind(downloadFile, std::ref(context), _1, _2)));
}

} // namespace coder::server
