#include "tunnel_client.h"

#include "tunnel_transport.h"

#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QWebSocket>

namespace coder::core::tunnel {

TunnelClient::TunnelClient(const QUrl &url, const QString &token, TunnelSession::Side side,
                           QObject *parent)
    : QObject(parent), m_url(url), m_token(token), m_side(side)
{
    if (m_url.scheme() == QLatin1String("http"))
        m_url.setScheme(QStringLiteral("ws"));
    else if (m_url.scheme() == QLatin1String("https"))
        m_url.setScheme(QStringLiteral("wss"));
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &TunnelClient::connectNow);
}

TunnelClient::~TunnelClient()
{
    stop();
}

void TunnelClient::start()
{
    if (!m_stopped)
        return;
    m_stopped = false;
    m_nextRetryMs = kFirstRetryMs;
    connectNow();
}

void TunnelClient::stop()
{
    m_stopped = true;
    m_retry.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    if (m_session) {
        m_session->disconnect(this);
        m_session->close(QStringLiteral("the tunnel was closed"));
        m_session->deleteLater();
    }
}

void TunnelClient::connectNow()
{
    if (m_stopped)
        return;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &TunnelClient::onSocketConnected);
    connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this] { onFailed(m_socket ? m_socket->errorString() : QString()); });
    connect(m_socket, &QWebSocket::disconnected, this,
            [this] { onFailed(QStringLiteral("the connection closed")); });
    QNetworkRequest request(m_url);
    request.setRawHeader(QByteArrayLiteral("Coder-Session-Token"), m_token.toUtf8());
    if (!m_userAgent.isEmpty())
        request.setHeader(QNetworkRequest::UserAgentHeader, m_userAgent);
    m_socket->open(request);
}

void TunnelClient::onSocketConnected()
{
    QWebSocket *socket = m_socket;
    socket->disconnect(this);
    m_socket.clear();
    auto *transport = new WebSocketTransport(socket);
    transport->setKeepAlive(m_keepAliveMs);
    m_session = new TunnelSession(transport, m_side, this);
    m_nextRetryMs = kFirstRetryMs;
    connect(m_session, &TunnelSession::closed, this, [this](const QString &reason) {
        if (m_session)
            m_session->deleteLater();
        m_session.clear();
        scheduleRetry(reason);
    });
    Q_EMIT connected(m_session);
}

void TunnelClient::onFailed(const QString &reason)
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket.clear();
    // Qt 6.4 tells a refused handshake only in its error text ("Unhandled http status code: 403
    // (Forbidden)").
    static const QRegularExpression status(QStringLiteral("status code: (4\\d\\d) \\(([^)]*)\\)"));
    if (const auto match = status.match(reason); match.hasMatch()) {
        m_stopped = true;
        Q_EMIT refused(match.captured(1).toInt(),
                       QStringLiteral("%1 %2").arg(match.captured(1), match.captured(2)));
        return;
    }
    scheduleRetry(reason);
}

void TunnelClient::scheduleRetry(const QString &reason)
{
    if (m_stopped)
        return;
    // "Equal jitter": half the backoff for sure, the other half at random.
    const int wait =
        m_nextRetryMs / 2 + int(QRandomGenerator::global()->bounded(m_nextRetryMs / 2 + 1));
    m_nextRetryMs = std::min(m_nextRetryMs * 2, kMaxRetryMs);
    m_retry.start(wait);
    Q_EMIT disconnected(reason, wait);
}

} // namespace coder::core::tunnel
