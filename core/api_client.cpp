#include "api_client.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace coder::core {

namespace {

const QByteArray sessionTokenHeader = QByteArrayLiteral("Coder-Session-Token");

ApiError invalidResponse(const QString &what, const QString &why)
{
    return ApiError{0, QStringLiteral("unexpected response from %1").arg(what), why, {}};
}

} // namespace

ApiClient::ApiClient(QUrl baseUrl, QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)), m_baseUrl(std::move(baseUrl))
{}

ApiClient::~ApiClient() = default;

QUrl ApiClient::webSocketUrl(const QUrl &baseUrl, const QString &path)
{
    QUrl url = baseUrl;
    url.setScheme(baseUrl.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    QString basePath = baseUrl.path(QUrl::FullyEncoded);
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path, QUrl::TolerantMode);
    url.setQuery(QString());
    url.setFragment({});
    url.setUserInfo({});
    return url;
}

QString ApiClient::segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

void ApiClient::request(const QByteArray &method, const QString &path, const QUrlQuery &query,
                        const std::optional<QJsonDocument> &body, Callback<QJsonDocument> done)
{
    if (body)
        send(method, path, query, body->toJson(QJsonDocument::Compact),
             QStringLiteral("application/json"), std::move(done));
    else
        send(method, path, query, {}, {}, std::move(done));
}

void ApiClient::send(const QByteArray &method, const QString &path, const QUrlQuery &query,
                     const QByteArray &payload, const QString &contentType,
                     Callback<QJsonDocument> done)
{
    QUrl url = m_baseUrl;
    QString basePath = m_baseUrl.path(QUrl::FullyEncoded);
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path, QUrl::TolerantMode);
    url.setQuery(query);
    url.setFragment({});

    QNetworkRequest request(url);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("coder-cli/%1").arg(QStringLiteral(CODER_VERSION)));
    if (!m_sessionToken.isEmpty())
        request.setRawHeader(sessionTokenHeader, m_sessionToken.toUtf8());
    if (m_timeout.count() > 0)
        request.setTransferTimeout(static_cast<int>(m_timeout.count()));

    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, payload);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        reply->deleteLater();
        handleReply(reply, done);
    });
}

void ApiClient::handleReply(QNetworkReply *reply, const Callback<QJsonDocument> &done)
{
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid())
        return done(transportError(reply));
    const int status = statusAttribute.toInt();
    const QByteArray body = reply->readAll();
    if (status < 200 || status > 299)
        return done(ApiError::fromResponse(status, body));
    if (body.trimmed().isEmpty())
        return done(QJsonDocument{});
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return done(invalidResponse(
            reply->url().toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery),
            QStringLiteral("the body is not JSON: %1").arg(parseError.errorString())));
    done(document);
}

ApiError ApiClient::transportError(QNetworkReply *reply) const
{
    const QString target = m_baseUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    QString reason;
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        reason = QStringLiteral("connection refused");
        break;
    case QNetworkReply::HostNotFoundError:
        reason = QStringLiteral("host %1 not found").arg(m_baseUrl.host());
        break;
    case QNetworkReply::RemoteHostClosedError:
        reason = QStringLiteral("the server closed the connection");
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        reason = QStringLiteral("no answer within %1 s").arg(m_timeout.count() / 1000.0);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        reason = QStringLiteral("TLS handshake failed: %1").arg(reply->errorString());
        break;
    case QNetworkReply::ProtocolUnknownError:
        reason = QStringLiteral("unsupported URL scheme \"%1\"").arg(m_baseUrl.scheme());
        break;
    default:
        reason = reply->errorString();
        break;
    }
    return ApiError{0, QStringLiteral("cannot reach %1: %2").arg(target, reason), {}, {}};
}

void ApiClient::get(const QString &path, Callback<QJsonDocument> done, const QUrlQuery &query)
{
    request(QByteArrayLiteral("GET"), path, query, std::nullopt, std::move(done));
}

void ApiClient::post(const QString &path, const QJsonObject &body, Callback<QJsonDocument> done)
{
    request(QByteArrayLiteral("POST"), path, {}, QJsonDocument(body), std::move(done));
}

void ApiClient::put(const QString &path, const QJsonObject &body, Callback<QJsonDocument> done)
{
    request(QByteArrayLiteral("PUT"), path, {}, QJsonDocument(body), std::move(done));
}

void ApiClient::deleteResource(const QString &path, Callback<QJsonDocument> done)
{
    request(QByteArrayLiteral("DELETE"), path, {}, std::nullopt, std::move(done));
}

