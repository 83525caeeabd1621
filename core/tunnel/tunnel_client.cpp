#include "tunnel_client.h"

#include "core/websocket_dialer.h"
#include "tunnel_transport.h"

#include <QTcpSocket>

namespace coder::core::tunnel {

TunnelClient::TunnelClient(const QUrl &url, const QString &token, TunnelSession::Side side,
                           QObject *parent)
    : QObject(parent), m_url(url), m_token(token), m_side(side)
{
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
    m_backoff.reset();
    connectNow();
}

void TunnelClient::stop()
{
    m_stopped = true;
    m_retry.stop();
    if (m_dialer) {
        m_dialer->disconnect(this);
        m_dialer->deleteLater();
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
    websocket::HeaderList headers{{QByteArrayLiteral("Coder-Session-Token"), m_token.toUtf8()}};
    if (!m_userAgent.isEmpty())
        headers.append({QByteArrayLiteral("User-Agent"), m_userAgent.toUtf8()});
    m_dialer = new WebSocketDialer(m_url, std::move(headers), this);
    connect(m_dialer, &WebSocketDialer::upgraded, this, &TunnelClient::onUpgraded);
    connect(m_dialer, &WebSocketDialer::failed, this, [this](const QString &reason) {
        m_dialer->deleteLater();
        scheduleRetry(reason);
    });
    connect(m_dialer, &WebSocketDialer::refused, this, [this](const ApiError &error) {
        m_dialer->deleteLater();
        // A 4xx is an answer (a bad token, no such agent, not allowed): trying again changes
        // nothing. Anything else (a restarting coderd's 503, a proxy's 502) is tried again.
        if (error.status >= 400 && error.status < 500) {
            m_stopped = true;
            Q_EMIT refused(error.status,
                           QStringLiteral("%1: %2").arg(error.status).arg(error.message));
            return;
        }
        scheduleRetry(QStringLiteral("%1: %2").arg(error.status).arg(error.message));
    });
    m_dialer->start();
}

void TunnelClient::onUpgraded(QTcpSocket *socket)
{
    m_dialer->deleteLater();
    auto *transport = new WebSocketTransport(socket, WebSocketTransport::Role::Client);
    transport->setKeepAlive(m_keepAliveMs);
    m_session = new TunnelSession(transport, m_side, this);
    m_backoff.reset();
    connect(m_session, &TunnelSession::closed, this, [this](const QString &reason) {
        if (m_session)
            m_session->deleteLater();
        m_session.clear();
        scheduleRetry(reason);
    });
    Q_EMIT connected(m_session);
}

void TunnelClient::scheduleRetry(const QString &reason)
{
    if (m_stopped)
        return;
    const int wait = m_backoff.next();
    m_retry.start(wait);
    Q_EMIT disconnected(reason, wait);
}

} // namespace coder::core::tunnel

#include "moc_tunnel_client.cpp"
