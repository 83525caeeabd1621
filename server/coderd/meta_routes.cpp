// The routes about the deployment itself: /healthz and /api/v2/buildinfo.
#include "api_routes.h"
#include "core/api_types.h"
#include "deployment_url.h"
#include "route_kit.h"

namespace coder::server {

void registerMetaRoutes(Router &router, const DeploymentUrl &url)
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
        [&url](HttpRequest &) {
            core::BuildInfo info;
            info.version = QStringLiteral(CODER_VERSION);
            info.externalUrl = url.get().toString(QUrl::StripTrailingSlash);
            info.dashboardUrl = info.externalUrl;
            info.agentApiVersion = QStringLiteral("1.0");
            info.provisionerApiVersion = QStringLiteral("1.0");
            return HttpResponse::rawJson(200, core::json::toJson(info));
        },
        onEventLoop);
}

} // namespace coder::server
