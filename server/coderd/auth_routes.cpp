// The routes that make and end sessions: the first user, login and logout.
#include "api_routes.h"
#include "route_kit.h"
#include "user_service.h"

namespace coder::server {

namespace {

// The browser's copy of the session: HttpOnly, SameSite=Lax, and Secure when served over TLS.
QByteArray sessionCookie(const QString &token, bool tls)
{
    return "coder_session_token=" + token.toLatin1() + "; Path=/; HttpOnly; SameSite=Lax" +
           (tls ? "; Secure" : "");
}

} // namespace

void registerAuthRoutes(Router &router, const RouteKit &kit, UserService &users)
{
    router.add("GET", QStringLiteral("/api/v2/users/first"),
               RouteKit::anonymous([&users](HttpRequest &, const Actor &) {
                   Outcome<bool> exists = users.firstUserExists();
                   if (!exists)
                       return toHttp(exists.error());
                   if (!*exists)
                       return toHttp(DomainError::notFound(
                           QStringLiteral("The initial user has not been created!")));
                   return HttpResponse::rawJson(
                       200, core::json::toJson(core::Message{
                                QStringLiteral("The initial user has already been created!"), {}}));
               }));
    router.add("POST", QStringLiteral("/api/v2/users/first"),
               RouteKit::anonymous([&users](HttpRequest &request, const Actor &actor) {
                   auto body = decodeBody<core::CreateFirstUserRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respond(users.createFirstUser(actor, *body), 201);
               }));
    router.add(
        "POST", QStringLiteral("/api/v2/users/login"),
        RouteKit::anonymous([&users](HttpRequest &request, const Actor &actor) -> HttpResponse {
            auto body = decodeBody<core::LoginRequest>(request);
            if (!body)
                return toHttp(body.error());
            Outcome<QString> token = users.login(actor, body->email.trimmed(), body->password);
            if (!token)
                return toHttp(token.error());
            return HttpResponse::rawJson(201, core::json::toJson(core::LoginResponse{*token}))
                .setHeader("Set-Cookie", sessionCookie(*token, request.tls));
        }));
    router.add(
        "POST", QStringLiteral("/api/v2/users/logout"),
        kit.authenticated([&users](HttpRequest &request, const Actor &actor) -> HttpResponse {
            Outcome<core::Ok> done = users.logout(actor);
            if (!done)
                return toHttp(done.error());
            return respondMessage(done, QStringLiteral("Logged out!"))
                .setHeader("Set-Cookie",
                           "coder_session_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
                               QByteArray(request.tls ? "; Secure" : ""));
        }));
}

} // namespace coder::server
