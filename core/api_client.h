#pragma once

#include "core/api_error.h"
#include "core/api_types.h"
#include "core/result.h"

#include <QJsonDocument>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <chrono>
#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace coder::core {

// Asynchronous client of coderd's /api/v2. Every call completes exactly once with a value or
// an ApiError: non-2xx answers become ApiError::fromResponse, transport failures an ApiError
// with status 0 and a message that names the deployment ("cannot reach http://...: connection
// refused"). The session token travels in the Coder-Session-Token header and is never logged
// or put into an error message. Callbacks do not run after the client was destroyed.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    template <typename T> using Callback = std::function<void(Result<T, ApiError>)>;

    explicit ApiClient(QUrl baseUrl, QObject *parent = nullptr);
    ~ApiClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    void setSessionToken(const QString &token) { m_sessionToken = token; }
    QString sessionToken() const { return m_sessionToken; }
    // Fails a request that made no progress for this long (0 disables).
    void setTransferTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // Generic JSON calls; path starts with "/api/v2/...". A 2xx with an empty body gives a
    // null document.
    void request(const QByteArray &method, const QString &path, const QUrlQuery &query,
                 const std::optional<QJsonDocument> &body, Callback<QJsonDocument> done);
    void get(const QString &path, Callback<QJsonDocument> done, const QUrlQuery &query = {});
    void post(const QString &path, const QJsonObject &body, Callback<QJsonDocument> done);
    void put(const QString &path, const QJsonObject &body, Callback<QJsonDocument> done);
    void deleteResource(const QString &path, Callback<QJsonDocument> done);

    // GET /users/first: true when the first user exists.
    void hasFirstUser(Callback<bool> done);
    void createFirstUser(const CreateFirstUserRequest &request,
                         Callback<CreateFirstUserResponse> done);
    // POST /users/login; yields the session token.
    void login(const QString &email, const QString &password, Callback<QString> done);
    void logout(Callback<Ok> done);

    // `user` is an id, a username or "me".
    void user(const QString &user, Callback<User> done);
    // One page (limit 0: the server's default page size).
    void users(const QString &search, Callback<UsersPage> done, int limit = 0, int offset = 0);
    // Every matching user, fetched page by page.
    void allUsers(const QString &search, Callback<QList<User>> done, int pageSize = 100);
    void createUser(const CreateUserRequest &request, Callback<User> done);
    void setUserSuspended(const QString &user, bool suspended, Callback<User> done);

    void apiKeys(const QString &user, Callback<QList<ApiKey>> done);
    // Yields the new key "<id>-<secret>".
    void createToken(const QString &user, const CreateTokenRequest &request,
                     Callback<QString> done);
    void deleteApiKey(const QString &user, const QString &keyId, Callback<Ok> done);

    // Percent-encodes one path segment (a username may not contain '/', but a typo might).
    static QString segment(const QString &value);

private:
    void handleReply(QNetworkReply *reply, const Callback<QJsonDocument> &done);
    ApiError transportError(QNetworkReply *reply) const;

    template <typename T> static Callback<QJsonDocument> decodeObject(Callback<T> done);

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QString m_sessionToken;
    std::chrono::milliseconds m_timeout{30000};
};

} // namespace coder::core
