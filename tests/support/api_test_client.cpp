#include "api_test_client.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTimer>
#include <QUuid>

namespace coder::test {

QJsonObject ApiReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QJsonArray ApiReply::array() const
{
    return QJsonDocument::fromJson(body).array();
}

QByteArray ApiReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

QStringList ApiReply::invalidFields() const
{
    QStringList fields;
    for (const QJsonValue &v : json().value(QStringLiteral("validations")).toArray())
        fields.append(v.toObject().value(QStringLiteral("field")).toString());
    return fields;
}

ApiReply ApiTestClient::request(const QByteArray &method, const QString &path,
                                const QByteArray &token, const QByteArray &body,
                                const QByteArray &contentType)
{
    QUrl url = m_base;
    const qsizetype question = path.indexOf(QLatin1Char('?'));
    url.setPath(question < 0 ? path : path.left(question));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    // Each call says who it is itself: cookies from an earlier login must not tag along.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    // Named and numbered as a CLI's requests are, for the audit log to record.
    request.setRawHeader("User-Agent", "coder-tests");
    request.setRawHeader("X-Request-Id", QUuid::createUuid().toByteArray(QUuid::WithoutBraces));
    if (!token.isEmpty())
        request.setRawHeader("Coder-Session-Token", token);
    if (m_tls) {
        request.setSslConfiguration(*m_tls);
        request.setPeerVerifyName(m_peerName);
    }
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
    loop.exec();
    ApiReply result;
    if (!reply->isFinished()) {
        reply->abort();
        result.networkError = QStringLiteral("timed out");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

ApiReply ApiTestClient::get(const QString &path, const QByteArray &token)
{
    return request("GET", path, token);
}

ApiReply ApiTestClient::del(const QString &path, const QByteArray &token)
{
    return request("DELETE", path, token);
}

ApiReply ApiTestClient::post(const QString &path, const QJsonObject &body, const QByteArray &token)
{
    return request("POST", path, token, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

ApiReply ApiTestClient::put(const QString &path, const QJsonObject &body, const QByteArray &token)
{
    return request("PUT", path, token, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QByteArray ApiTestClient::login(const QString &email, const QString &password)
{
    const ApiReply reply =
        post(QStringLiteral("/api/v2/users/login"),
             {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    if (reply.status != 201) {
        qWarning("login of %s failed: %d %s", qPrintable(email), reply.status,
                 reply.body.constData());
        return {};
    }
    return reply.json().value(QStringLiteral("session_token")).toString().toLatin1();
}

void ApiTestClient::trustCertificates(const QString &path, const QString &peerName)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(path));
    m_tls = tls;
    m_peerName = peerName;
}

QByteArray ApiTestClient::setupOwner(const QString &username, const QString &password)
{
    const QString email = username + QStringLiteral("@example.com");
    const ApiReply reply =
        post(QStringLiteral("/api/v2/users/first"), {{QStringLiteral("email"), email},
                                                     {QStringLiteral("username"), username},
                                                     {QStringLiteral("password"), password}});
    if (reply.status != 201) {
        qWarning("first user setup failed: %d %s", reply.status, reply.body.constData());
        return {};
    }
    return login(email, password);
}

QByteArray ApiTestClient::createUser(const QByteArray &adminToken, const QString &username,
                                     const QStringList &roles, const QString &password)
{
    const QString email = username + QStringLiteral("@example.com");
    const ApiReply created = post(QStringLiteral("/api/v2/users"),
                                  {{QStringLiteral("email"), email},
                                   {QStringLiteral("username"), username},
                                   {QStringLiteral("password"), password}},
                                  adminToken);
    if (created.status != 201) {
        qWarning("creating %s failed: %d %s", qPrintable(username), created.status,
                 created.body.constData());
        return {};
    }
    if (!roles.isEmpty()) {
        const ApiReply assigned =
            put(QStringLiteral("/api/v2/users/%1/roles").arg(username),
                {{QStringLiteral("roles"), QJsonArray::fromStringList(roles)}}, adminToken);
        if (assigned.status != 200) {
            qWarning("assigning roles to %s failed: %d %s", qPrintable(username), assigned.status,
                     assigned.body.constData());
            return {};
        }
    }
    return login(email, password);
}

} // namespace coder::test
