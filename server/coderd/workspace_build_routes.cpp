// The build routes: /workspaces/{workspace}/builds and /workspacebuilds/{workspacebuild}.
#include "api_routes.h"
#include "job_log_stream.h"
#include "route_kit.h"
#include "workspace_build_service.h"

namespace coder::server {

void registerWorkspaceBuildRoutes(Router &router, const RouteKit &kit,
                                  WorkspaceBuildService &builds, const LogStreaming &streaming)
{
    const QString workspace = QStringLiteral("workspace");
    router.add(
        "GET", QStringLiteral("/api/v2/workspaces/{workspace}/builds"),
        kit.withId(workspace, [&builds](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto page = pagination(request, 25, 1000);
            if (!page)
                return toHttp(page.error());
            return respond(builds.list(actor, id, *page));
        }));
    router.add(
        "POST", QStringLiteral("/api/v2/workspaces/{workspace}/builds"),
        kit.withId(workspace, [&builds](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::CreateWorkspaceBuildRequest>(request);
            if (!body)
                return toHttp(body.error());
            return respond(builds.create(actor, id, *body), 201);
        }));

    const QString param = QStringLiteral("workspacebuild");
    const QString build = QStringLiteral("/api/v2/workspacebuilds/{workspacebuild}");
    router.add("GET", build,
               kit.withId(param, [&builds](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(builds.get(actor, id));
               }));
    router.add(
        "GET", build + QStringLiteral("/logs"),
        kit.withId(param, [&builds](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto after = logsAfter(request);
            if (!after)
                return toHttp(after.error());
            return respond(builds.logs(actor, id, *after));
        }));
    router.addWebSocket(build + QStringLiteral("/logs"),
                        streaming.route(kit, param, [&builds](const Actor &actor, const QUuid &id) {
                            return builds.buildJob(actor, id);
                        }));
    router.add("PATCH", build + QStringLiteral("/cancel"),
               kit.withId(param, [&builds](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respondMessage(builds.cancel(actor, id),
                                         QStringLiteral("Job has been marked as canceled..."));
               }));
    router.add("GET", build + QStringLiteral("/parameters"),
               kit.withId(param, [&builds](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(builds.parameters(actor, id));
               }));
}

} // namespace coder::server
