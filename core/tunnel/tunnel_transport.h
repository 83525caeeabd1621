#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <optional>

class QTcpSocket;

namespace coder::core::websocket {
enum class Opcode : quint8;
}

namespace coder::core::tunnel {

// What carries a tunnel's frames, whole and in order: a WebSocket between processes, anything
// that moves messages in tests.
class TunnelTransport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Frames made by frameWithRoom() have room in front for the transport's own header.
    virtual void sendFrame(QByteArray frame) = 0;
    // protocolError: the peer broke the protocol (the WebSocket closes with 1002), else a normal
    // close. Either way closed() follows, once.
    virtual void close(bool protocolError, const QString &reason) = 0;

Q_SIGNALS:
    // The frame is the receiver's to take (std::move): the transport does not touch it after,
    // so a DATA payload can be cut from it without a copy. Direct connections only.
    void frameReceived(QByteArray &frame);
    void closed(const QString &reason);
};

// A tunnel over a WebSocket whose opening handshake is done (WebSocketDialer on the client,
// coderd's HTTP server on the other end): binary messages in RFC 6455 frames straight on the
// socket, which it takes ownership of. Text messages, masks on the wrong side and messages over a
// full DATA frame close it with the reason.
class WebSocketTransport : public TunnelTransport
{
    Q_OBJECT
public:
    // A client masks what it sends and must see no mask; a server the other way round.
    enum class Role { Client, Server };
    static constexpr int kCloseWaitMs = 2000;

    WebSocketTransport(QTcpSocket *socket, Role role, QObject *parent = nullptr);

    void sendFrame(QByteArray frame) override;
    void close(bool protocolError, const QString &reason) override;
    // Pings the peer every intervalMs; a peer that answers nothing (no pong, no frame) for two
    // intervals is taken for dead and the connection dropped, as a vanished host sends no FIN.
    void setKeepAlive(int intervalMs);

private:
    void onReadyRead();
    void onFrame(websocket::Opcode opcode, bool fin, QByteArray payload);
    void onCloseFrame(const QByteArray &payload);
    void send(websocket::Opcode opcode, QByteArray payload);
    void sendClose(quint16 code, const QString &reason);
    void setWakeThreshold(qint64 bytes);
    void fail(quint16 code, const QString &reason);
    void drop(const QString &reason);
    void onDisconnected();
    void onKeepAlive();

    QPointer<QTcpSocket> m_socket;
    const Role m_role;
    std::optional<websocket::Opcode> m_messageOpcode; // set: inside a fragmented message
    QByteArray m_message;
    QTimer m_keepAlive;
    QTimer m_closeWait; // after our close frame: how long the peer has to end the connection
    QElapsedTimer m_lastHeard;
    QString m_closeReason; // of the first close frame, sent or received
    bool m_plainSocket = true;
    int m_wakeThreshold = 1; // SO_RCVLOWAT
    static constexpr qint64 kMaxWakeThreshold = 128 * 1024;
    bool m_closeSent = false;
    bool m_closed = false;
};

} // namespace coder::core::tunnel
