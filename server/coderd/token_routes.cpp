#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "api_token.h"
#include "json_body.h"

#include <QRegularExpression>

namespace coder::server {

namespace {

constexpr qint64 nanosPerSecond = 1'000'000'000;
constexpr qint64 defaultLifetimeSeconds = 30LL * 24 * 3600;
constexpr qint64 maxLifetimeSeconds = 365LL * 24 * 3600;

HttpResponse listTokens(ApiContext &context, const Principal &principal, const User &target)
{
    if (auto denied = context.require(principal, Action::Read, {Resource::ApiKey, target.id, {}}))
        return HttpResponse::error(*denied);
    StoreResult<QList<ApiKey>> keys =
        context.store.users().listApiKeys(target.id, QStringLiteral("token"));
    if (!keys)
        return HttpResponse::error(ApiContext::storeError(keys.error(), QStringLiteral("tokens")));
    core::JsonWriter json;
    json.beginArray();
    for (const ApiKey &key : std::as_const(*keys))
        core::json::write(json, apiKey(key));
    json.endArray();
    return HttpResponse::rawJson(200, json.take());
}

HttpResponse createToken(ApiContext &context, HttpRequest &request, const Principal &principal,
                         const User &target)
{
    if (auto denied = context.require(principal, Action::Create, {Resource::ApiKey, target.id, {}}))
        return HttpResponse::error(*denied);
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    QString name = body->string(QStringLiteral("token_name"), false);
    const std::optional<qint64> lifetimeNanos = body->integer(QStringLiteral("lifetime"), false);
    QString scope = body->string(QStringLiteral("scope"), false);
    static const QRegularExpression namePattern(QStringLiteral("^[a-zA-Z0-9_.-]{1,64}$"));
    if (!name.isEmpty() && !namePattern.match(name).hasMatch())
        body->invalid(QStringLiteral("token_name"),
                      QStringLiteral("Must be 1 to 64 letters, digits, '.', '_' or '-'."));
    qint64 lifetime = defaultLifetimeSeconds;
    if (lifetimeNanos && *lifetimeNanos != 0) { // Coder's SDK sends 0 for "the default"
        lifetime = *lifetimeNanos / nanosPerSecond;
        if (lifetime < 1 || lifetime > maxLifetimeSeconds)
            body->invalid(QStringLiteral("lifetime"),
                          QStringLiteral("Must be from 1 s to %1 days, in nanoseconds.")
                              .arg(maxLifetimeSeconds / 86400));
    }
    if (scope.isEmpty())
        scope = QStringLiteral("all");
    if (scope != QLatin1String("all") && scope != QLatin1String("application_connect"))
        body->invalid(QStringLiteral("scope"),
                      QStringLiteral("Must be \"all\" or \"application_connect\"."));
    if (auto error = body->error())
        return HttpResponse::error(*error);

    const ApiToken token = ApiToken::generate();
    if (name.isEmpty())
        name = QStringLiteral("token-") + token.id; // unique, like Coder's generated names
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ApiKey key;
    key.id = token.id;
    key.hashedSecret = token.hashedSecret();
    key.userId = target.id;
    key.loginType = QStringLiteral("token");
    key.tokenName = name;
    key.scope = scope;
    key.lifetimeSeconds = lifetime;
    key.ipAddress = request.peerAddress.toString();
    key.createdAt = key.updatedAt = now;
    key.expiresAt = now.addSecs(lifetime);
    StoreResult<ApiKey> inserted = context.store.users().insertApiKey(key);
    if (!inserted) {
        if (inserted.error().kind == StoreError::Conflict)
            return HttpResponse::error(core::ApiError::conflict(
                QStringLiteral("A token named \"%1\" already exists.").arg(name),
                QStringLiteral("token_name")));
        return HttpResponse::error(
            ApiContext::storeError(inserted.error(), QStringLiteral("token")));
    }
    context.audit.record(request, {principal.user.id, QStringLiteral("create"),
                                   QStringLiteral("api_key"), key.id, name, 201,
                                   QJsonObject{{QStringLiteral("user"), target.username}}});
    return HttpResponse::json(201, QJsonObject{{QStringLiteral("key"), token.toString()}});
}

HttpResponse deleteKey(ApiContext &context, HttpRequest &request, const Principal &principal,
                       const User &target)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    StoreResult<ApiKey> key = context.store.users().apiKeyById(id);
    if (!key && key.error().kind != StoreError::NotFound)
        return HttpResponse::error(ApiContext::storeError(key.error(), QStringLiteral("API key")));
    // A key of someone else is reported exactly like a missing one.
    if (!key || key->userId != target.id)
        return HttpResponse::error(core::ApiError::notFound(QStringLiteral("No API key found.")));
    if (auto denied = context.require(principal, Action::Delete, {Resource::ApiKey, target.id, {}}))
        return HttpResponse::error(*denied);
    if (StoreResult<core::Ok> deleted = context.store.users().deleteApiKey(id); !deleted)
        return HttpResponse::error(
            ApiContext::storeError(deleted.error(), QStringLiteral("API key")));
    context.audit.record(request, {principal.user.id,
                                   QStringLiteral("delete"),
                                   QStringLiteral("api_key"),
                                   id,
                                   key->tokenName,
                                   204,
                                   {}});
    return HttpResponse::noContent();
}

} // namespace

void registerTokenRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    const QString keys = QStringLiteral("/api/v2/users/{user}/keys");
    router.add(
        "GET", keys + QStringLiteral("/tokens"),
        context.onUser([&context](HttpRequest &, const Principal &principal, const User &target) {
            return listTokens(context, principal, target);
        }));
    router.add("POST", keys + QStringLiteral("/tokens"),
               context.onUser(std::bind(createToken, std::ref(context), _1, _2, _3)));
    router.add("DELETE", keys + QStringLiteral("/{id}"),
               context.onUser(std::bind(deleteKey, std::ref(context), _1, _2, _3)));
}

} // namespace coder::server
