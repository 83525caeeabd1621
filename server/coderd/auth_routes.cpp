#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "api_token.h"
#include "json_body.h"
#include "password_hasher.h"
#include "request_params.h"

namespace coder::server {

namespace {

HttpResponse getFirstUser(ApiContext &context)
{
    StoreResult<qint64> count = context.store.users().count({});
    if (!count)
        return HttpResponse::error(ApiContext::storeError(count.error(), QStringLiteral("users")));
    if (*count == 0)
        return HttpResponse::error(
            core::ApiError::notFound(QStringLiteral("The initial user has not been created!")));
    return HttpResponse::json(
        200, QJsonObject{{QStringLiteral("message"),
                          QStringLiteral("The initial user has already been created!")}});
}

HttpResponse createFirstUser(ApiContext &context, HttpRequest &request)
{
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    User user = readNewUser(*body);
    if (auto error = body->error())
        return HttpResponse::error(*error);
    user.roles = {roles::owner};
    StoreResult<User> created = context.store.users().insertFirst(user);
    if (!created) {
        if (created.error().kind == StoreError::Conflict && created.error().field.isEmpty())
            return HttpResponse::error(core::ApiError::conflict(
                QStringLiteral("The initial user has already been created.")));
        return HttpResponse::error(ApiContext::storeError(created.error(), QStringLiteral("user")));
    }
    context.audit.recordUserChange(request, created->id, QStringLiteral("create"), *created, 201,
                                   {{QStringLiteral("roles"), QStringLiteral("owner")}});
    return HttpResponse::json(201,
                              QJsonObject{{QStringLiteral("user_id"), core::idText(created->id)}});
}

HttpResponse login(ApiContext &context, HttpRequest &request)
{
    int retryAfter = 0;
    if (!context.loginLimiter.tryAcquire(request.peerAddress.toString(), &retryAfter)) {
        core::ApiError error{429,
                             QStringLiteral("Too many login attempts. Try again later."),
                             QStringLiteral("Retry in %1 s.").arg(retryAfter),
                             {}};
        return HttpResponse::error(error).setHeader("Retry-After", QByteArray::number(retryAfter));
    }
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const QString email = body->string(QStringLiteral("email")).trimmed();
    const QString password = body->string(QStringLiteral("password"));
    if (auto error = body->error())
        return HttpResponse::error(*error);

    const auto refuse = [&](const QUuid &actor, const QString &message) {
        context.audit.record(
            request,
            {actor, QStringLiteral("login"), QStringLiteral("api_key"), {}, email, 401, {}});
        return HttpResponse::error(core::ApiError::unauthorized(message));
    };
    StoreResult<User> user = context.store.users().byEmail(email);
    if (!user) {
        if (user.error().kind != StoreError::NotFound)
            return HttpResponse::error(
                ApiContext::storeError(user.error(), QStringLiteral("user")));
        PasswordHasher::verifyDummy(password);
        return refuse({}, QStringLiteral("Incorrect email or password."));
    }
    if (!PasswordHasher::verify(password, user->hashedPassword))
        return refuse(user->id, QStringLiteral("Incorrect email or password."));
    if (user->status == QLatin1String("suspended"))
        return refuse(user->id, QStringLiteral("Your account has been suspended. Contact an "
                                               "administrator to reactivate it."));

    const ApiToken token = ApiToken::generate();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ApiKey key;
    key.id = token.id;
    key.hashedSecret = token.hashedSecret();
    key.userId = user->id;
    key.loginType = QStringLiteral("password");
    key.lifetimeSeconds = Authenticator::sessionLifetimeSeconds;
    key.ipAddress = request.peerAddress.toString();
    key.lastUsed = key.createdAt = key.updatedAt = now;
    key.expiresAt = now.addSecs(key.lifetimeSeconds);
    StoreResult<ApiKey> inserted = context.store.users().insertApiKey(key);
    if (!inserted)
        return HttpResponse::error(
            ApiContext::storeError(inserted.error(), QStringLiteral("session")));
    context.audit.record(request, {user->id,
                                   QStringLiteral("login"),
                                   QStringLiteral("api_key"),
                                   key.id,
                                   user->username,
                                   201,
                                   {}});
    return HttpResponse::json(201, QJsonObject{{QStringLiteral("session_token"), token.toString()}})
        .setHeader("Set-Cookie", "coder_session_token=" + token.toString().toLatin1() +
                                     "; Path=/; HttpOnly; SameSite=Lax" +
                                     (request.tls ? "; Secure" : ""));
}

HttpResponse logout(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    StoreResult<core::Ok> deleted = context.store.users().deleteApiKey(principal.key.id);
    if (!deleted && deleted.error().kind != StoreError::NotFound)
        return HttpResponse::error(
            ApiContext::storeError(deleted.error(), QStringLiteral("session")));
    context.audit.record(request, {principal.user.id,
                                   QStringLiteral("logout"),
                                   QStringLiteral("api_key"),
                                   principal.key.id,
                                   principal.user.username,
                                   200,
                                   {}});
    return HttpResponse::json(
               200, QJsonObject{{QStringLiteral("message"), QStringLiteral("Logged out!")}})
        .setHeader("Set-Cookie", "coder_session_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

} // namespace

void registerAuthRoutes(Router &router, ApiContext &context)
{
    router.add("GET", QStringLiteral("/api/v2/users/first"),
               [&context](HttpRequest &) { return getFirstUser(context); });
    router.add("POST", QStringLiteral("/api/v2/users/first"),
               [&context](HttpRequest &request) { return createFirstUser(context, request); });
    router.add("POST", QStringLiteral("/api/v2/users/login"),
               [&context](HttpRequest &request) { return login(context, request); });
    router.add("POST", QStringLiteral("/api/v2/users/logout"),
               context.authenticated([&context](HttpRequest &request, const Principal &principal) {
                   return logout(context, request, principal);
               }));
}

} // namespace coder::server