template <typename T> ApiClient::Callback<QJsonDocument> ApiClient::decodeObject(Callback<T> done)
{
    return [done = std::move(done)](Result<QJsonDocument, ApiError> result) {
        if (!result)
            return done(result.error());
        if (!result->isObject())
            return done(invalidResponse(QStringLiteral("the server"),
                                        QStringLiteral("expected a JSON object")));
        auto decoded = json::fromJson<T>(QJsonValue(result->object()));
        if (!decoded)
            return done(invalidResponse(QStringLiteral("the server"), decoded.error()));
        done(std::move(decoded.value()));
    };
}

void ApiClient::hasFirstUser(Callback<bool> done)
{
    get(QStringLiteral("/api/v2/users/first"), [done](Result<QJsonDocument, ApiError> result) {
        if (result)
            return done(true);
        if (result.error().status == 404)
            return done(false);
        done(result.error());
    });
}

void ApiClient::createFirstUser(const CreateFirstUserRequest &request,
                                Callback<CreateFirstUserResponse> done)
{
    sendJson(QByteArrayLiteral("POST"), QStringLiteral("/api/v2/users/first"), request,
             decodeObject<CreateFirstUserResponse>(std::move(done)));
}

void ApiClient::login(const QString &email, const QString &password, Callback<QString> done)
{
    sendJson(QByteArrayLiteral("POST"), QStringLiteral("/api/v2/users/login"),
             LoginRequest{email, password},
             decodeObject<LoginResponse>([done](Result<LoginResponse, ApiError> result) {
                 result ? done(result->sessionToken) : done(result.error());
             }));
}

void ApiClient::logout(Callback<Ok> done)
{
    post(QStringLiteral("/api/v2/users/logout"), {},
         [done](Result<QJsonDocument, ApiError> result) {
             result ? done(Ok{}) : done(result.error());
         });
}

void ApiClient::user(const QString &user, Callback<User> done)
{
    get(QStringLiteral("/api/v2/users/") + segment(user), decodeObject<User>(std::move(done)));
}

void ApiClient::users(const QString &search, Callback<UsersPage> done, int limit, int offset)
{
    QUrlQuery query;
    if (!search.isEmpty())
        query.addQueryItem(QStringLiteral("q"),
                           QString::fromLatin1(QUrl::toPercentEncoding(search)));
    if (limit > 0)
        query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (offset > 0)
        query.addQueryItem(QStringLiteral("offset"), QString::number(offset));
    get(QStringLiteral("/api/v2/users"), decodeObject<UsersPage>(std::move(done)), query);
}

void ApiClient::allUsers(const QString &search, Callback<QList<User>> done, int pageSize)
{
    auto collected = std::make_shared<QList<User>>();
    auto fetch = std::make_shared<std::function<void()>>();
    // Only the callback of the page in flight holds `fetch` strongly: no reference cycle.
    *fetch = [this, search, done, pageSize, collected, weakFetch = std::weak_ptr(fetch)] {
        users(
            search,
            [done, pageSize, collected,
             fetch = weakFetch.lock()](Result<UsersPage, ApiError> page) {
                if (!page)
                    return done(page.error());
                collected->append(page->users);
                if (page->users.size() < pageSize || collected->size() >= page->count)
                    return done(*collected);
                (*fetch)();
            },
            pageSize, static_cast<int>(collected->size()));
    };
    (*fetch)();
}

void ApiClient::createUser(const CreateUserRequest &request, Callback<User> done)
{
    sendJson(QByteArrayLiteral("POST"), QStringLiteral("/api/v2/users"), request,
             decodeObject<User>(std::move(done)));
}

void ApiClient::setUserSuspended(const QString &user, bool suspended, Callback<User> done)
{
    const QString action = suspended ? QStringLiteral("suspend") : QStringLiteral("activate");
    put(QStringLiteral("/api/v2/users/%1/status/%2").arg(segment(user), action), {},
        decodeObject<User>(std::move(done)));
}

void ApiClient::apiKeys(const QString &user, Callback<QList<ApiKey>> done)
{
    get(QStringLiteral("/api/v2/users/%1/keys/tokens").arg(segment(user)),
        [done](Result<QJsonDocument, ApiError> result) {
            if (!result)
                return done(result.error());
            // A server with no tokens may answer null rather than [].
            QList<ApiKey> keys;
            const QJsonValue body =
                result->isArray() ? QJsonValue(result->array()) : QJsonValue(QJsonValue::Null);
            if (!result->isArray() && !result->isNull())
                return done(invalidResponse(QStringLiteral("the server"),
                                            QStringLiteral("expected a JSON array of tokens")));
            if (QString problem = json::read(body, keys); !problem.isEmpty())
                return done(invalidResponse(QStringLiteral("the server"), problem));
            done(std::move(keys));
        });
}

