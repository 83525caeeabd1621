// The /users routes of accounts: list, create, read, delete, password, roles and status.
#include "api_routes.h"
#include "route_kit.h"
#include "user_service.h"

namespace coder::server {

void registerUserRoutes(Router &router, const RouteKit &kit, UserService &users)
{
    const QString user = QStringLiteral("/api/v2/users/{user}");
    const auto target = [](const HttpRequest &request) {
        return request.pathParam(QStringLiteral("user"));
    };
    router.add("GET", QStringLiteral("/api/v2/users"),
               kit.authenticated([&users](HttpRequest &request, const Actor &actor) {
                   auto page = pagination(request, 100, 1000);
                   if (!page)
                       return toHttp(page.error());
                   return respond(
                       users.list(actor, queryValue(request, QStringLiteral("q")), *page));
               }));
    router.add("POST", QStringLiteral("/api/v2/users"),
               kit.authenticated([&users](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::CreateUserRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respond(users.create(actor, *body), 201);
               }));
    router.add("GET", user,
               kit.authenticated([&users, target](HttpRequest &request, const Actor &actor) {
                   return respond(users.get(actor, target(request)));
               }));
    router.add("DELETE", user,
               kit.authenticated([&users, target](HttpRequest &request, const Actor &actor) {
                   return respondMessage(users.remove(actor, target(request)),
                                         QStringLiteral("User has been deleted!"));
               }));
    router.add("PUT", user + QStringLiteral("/password"),
               kit.authenticated([&users, target](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::UpdateUserPasswordRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respondNoContent(users.changePassword(actor, target(request),
                                                                body->oldPassword, body->password));
               }));
    router.add("GET", user + QStringLiteral("/roles"),
               kit.authenticated([&users, target](HttpRequest &request, const Actor &actor) {
                   return respond(users.roles(actor, target(request)));
               }));
    router.add("PUT", user + QStringLiteral("/roles"),
               kit.authenticated([&users, target](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::UpdateRolesRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respond(users.setRoles(actor, target(request), body->roles));
               }));
    for (const auto &[verb, status] :
         {std::pair{QStringLiteral("suspend"), QStringLiteral("suspended")},
          std::pair{QStringLiteral("activate"), QStringLiteral("active")}})
        router.add(
            "PUT", user + QStringLiteral("/status/") + verb,
            kit.authenticated([&users, target, status](HttpRequest &request, const Actor &actor) {
                return respond(users.setStatus(actor, target(request), status));
            }));
}

} // namespace coder::server
