#include "authenticator.h"

#include "api_token.h"
#include "password_hasher.h"
#include "server/database/store.h"
#include "server/http/http_request.h"

#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcAuth, "coder.auth")

namespace {
// Writing last_used on every request would make every read a write; once a minute is
// what the dashboard needs.
constexpr qint64 usageWriteIntervalMs = 60'000;

DomainError unauthorized(const QString &message)
{
    return DomainError::unauthorized(message);
}
} // namespace

Subject Authenticator::subjectOf(const User &user, const ApiKey &key)
{
    Subject subject{user.id, {roles::member}, key.scope};
    for (const QString &role : user.roles)
        subject.roles.insert(role);
    return subject;
}

Outcome<Principal> Authenticator::authenticate(const HttpRequest &request)
{
    QByteArray presented = request.header("coder-session-token");
    if (presented.isEmpty()) {
        presented = request.cookie("coder_session_token");
        // A browser sends the cookie with requests other sites make it send. Asking for a JSON
        // content type on changes makes a cross-origin page need a CORS preflight, which this
        // server never grants.
        const bool safe =
            request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS";
        if (!presented.isEmpty() && !safe &&
            !request.header("content-type").startsWith("application/json"))
            return DomainError::forbidden(
                QStringLiteral("Requests authenticated by the session cookie must send "
                               "Content-Type: application/json."));
    }
    if (presented.isEmpty())
        return unauthorized(QStringLiteral("You must be logged in to do this: no session token "
                                           "was given (header Coder-Session-Token)."));
    const std::optional<ApiToken> token = ApiToken::parse(presented);
    if (!token)
        return unauthorized(QStringLiteral("The session token is malformed."));

    return validate(token->id, token->hashedSecret(), request.peerAddress.toString());
}

Outcome<Principal> Authenticator::revalidate(const Principal &principal, const QString &ipAddress)
{
    return validate(principal.key.id, principal.key.hashedSecret, ipAddress);
}

Outcome<Principal> Authenticator::validate(const QString &keyId, const QByteArray &hashedSecret,
                                           const QString &ipAddress)
{
    StoreResult<ApiKeyWithUser> found = m_store.users().apiKeyWithUser(keyId);
    if (!found) {
        if (found.error().kind == StoreError::Unavailable)
            return DomainError::unavailable(QStringLiteral(
                "Could not check the session token: the database is not available right now."));
        if (found.error().kind != StoreError::NotFound)
            return DomainError::internal(QStringLiteral("Could not check the session token."));
        return unauthorized(QStringLiteral("The session token is invalid or was revoked."));
    }
    ApiKey &key = found->key;
    const User &user = found->user;
    if (!constantTimeEquals(key.hashedSecret, hashedSecret))
        return unauthorized(QStringLiteral("The session token is invalid or was revoked."));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (key.expiresAt <= now)
        return unauthorized(QStringLiteral("The session token expired at %1.")
                                .arg(key.expiresAt.toString(Qt::ISODate)));
    if (user.status == QLatin1String("suspended"))
        return unauthorized(QStringLiteral("Your account has been suspended. Contact an "
                                           "administrator to reactivate it."));
    recordUse(key, user, ipAddress);
    return Principal{user, key, subjectOf(user, key)};
}

void Authenticator::recordUse(ApiKey &key, const User &user, const QString &ipAddress)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (key.lastUsed.isValid() && key.lastUsed.msecsTo(now) < usageWriteIntervalMs)
        return;
    key.lastUsed = now;
    if (key.loginType == QLatin1String("password"))
        key.expiresAt =
            now.addSecs(key.lifetimeSeconds > 0 ? key.lifetimeSeconds : sessionLifetimeSeconds);
    key.ipAddress = ipAddress;
    if (!m_store.users().updateApiKeyUsage(key.id, key.lastUsed, key.expiresAt, key.ipAddress))
        qCWarning(lcAuth) << "could not record the use of api key" << key.id;
    if (!m_store.users().updateLastSeen(user.id, now))
        qCWarning(lcAuth) << "could not record last_seen_at of user" << user.id;
}

} // namespace coder::server
