#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

class QTimer;
class QWebSocket;

namespace coder::core::tunnel {

// What carries a tunnel's frames, whole and in order: a WebSocket between processes, anything
// that moves messages in tests.
class TunnelTransport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void sendFrame(const QByteArray &frame) = 0;
    // protocolError: the peer broke the protocol (the WebSocket closes with 1002), else a normal
    // close. Either way closed() follows, once.
    virtual void close(bool protocolError, const QString &reason) = 0;

Q_SIGNALS:
    void frameReceived(const QByteArray &frame);
    void closed(const QString &reason);
};

// A tunnel over a connected QWebSocket (binary messages); takes ownership of the socket.
class WebSocketTransport : public TunnelTransport
{
    Q_OBJECT
public:
    explicit WebSocketTransport(QWebSocket *socket, QObject *parent = nullptr);

    void sendFrame(const QByteArray &frame) override;
    void close(bool protocolError, const QString &reason) override;
    // Pings the peer every intervalMs; a peer that answers nothing (no pong, no frame) for two
    // intervals is taken for dead and the connection dropped, as a vanished host sends no FIN.
    void setKeepAlive(int intervalMs);

private:
    void onDisconnected();
    void onKeepAlive();

    QPointer<QWebSocket> m_socket;
    QTimer *m_keepAlive = nullptr;
    QElapsedTimer m_lastHeard;
    bool m_closed = false;
};

} // namespace coder::core::tunnel