void ApiClient::createToken(const QString &user, const CreateTokenRequest &request,
                            Callback<QString> done)
{
    sendJson(QByteArrayLiteral("POST"),
             QStringLiteral("/api/v2/users/%1/keys/tokens").arg(segment(user)), request,
             decodeObject<CreateKeyResponse>([done](Result<CreateKeyResponse, ApiError> result) {
                 result ? done(result->key) : done(result.error());
             }));
}

void ApiClient::deleteApiKey(const QString &user, const QString &keyId, Callback<Ok> done)
{
    deleteResource(QStringLiteral("/api/v2/users/%1/keys/%2").arg(segment(user), segment(keyId)),
                   [done](Result<QJsonDocument, ApiError> result) {
                       result ? done(Ok{}) : done(result.error());
                   });
}

template <typename T>
ApiClient::Callback<QJsonDocument> ApiClient::decodeList(Callback<QList<T>> done)
{
    return [done = std::move(done)](Result<QJsonDocument, ApiError> result) {
        if (!result)
            return done(result.error());
        // Go encodes an empty slice as null.
        if (!result->isArray() && !result->isNull())
            return done(invalidResponse(QStringLiteral("the server"),
                                        QStringLiteral("expected a JSON array")));
        QList<T> list;
        const QJsonValue body =
            result->isArray() ? QJsonValue(result->array()) : QJsonValue(QJsonValue::Null);
        if (QString problem = json::read(body, list); !problem.isEmpty())
            return done(invalidResponse(QStringLiteral("the server"), problem));
        done(std::move(list));
    };
}

ApiClient::Callback<QJsonDocument> ApiClient::ignoreBody(Callback<Ok> done)
{
    return [done = std::move(done)](Result<QJsonDocument, ApiError> result) {
        result ? done(Ok{}) : done(result.error());
    };
}

void ApiClient::uploadFile(const QByteArray &tar, Callback<QUuid> done)
{
    send(QByteArrayLiteral("POST"), QStringLiteral("/api/v2/files"), {}, tar,
         QStringLiteral("application/x-tar"),
         decodeObject<UploadResponse>([done](Result<UploadResponse, ApiError> result) {
             result ? done(result->hash) : done(result.error());
         }));
}

void ApiClient::createTemplateVersion(const QString &org,
                                      const CreateTemplateVersionRequest &request,
                                      Callback<TemplateVersion> done)
{
    sendJson(QByteArrayLiteral("POST"),
             QStringLiteral("/api/v2/organizations/%1/templateversions").arg(segment(org)), request,
             decodeObject<TemplateVersion>(std::move(done)));
}

void ApiClient::templateVersion(const QUuid &versionId, Callback<TemplateVersion> done)
{
    get(QStringLiteral("/api/v2/templateversions/") + idText(versionId),
        decodeObject<TemplateVersion>(std::move(done)));
}

void ApiClient::templateVersionRichParameters(const QUuid &versionId,
                                              Callback<QList<TemplateVersionParameter>> done)
{
    get(QStringLiteral("/api/v2/templateversions/%1/rich-parameters").arg(idText(versionId)),
        decodeList<TemplateVersionParameter>(std::move(done)));
}

void ApiClient::templates(const QString &org, Callback<QList<Template>> done)
{
    get(QStringLiteral("/api/v2/organizations/%1/templates").arg(segment(org)),
        decodeList<Template>(std::move(done)));
}

void ApiClient::templateByName(const QString &org, const QString &name, Callback<Template> done)
{
    get(QStringLiteral("/api/v2/organizations/%1/templates/%2").arg(segment(org), segment(name)),
        decodeObject<Template>(std::move(done)));
}

void ApiClient::createTemplate(const QString &org, const CreateTemplateRequest &request,
                               Callback<Template> done)
{
    sendJson(QByteArrayLiteral("POST"),
             QStringLiteral("/api/v2/organizations/%1/templates").arg(segment(org)), request,
             decodeObject<Template>(std::move(done)));
}

void ApiClient::updateActiveVersion(const QUuid &templateId, const QUuid &versionId,
                                    Callback<Ok> done)
{
    sendJson(QByteArrayLiteral("PATCH"),
             QStringLiteral("/api/v2/templates/%1/versions").arg(idText(templateId)),
             UpdateActiveVersionRequest{versionId}, ignoreBody(std::move(done)));
}

void ApiClient::templateVersions(const QUuid &templateId, Callback<QList<TemplateVersion>> done)
{
    get(QStringLiteral("/api/v2/templates/%1/versions").arg(idText(templateId)),
        decodeList<TemplateVersion>(std::move(done)));
}

void ApiClient::deleteTemplate(const QUuid &templateId, Callback<Ok> done)
{
    deleteResource(QStringLiteral("/api/v2/templates/") + idText(templateId),
                   ignoreBody(std::move(done)));
}

