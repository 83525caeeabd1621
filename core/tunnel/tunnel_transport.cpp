#include "tunnel_transport.h"

#include "tunnel_frame.h"

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
    connect(socket, &QWebSocket::binaryMessageReceived, this, &TunnelTransport::frameReceived);
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

void WebSocketTransport::onDisconnected()
{
    if (m_closed)
        return;
    m_closed = true;
    const QString reason = m_socket ? m_socket->closeReason() : QString();
    Q_EMIT closed(reason.isEmpty() ? QStringLiteral("the tunnel's connection closed") : reason);
}

} // namespace coder::core::tunnel
