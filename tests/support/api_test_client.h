#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QSslConfiguration>
#include <QUrl>
#include <optional>

namespace coder::test {

struct ApiReply
{
    int status = 0; // 0: no HTTP answer at all
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;

    QJsonObject json() const;
    QJsonArray array() const;
    QByteArray header(const QByteArray &name) const;
    // The error body's fields named in "validations".
    QStringList invalidFields() const;
};

// A blocking HTTP client for tests (tests may wait; product code never does).
class ApiTestClient
{
public:
    explicit ApiTestClient(QUrl base) : m_base(std::move(base)) {}

    ApiReply request(const QByteArray &method, const QString &path, const QByteArray &token = {},
                     const QByteArray &body = {},
                     const QByteArray &contentType = "application/json");
    ApiReply get(const QString &path, const QByteArray &token = {});
    ApiReply del(const QString &path, const QByteArray &token = {});
    ApiReply post(const QString &path, const QJsonObject &body, const QByteArray &token = {});
    ApiReply put(const QString &path, const QJsonObject &body, const QByteArray &token = {});

    // Creates the first user (an owner) and returns its session token.
    QByteArray setupOwner(const QString &username = QStringLiteral("admin"),
                          const QString &password = QStringLiteral("correct-horse-battery"));
    // Creates a user as `adminToken`, optionally gives it roles, logs in, returns its token.
    QByteArray createUser(const QByteArray &adminToken, const QString &username,
                          const QStringList &roles = {},
                          const QString &password = QStringLiteral("correct-horse-battery"));
    QByteArray login(const QString &email, const QString &password);

    // Trusts the PEM certificate(s) in `path` for an https:// base (a test's self-signed one)
    // and checks the server's certificate against `peerName` rather than the base's host.
    void trustCertificates(const QString &path,
                           const QString &peerName = QStringLiteral("localhost"));

private:
    QUrl m_base;
    QNetworkAccessManager m_network;
    std::optional<QSslConfiguration> m_tls;
    QString m_peerName;
};

} // namespace coder::test
