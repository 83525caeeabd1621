#pragma once

#include "core/api_error.h"
#include "core/api_types.h"
#include "core/result.h"
#include "core/workspace_types.h"

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

    // Templates. `org` is an organization id, its name or "default".
    // POST /files with a tar archive (Content-Type application/x-tar); yields the file id.
    void uploadFile(const QByteArray &tar, Callback<QUuid> done);
    void createTemplateVersion(const QString &org, const CreateTemplateVersionRequest &request,
                               Callback<TemplateVersion> done);
    void templateVersion(const QUuid &versionId, Callback<TemplateVersion> done);
    void templateVersionRichParameters(const QUuid &versionId,
                                       Callback<QList<TemplateVersionParameter>> done);
    void templates(const QString &org, Callback<QList<Template>> done);
    void templateByName(const QString &org, const QString &name, Callback<Template> done);
    void createTemplate(const QString &org, const CreateTemplateRequest &request,
                        Callback<Template> done);
    void updateActiveVersion(const QUuid &templateId, const QUuid &versionId, Callback<Ok> done);
    void templateVersions(const QUuid &templateId, Callback<QList<TemplateVersion>> done);
    void deleteTemplate(const QUuid &templateId, Callback<Ok> done);

    // Workspaces. `user` is an id, a username or "me".
    void createWorkspace(const QString &user, const CreateWorkspaceRequest &request,
                         Callback<Workspace> done);
    // `query` is Coder's search ("owner:me template:T status:running name:N"); one page.
    void workspaces(const QString &query, Callback<WorkspacesPage> done, int limit = 0,
                    int offset = 0);
    void workspaceByOwnerAndName(const QString &owner, const QString &name,
                                 Callback<Workspace> done, bool includeDeleted = false);
    void workspace(const QUuid &workspaceId, Callback<Workspace> done);
    void createWorkspaceBuild(const QUuid &workspaceId, const CreateWorkspaceBuildRequest &request,
                              Callback<WorkspaceBuild> done);
    void workspaceBuild(const QUuid &buildId, Callback<WorkspaceBuild> done);
    void cancelWorkspaceBuild(const QUuid &buildId, Callback<Ok> done);
    // nullopt: no automatic start (or stop).
    void putAutostart(const QUuid &workspaceId, const std::optional<QString> &schedule,
                      Callback<Ok> done);
    void putTtl(const QUuid &workspaceId, std::optional<qint64> ttlMs, Callback<Ok> done);
    void extend(const QUuid &workspaceId, const QDateTime &deadline, Callback<Ok> done);

    // Provisioner job logs: the paths of a template version's import and a build's job.
    static QString templateVersionLogsPath(const QUuid &versionId);
    static QString workspaceBuildLogsPath(const QUuid &buildId);
    // The logs so far (no follow); logs with an id larger than `after`.
    void jobLogs(const QString &logsPath, qint64 after, Callback<QList<ProvisionerJobLog>> done);
    // Following a job's logs live: LogFollower::follow(client, path) (in its own file, so a
    // program that never follows logs does not link QtWebSockets).

    // A request whose body is one of the API types, in the one wire format.
    template <typename Body>
    void sendJson(const QByteArray &method, const QString &path, const Body &body,
                  Callback<QJsonDocument> done)
    {
        send(method, path, {}, json::toJson(body), QStringLiteral("application/json"),
             std::move(done));
    }

    // The ws(s):// URL of a WebSocket route ("/api/v2/...") of the deployment at baseUrl.
    static QUrl webSocketUrl(const QUrl &baseUrl, const QString &path);
    // Percent-encodes one path segment (a username may not contain '/', but a typo might).
    static QString segment(const QString &value);

private:
    void send(const QByteArray &method, const QString &path, const QUrlQuery &query,
              const QByteArray &payload, const QString &contentType, Callback<QJsonDocument> done);
    void handleReply(QNetworkReply *reply, const Callback<QJsonDocument> &done);
    ApiError transportError(QNetworkReply *reply) const;

    template <typename T> static Callback<QJsonDocument> decodeObject(Callback<T> done);
    template <typename T> static Callback<QJsonDocument> decodeList(Callback<QList<T>> done);
    static Callback<QJsonDocument> ignoreBody(Callback<Ok> done);

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QString m_sessionToken;
    std::chrono::milliseconds m_timeout{30000};
};

} // namespace coder::core
