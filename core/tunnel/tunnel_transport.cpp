#include "tunnel_transport.h"

#include "tunnel_frame.h"

#include <QTimer>
#include <QWebSocket>

namespace coder::core::tunnel {

WebSocketTransport::WebSocketTransport(QWebSocket *socket, QObject *parent)
    : TunnelTransport(parent), m_socket(socket)
{
    socket->setParent(this);
    // No message is larger than a full DATA frame: QWebSocket refuses a bigger one (close code
    // 1009) instead of buffering whatever a hostile peer announces.
    socket->setMaxAllowedIncomingMessageSize(quint64(kFrameHeaderBytes + kMaxDataPayload));
    socket->setMaxAllowedIncomingFrameSize(quint64(kFrameHeaderBytes + kMaxDataPayload));
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &frame) {
        m_lastHeard.start();
        Q_EMIT frameReceived(frame);
    });
    connect(socket, &QWebSocket::pong, this, [this] { m_lastHeard.start(); });
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this] { close(true, QStringLiteral("text message on a tunnel")); });
    connect(socket, &QWebSocket::disconnected, this, &WebSocketTransport::onDisconnected);
}

void WebSocketTransport::sendFrame(const QByteArray &frame)
{
    if (m_socket && !m_closed)
        m_socket->sendBinaryMessage(frame);
}

void WebSocketTransport::close(bool protocolError, const QString &reason)
{
    if (!m_socket || m_closed)
        return;
    // A close reason travels in a control frame of at most 125 bytes.
    m_socket->close(protocolError ? QWebSocketProtocol::CloseCodeProtocolError
                                  : QWebSocketProtocol::CloseCodeNormal,
                    reason.left(100));
}

void WebSocketTransport::setKeepAlive(int intervalMs)
{
    if (!m_keepAlive) {
        m_keepAlive = new QTimer(this);
        connect(m_keepAlive, &QTimer::timeout, this, &WebSocketTransport::onKeepAlive);
    }
    m_lastHeard.start();
    m_keepAlive->start(intervalMs);
}

void WebSocketTransport::onKeepAlive()
{
    if (!m_socket || m_closed)
        return;
    const qint64 silent = m_lastHeard.elapsed();
    if (silent > 2 * qint64(m_keepAlive->interval())) {
        // A closing handshake would wait for a peer that is gone: drop the connection.
        m_socket->abort();
        if (!m_closed) {
            m_closed = true;
            Q_EMIT closed(QStringLiteral("no answer from the other end for %1 s")
                              .arg(double(silent) / 1000.0, 0, 'f', 1));
        }
        return;
    }
    m_socket->ping();
}

void WebSocketTransport::onDisconnected()
{
    if (m_closed)
        return;
    m_closed = true;
    const QString reason = m_socket ? m_socket->closeReason() : QString();
    Q_EMIT closed(reason.isEmpty() ? QStringLiteral("the tunnel's connection closed") : reason);
}

} // namespace coder::core::tunnel
