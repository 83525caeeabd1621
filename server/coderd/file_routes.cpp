// The /files routes: template archives uploaded and downloaded.
#include "api_routes.h"
#include "file_service.h"
#include "route_kit.h"

namespace coder::server {

void registerFileRoutes(Router &router, const RouteKit &kit, FileService &files)
{
    router.add("POST", QStringLiteral("/api/v2/files"),
               kit.authenticated([&files](HttpRequest &request, const Actor &actor) {
                   const QString type = QString::fromLatin1(
                       request.header("content-type").split(';').first().trimmed());
                   auto uploaded = files.upload(actor, type, request.body);
                   if (!uploaded)
                       return toHttp(uploaded.error());
                   return HttpResponse::rawJson(uploaded->created ? 201 : 200,
                                                core::json::toJson(uploaded->response));
               }),
               RouteOptions{FileService::maxFileBytes});
    router.add("GET", QStringLiteral("/api/v2/files/{id}"),
               kit.authenticated([&files](HttpRequest &request, const Actor &actor) {
                   auto id = uuidParam(request, QStringLiteral("id"));
                   auto file = id ? files.get(actor, *id) : Outcome<File>(id.error());
                   if (!file)
                       return toHttp(file.error());
                   HttpResponse response = HttpResponse::text(200, file->data);
                   response.setHeader("Content-Type", file->mimetype.toLatin1());
                   return response;
               }));
}

} // namespace coder::server
