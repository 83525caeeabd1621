#include "tunnel_transport.h"

#include "core/websocket_frame.h"
#include "tunnel_frame.h"

#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QtEndian>
#include <sys/socket.h>

namespace coder::core::tunnel {

using namespace core::websocket;

namespace {
// No message is larger than a full DATA frame: a bigger one is refused (close code 1009) instead
// of buffering whatever a hostile peer announces.
constexpr quint64 kMaxMessage = quint64(kFrameHeaderBytes + kMaxDataPayload);
} // namespace

WebSocketTransport::WebSocketTransport(QTcpSocket *socket, Role role, QObject *parent)
    : TunnelTransport(parent), m_socket(socket), m_role(role)
{
    socket->setParent(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_plainSocket = qobject_cast<QSslSocket *>(socket) == nullptr;
    connect(socket, &QTcpSocket::readyRead, this, &WebSocketTransport::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &WebSocketTransport::onDisconnected);
    connect(&m_keepAlive, &QTimer::timeout, this, &WebSocketTransport::onKeepAlive);
    m_closeWait.setSingleShot(true);
    connect(&m_closeWait, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->abort();
        onDisconnected();
    });
    m_lastHeard.start();
    // Frames that came with the end of the handshake are read once the receiver is connected.
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &WebSocketTransport::onReadyRead, Qt::QueuedConnection);
    if (socket->state() != QAbstractSocket::ConnectedState)
        QMetaObject::invokeMethod(this, &WebSocketTransport::onDisconnected, Qt::QueuedConnection);
}

void WebSocketTransport::sendFrame(QByteArray frame)
{
    if (!m_closeSent)
        send(Opcode::Binary, std::move(frame));
}

void WebSocketTransport::send(Opcode opcode, QByteArray payload)
{
    if (!m_socket || m_closed)
        return;
    std::optional<quint32> key;
    if (m_role == Role::Client) {
        key = QRandomGenerator::global()->generate();
        applyMask(payload.data(), payload.size(), *key);
    }
    // One buffer per frame, so one write: the header goes into the room frameWithRoom left in
    // front of the payload (a copy only for frames made without it).
    payload.prepend(encodeHeader(opcode, quint64(payload.size()), key));
    m_socket->write(payload);
}

void WebSocketTransport::close(bool protocolError, const QString &reason)
{
    sendClose(protocolError ? CloseProtocolError : CloseNormal, reason);
}

void WebSocketTransport::sendClose(quint16 code, const QString &reason)
{
    if (!m_socket || m_closed || m_closeSent)
        return;
    send(Opcode::Close, closePayload(code, reason));
    m_closeSent = true;
    if (m_closeReason.isEmpty())
        m_closeReason = reason;
    m_closeWait.start(kCloseWaitMs);
}

void WebSocketTransport::fail(quint16 code, const QString &reason)
{
    // Failing the connection (RFC 6455 7.1.7): our close frame, then nothing more is read.
    sendClose(code, reason);
    if (!m_socket)
        return;
    m_socket->readAll();
    m_socket->disconnectFromHost();
}

void WebSocketTransport::onReadyRead()
{
    while (m_socket && !m_closed) {
        char head[kMaxHeaderBytes];
        const qint64 peeked = m_socket->peek(head, sizeof head);
        if (peeked <= 0)
            return;
        const auto decoded =
            websocket::decodeHeader(head, qsizetype(peeked), m_role == Role::Server, kMaxMessage);
        if (std::holds_alternative<websocket::NeedMore>(decoded))
            return;
        if (const auto *violation = std::get_if<websocket::Violation>(&decoded)) {
            fail(violation->code, violation->reason);
            return;
        }
        const websocket::FrameHeader &header = std::get<websocket::FrameHeader>(decoded);
        const qint64 frameBytes = header.headerSize + qint64(header.payloadSize);
        if (m_socket->bytesAvailable() < frameBytes) {
            // At most one message's worth waits in the socket's buffer. The kernel is asked to
            // wake this thread only once the rest of the frame is there, not for each segment.
            setWakeThreshold(frameBytes - m_socket->bytesAvailable());
            return;
        }
        setWakeThreshold(1);
        m_socket->skip(header.headerSize);
        // The room in front lets a relay prepend its own header to the payload without a copy.
        QByteArray payload(kTransportHeadroom + qsizetype(header.payloadSize), Qt::Uninitialized);
        m_socket->read(payload.data() + kTransportHeadroom, qint64(header.payloadSize));
        payload.remove(0, kTransportHeadroom);
        if (header.maskKey)
            applyMask(payload.data(), payload.size(), *header.maskKey);
        m_lastHeard.start();
        onFrame(header.opcode, header.fin, std::move(payload));
    }
}

