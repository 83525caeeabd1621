#include "log_follower.h"

#include "core/api_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

namespace coder::core {

LogFollower *LogFollower::follow(ApiClient &client, const QString &path, qint64 after)
{
    auto *follower = new LogFollower(client.baseUrl(), client.sessionToken(), &client);
    follower->start(path, after);
    return follower;
}

LogFollower::LogFollower(QUrl baseUrl, QString sessionToken, QObject *parent)
    : QObject(parent), m_baseUrl(std::move(baseUrl)), m_sessionToken(std::move(sessionToken))
{}

LogFollower::~LogFollower()
{
    stop();
}

QUrl LogFollower::streamUrl(const QUrl &baseUrl, const QString &path, qint64 after)
{
    QUrl url = ApiClient::webSocketUrl(baseUrl, path);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("follow"), QString());
    if (after > 0)
        query.addQueryItem(QStringLiteral("after"), QString::number(after));
    url.setQuery(query);
    return url;
}

void LogFollower::start(const QString &path, qint64 after)
{
    stop();
    m_done = false;
    m_connected = false;
    m_lastLogId = after;
    m_url = streamUrl(m_baseUrl, path, after);
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &LogFollower::onMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &message) { onMessage(QString::fromUtf8(message)); });
    connect(m_socket, &QWebSocket::disconnected, this, &LogFollower::onDisconnected);
    connect(m_socket, &QWebSocket::connected, this, [this] { m_connected = true; });
    connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this, socket = m_socket](QAbstractSocket::SocketError error) {
                if (m_done || socket != m_socket)
                    return;
                // The peer closing TCP after its close frame is the normal end (onDisconnected);
                // closing it without one (state still Connected) is a dropped stream.
                if (error == QAbstractSocket::RemoteHostClosedError &&
                    socket->state() == QAbstractSocket::ClosingState)
                    return;
                fail(QStringLiteral("cannot follow the logs at %1: %2")
                         .arg(m_url.toString(QUrl::RemoveQuery), socket->errorString()));
            });
    QNetworkRequest request(m_url);
    if (!m_sessionToken.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Coder-Session-Token"), m_sessionToken.toUtf8());
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("coder-cli/%1").arg(QStringLiteral(CODER_VERSION)));
    m_socket->open(request);
}

void LogFollower::stop()
{
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void LogFollower::onMessage(const QString &message)
{
    if (m_done)
        return;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(message.toUtf8(), &parseError);
    QJsonArray logs;
    if (document.isObject())
        logs.append(document.object());
    else if (document.isArray())
        logs = document.array();
    else
        return fail(
            QStringLiteral("the log stream at %1 sent a message that is not a log: %2")
                .arg(m_url.toString(QUrl::RemoveQuery), parseError.error != QJsonParseError::NoError
                                                            ? parseError.errorString()
                                                            : QStringLiteral("not a JSON object")));
    for (const auto &value : logs) {
        auto decoded = json::fromJson<ProvisionerJobLog>(value);
        if (!decoded)
            return fail(QStringLiteral("the log stream at %1 sent an invalid log: %2")
                            .arg(m_url.toString(QUrl::RemoveQuery), decoded.error()));
        // A log seen before (a resumed stream) is not shown twice.
        if (decoded->id <= m_lastLogId && m_lastLogId > 0)
            continue;
        m_lastLogId = decoded->id;
        Q_EMIT log(decoded.value());
        if (m_done || !m_socket)
            return; // a receiver stopped us
    }
}

void LogFollower::onDisconnected()
{
    if (m_done || !m_socket)
        return;
    if (!m_connected) {
        // Refused or rejected before the handshake completed: Qt reports the reason just
        // after this signal.
        QTimer::singleShot(0, this, [this, socket = QPointer<QWebSocket>(m_socket)] {
            if (m_done)
                return;
            const QString reason = socket && !socket->errorString().isEmpty()
                                       ? socket->errorString()
                                       : QStringLiteral("the connection closed before the "
                                                        "WebSocket handshake completed");
            fail(QStringLiteral("cannot follow the logs at %1: %2")
                     .arg(m_url.toString(QUrl::RemoveQuery), reason));
        });
        return;
    }
    const auto code = m_socket->closeCode();
    if (code == QWebSocketProtocol::CloseCodeNormal) {
        m_done = true;
        stop();
        Q_EMIT finished();
        return;
    }
    const QString reason = m_socket->closeReason();
    fail(QStringLiteral("the log stream at %1 ended abnormally (close code %2%3)")
             .arg(m_url.toString(QUrl::RemoveQuery))
             .arg(static_cast<int>(code))
             .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
}

void LogFollower::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    stop();
    Q_EMIT failed(message);
}

} // namespace coder::core

#include "moc_log_follower.cpp"
