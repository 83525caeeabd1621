// The /users/{user}/keys routes: API tokens listed, created and deleted.
#include "api_routes.h"
#include "route_kit.h"
#include "user_service.h"

namespace coder::server {

void registerTokenRoutes(Router &router, const RouteKit &kit, UserService &users)
{
    const QString keys = QStringLiteral("/api/v2/users/{user}/keys");
    router.add("GET", keys + QStringLiteral("/tokens"),
               kit.authenticated([&users](HttpRequest &request, const Actor &actor) {
                   return respond(users.tokens(actor, request.pathParam(QStringLiteral("user"))));
               }));
    router.add("POST", keys + QStringLiteral("/tokens"),
               kit.authenticated([&users](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::CreateTokenRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   Outcome<QString> key =
                       users.createToken(actor, request.pathParam(QStringLiteral("user")), *body);
                   if (!key)
                       return toHttp(key.error());
                   return HttpResponse::rawJson(201,
                                                core::json::toJson(core::CreateKeyResponse{*key}));
               }));
    router.add("DELETE", keys + QStringLiteral("/{id}"),
               kit.authenticated([&users](HttpRequest &request, const Actor &actor) {
                   return respondNoContent(
                       users.deleteKey(actor, request.pathParam(QStringLiteral("user")),
                                       request.pathParam(QStringLiteral("id"))));
               }));
}

} // namespace coder::server