void WebSocketTransport::setWakeThreshold(qint64 bytes)
{
    // SO_RCVLOWAT counts the bytes on the wire: for TLS those are not the ones Qt counts.
    if (!m_plainSocket)
        return;
    const int threshold = int(std::min<qint64>(bytes, kMaxWakeThreshold));
    if (threshold == m_wakeThreshold)
        return;
    m_wakeThreshold = threshold;
    ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_RCVLOWAT, &threshold,
                 sizeof threshold);
}

void WebSocketTransport::onFrame(Opcode opcode, bool fin, QByteArray payload)
{
    switch (opcode) {
    case Opcode::Ping:
        if (!m_closeSent)
            send(Opcode::Pong, std::move(payload));
        return;
    case Opcode::Pong:
        return;
    case Opcode::Close:
        onCloseFrame(payload);
        return;
    case Opcode::Continuation:
        if (!m_messageOpcode) {
            fail(CloseProtocolError, QStringLiteral("a continuation frame with no message"));
            return;
        }
        if (quint64(m_message.size()) + quint64(payload.size()) > kMaxMessage) {
            fail(CloseTooBig, QStringLiteral("a message over %1 bytes").arg(kMaxMessage));
            return;
        }
        m_message.append(payload);
        if (!fin)
            return;
        opcode = *m_messageOpcode;
        payload = std::exchange(m_message, {});
        m_messageOpcode.reset();
        break;
    case Opcode::Text:
    case Opcode::Binary:
        if (m_messageOpcode) {
            fail(CloseProtocolError, QStringLiteral("a new message inside a fragmented one"));
            return;
        }
        if (!fin) {
            m_messageOpcode = opcode;
            m_message = std::move(payload);
            return;
        }
        break;
    }
    if (m_closeSent)
        return; // what comes after our close frame is not read
    if (opcode == Opcode::Text) {
        fail(CloseUnsupportedData, QStringLiteral("text message on a tunnel"));
        return;
    }
    Q_EMIT frameReceived(payload);
}

void WebSocketTransport::onCloseFrame(const QByteArray &payload)
{
    if (payload.size() == 1) {
        fail(CloseProtocolError, QStringLiteral("a close frame of one byte"));
        return;
    }
    if (m_closeReason.isEmpty())
        m_closeReason = closeReason(payload);
    if (!m_closeSent) {
        // Echo the code, as the closing handshake asks; then the connection ends.
        const quint16 code = payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData())
                                                 : quint16(CloseNormal);
        send(Opcode::Close, closePayload(code, QString()));
        m_closeSent = true;
    }
    m_socket->disconnectFromHost();
    m_closeWait.start(kCloseWaitMs);
}

void WebSocketTransport::setKeepAlive(int intervalMs)
{
    m_lastHeard.start();
    m_keepAlive.start(intervalMs);
}

void WebSocketTransport::onKeepAlive()
{
    if (!m_socket || m_closed)
        return;
    const qint64 silent = m_lastHeard.elapsed();
    if (silent > 2 * qint64(m_keepAlive.interval())) {
        // A closing handshake would wait for a peer that is gone: drop the connection.
        drop(QStringLiteral("no answer from the other end for %1 s")
                 .arg(double(silent) / 1000.0, 0, 'f', 1));
        return;
    }
    if (!m_closeSent)
        send(Opcode::Ping, {});
}

void WebSocketTransport::drop(const QString &reason)
{
    m_closeReason = reason;
    if (m_socket)
        m_socket->abort();
    onDisconnected();
}

void WebSocketTransport::onDisconnected()
{
    if (m_closed)
        return;
    m_closed = true;
    m_keepAlive.stop();
    m_closeWait.stop();
    Q_EMIT closed(m_closeReason.isEmpty() ? QStringLiteral("the tunnel's connection closed")
                                          : m_closeReason);
}

} // namespace coder::core::tunnel

#include "moc_tunnel_transport.cpp"
