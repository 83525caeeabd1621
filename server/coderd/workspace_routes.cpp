// The /workspaces routes and /users/{user}/workspace(s): workspaces created, listed, read,
// renamed, scheduled, extended and watched (one, or every one the user may see).
#include "api_routes.h"
#include "route_kit.h"
#include "workspace_service.h"
#include "workspace_watch.h"
#include "workspaces_feed.h"

namespace coder::server {

void registerWorkspaceRoutes(Router &router, const RouteKit &kit, WorkspaceService &workspaces,
                             core::WorkPool &pool, Pubsub &pubsub)
{
    const QString param = QStringLiteral("workspace");
    const auto includeDeleted = [](const HttpRequest &request) {
        return queryValue(request, QStringLiteral("include_deleted")) == QLatin1String("true");
    };
    router.add("POST", QStringLiteral("/api/v2/users/{user}/workspaces"),
               kit.authenticated([&workspaces](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::CreateWorkspaceRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respond(
                       workspaces.create(actor, request.pathParam(QStringLiteral("user")), *body),
                       201);
               }));
    router.add(
        "GET", QStringLiteral("/api/v2/users/{user}/workspace/{name}"),
        kit.authenticated([&workspaces, includeDeleted](HttpRequest &request, const Actor &actor) {
            return respond(workspaces.byOwnerAndName(
                actor, request.pathParam(QStringLiteral("user")),
                request.pathParam(QStringLiteral("name")), includeDeleted(request)));
        }));
    router.add("GET", QStringLiteral("/api/v2/workspaces"),
               kit.authenticated([&workspaces](HttpRequest &request, const Actor &actor) {
                   auto page = pagination(request, 0, 5000);
                   if (!page)
                       return toHttp(page.error());
                   auto listed =
                       workspaces.list(actor, queryValue(request, QStringLiteral("q")), *page);
                   // About 2.2 KiB per workspace without agents, 3.4 KiB with an agent and an
                   // app: one allocation for most pages.
                   return respond(listed, 200, listed ? listed->workspaces.size() * 3584 : 0);
               }));
    // Our extension: every workspace the user may see, pushed as it changes (a dashboard's feed).
    router.addWebSocket(
        QStringLiteral("/api/v2/workspaces/watch-ws"),
        kit.watchedFeed([&workspaces, &pool, &pubsub](HttpRequest &, const Actor &actor,
                                                      AccessWatch::Options access) {
            return WebSocketDecision::accepting(
                [&workspaces, &pool, &pubsub, actor, access](QWebSocket *socket) {
                    WorkspacesFeed::start(workspaces, pool, pubsub, socket, actor, access);
                });
        }));
    const QString workspace = QStringLiteral("/api/v2/workspaces/{workspace}");
    router.add("GET", workspace,
               kit.withId(param, [&workspaces, includeDeleted](const Actor &actor, const QUuid &id,
                                                               HttpRequest &request) {
                   return respond(workspaces.get(actor, id, includeDeleted(request)));
               }));
    router.add(
        "PATCH", workspace,
        kit.withId(param, [&workspaces](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::UpdateWorkspaceRequest>(request);
            if (!body)
                return toHttp(body.error());
            return respondNoContent(workspaces.rename(actor, id, body->name));
        }));
    router.add(
        "PUT", workspace + QStringLiteral("/autostart"),
        kit.withId(param, [&workspaces](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::UpdateWorkspaceAutostartRequest>(request);
            if (!body)
                return toHttp(body.error());
            return respondNoContent(
                workspaces.setAutostart(actor, id, body->schedule.value_or(QString())));
        }));
    router.add(
        "PUT", workspace + QStringLiteral("/ttl"),
        kit.withId(param, [&workspaces](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::UpdateWorkspaceTtlRequest>(request);
            if (!body)
                return toHttp(body.error());
            return respondNoContent(workspaces.setTtl(actor, id, body->ttlMs.value_or(0)));
        }));
    router.add(
        "PUT", workspace + QStringLiteral("/extend"),
        kit.withId(param, [&workspaces](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto body = decodeBody<core::PutExtendWorkspaceRequest>(request);
            if (!body)
                return toHttp(body.error());
            const QDateTime deadline = body->deadline;
            return respondMessage(
                workspaces.extend(actor, id, deadline),
                QStringLiteral("Deadline updated to %1.").arg(core::formatApiTime(deadline)));
        }));
    router.addWebSocket(
        workspace + QStringLiteral("/watch-ws"),
        kit.watchedWebSocket<WorkspaceView>(
            QStringLiteral("workspace"),
            [&workspaces](const Actor &actor, const QUuid &id) {
                return workspaces.find(actor, id, Action::Read);
            },
            [&workspaces, &pool, &pubsub](HttpRequest &, const Actor &actor,
                                          const WorkspaceView &view, AccessWatch::Options access) {
                return WebSocketDecision::accepting([&workspaces, &pool, &pubsub, actor,
                                                     id = view.workspace.id,
                                                     access](QWebSocket *socket) {
                    WorkspaceWatch::start(workspaces, pool, pubsub, socket, actor, id, access);
                });
            }));
}

} // namespace coder::server