void ApiClient::createWorkspace(const QString &user, const CreateWorkspaceRequest &request,
                                Callback<Workspace> done)
{
    sendJson(QByteArrayLiteral("POST"),
             QStringLiteral("/api/v2/users/%1/workspaces").arg(segment(user)), request,
             decodeObject<Workspace>(std::move(done)));
}

void ApiClient::workspaces(const QString &query, Callback<WorkspacesPage> done, int limit,
                           int offset)
{
    QUrlQuery params;
    if (!query.isEmpty())
        params.addQueryItem(QStringLiteral("q"),
                            QString::fromLatin1(QUrl::toPercentEncoding(query)));
    if (limit > 0)
        params.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (offset > 0)
        params.addQueryItem(QStringLiteral("offset"), QString::number(offset));
    get(QStringLiteral("/api/v2/workspaces"), decodeObject<WorkspacesPage>(std::move(done)),
        params);
}

void ApiClient::workspaceByOwnerAndName(const QString &owner, const QString &name,
                                        Callback<Workspace> done, bool includeDeleted)
{
    QUrlQuery params;
    if (includeDeleted)
        params.addQueryItem(QStringLiteral("include_deleted"), QStringLiteral("true"));
    get(QStringLiteral("/api/v2/users/%1/workspace/%2").arg(segment(owner), segment(name)),
        decodeObject<Workspace>(std::move(done)), params);
}

void ApiClient::workspace(const QUuid &workspaceId, Callback<Workspace> done)
{
    get(QStringLiteral("/api/v2/workspaces/") + idText(workspaceId),
        decodeObject<Workspace>(std::move(done)));
}

void ApiClient::createWorkspaceBuild(const QUuid &workspaceId,
                                     const CreateWorkspaceBuildRequest &request,
                                     Callback<WorkspaceBuild> done)
{
    sendJson(QByteArrayLiteral("POST"),
             QStringLiteral("/api/v2/workspaces/%1/builds").arg(idText(workspaceId)), request,
             decodeObject<WorkspaceBuild>(std::move(done)));
}

void ApiClient::workspaceBuild(const QUuid &buildId, Callback<WorkspaceBuild> done)
{
    get(QStringLiteral("/api/v2/workspacebuilds/") + idText(buildId),
        decodeObject<WorkspaceBuild>(std::move(done)));
}

void ApiClient::cancelWorkspaceBuild(const QUuid &buildId, Callback<Ok> done)
{
    request(QByteArrayLiteral("PATCH"),
            QStringLiteral("/api/v2/workspacebuilds/%1/cancel").arg(idText(buildId)), {},
            QJsonDocument(QJsonObject{}), ignoreBody(std::move(done)));
}

void ApiClient::putAutostart(const QUuid &workspaceId, const std::optional<QString> &schedule,
                             Callback<Ok> done)
{
    sendJson(QByteArrayLiteral("PUT"),
             QStringLiteral("/api/v2/workspaces/%1/autostart").arg(idText(workspaceId)),
             UpdateWorkspaceAutostartRequest{schedule}, ignoreBody(std::move(done)));
}

void ApiClient::putTtl(const QUuid &workspaceId, std::optional<qint64> ttlMs, Callback<Ok> done)
{
    sendJson(QByteArrayLiteral("PUT"),
             QStringLiteral("/api/v2/workspaces/%1/ttl").arg(idText(workspaceId)),
             UpdateWorkspaceTtlRequest{ttlMs}, ignoreBody(std::move(done)));
}

void ApiClient::extend(const QUuid &workspaceId, const QDateTime &deadline, Callback<Ok> done)
{
    sendJson(QByteArrayLiteral("PUT"),
             QStringLiteral("/api/v2/workspaces/%1/extend").arg(idText(workspaceId)),
             PutExtendWorkspaceRequest{deadline}, ignoreBody(std::move(done)));
}

QString ApiClient::templateVersionLogsPath(const QUuid &versionId)
{
    return QStringLiteral("/api/v2/templateversions/%1/logs").arg(idText(versionId));
}

QString ApiClient::workspaceBuildLogsPath(const QUuid &buildId)
{
    return QStringLiteral("/api/v2/workspacebuilds/%1/logs").arg(idText(buildId));
}

void ApiClient::jobLogs(const QString &logsPath, qint64 after,
                        Callback<QList<ProvisionerJobLog>> done)
{
    QUrlQuery params;
    if (after > 0)
        params.addQueryItem(QStringLiteral("after"), QString::number(after));
    get(logsPath, decodeList<ProvisionerJobLog>(std::move(done)), params);
}

} // namespace coder::core

#include "moc_api_client.cpp"
