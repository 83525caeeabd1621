// The /templateversions routes: versions created, read, their parameters, resources and import
// logs (plain and followed), and imports canceled.
#include "api_routes.h"
#include "job_log_stream.h"
#include "route_kit.h"
#include "template_version_service.h"

namespace coder::server {

void registerTemplateVersionRoutes(Router &router, const RouteKit &kit,
                                   TemplateVersionService &versions, const LogStreaming &streaming)
{
    const QString param = QStringLiteral("templateversion");
    router.add("POST", QStringLiteral("/api/v2/organizations/{organization}/templateversions"),
               kit.authenticated([&versions](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::CreateTemplateVersionRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respond(versions.create(actor,
                                                  request.pathParam(QStringLiteral("organization")),
                                                  *body),
                                  201);
               }));
    const QString version = QStringLiteral("/api/v2/templateversions/{templateversion}");
    router.add("GET", version,
               kit.withId(param, [&versions](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(versions.get(actor, id));
               }));
    router.add("GET", version + QStringLiteral("/rich-parameters"),
               kit.withId(param, [&versions](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(versions.richParameters(actor, id));
               }));
    router.add("GET", version + QStringLiteral("/resources"),
               kit.withId(param, [&versions](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(versions.resources(actor, id));
               }));
    router.add(
        "GET", version + QStringLiteral("/logs"),
        kit.withId(param, [&versions](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto after = logsAfter(request);
            if (!after)
                return toHttp(after.error());
            return respond(versions.logs(actor, id, *after));
        }));
    router.addWebSocket(
        version + QStringLiteral("/logs"),
        streaming.route(kit, param, [&versions](const Actor &actor, const QUuid &id) {
            return versions.importJob(actor, id);
        }));
    router.add("PATCH", version + QStringLiteral("/cancel"),
               kit.withId(param, [&versions](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respondMessage(versions.cancel(actor, id),
                                         QStringLiteral("Job successfully canceled"));
               }));
}

} // namespace coder::server
