#include "api_context.h"
#include "api_routes.h"

namespace coder::server {

void registerMetaRoutes(Router &router, ApiContext &context)
{
    // Neither waits on anything: answered on the event-loop threads, so that they stay quick
    // however busy the handler pool is.
    RouteOptions onEventLoop;
    onEventLoop.onEventLoop = true;
    router.add(
        "GET", QStringLiteral("/healthz"),
        [](HttpRequest &) { return HttpResponse::text(200, "OK"); }, onEventLoop);
    router.add(
        "GET", QStringLiteral("/api/v2/buildinfo"),
        [&context](HttpRequest &) {
            const QString url = context.accessUrl().toString(QUrl::StripTrailingSlash);
            return HttpResponse::json(
                200, QJsonObject{
                         {QStringLiteral("version"), QStringLiteral(CODER_VERSION)},
                         {QStringLiteral("external_url"), url},
                         {QStringLiteral("dashboard_url"), url},
                         {QStringLiteral("workspace_proxy"), false},
                     });
        },
        onEventLoop);
}

} // namespace coder::server
