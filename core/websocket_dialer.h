#pragma once

#include "core/api_error.h"
#include "websocket_handshake.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <memory>

class QTcpSocket;

namespace coder::core {

// Opens one WebSocket to a ws:// or wss:// URL (http:// and https:// are taken as those): the TCP
// connection, TLS for wss with the default configuration, the opening handshake; then hands the
// socket over for WebSocketTransport. Exactly one of the three signals follows start().
class WebSocketDialer : public QObject
{
    Q_OBJECT
public:
    static constexpr int kHandshakeTimeoutMs = 15000;

    WebSocketDialer(const QUrl &url, websocket::HeaderList headers, QObject *parent = nullptr);
    ~WebSocketDialer() override;

    void start();

Q_SIGNALS:
    // The receiver owns socket now (it has no parent).
    void upgraded(QTcpSocket *socket);
    // The server answered with something else than 101 (its status and message inside).
    void refused(const coder::core::ApiError &error);
    // No answer: cannot connect, TLS failed, the connection dropped, a malformed answer.
    void failed(const QString &reason);

private:
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void refuse();
    void fail(const QString &reason);
    void release();

    QUrl m_url;
    websocket::HeaderList m_headers;
    QByteArray m_key;
    QPointer<QTcpSocket> m_socket;
    std::unique_ptr<websocket::ResponseReader> m_reader;
    QTimer m_timeout;
    bool m_done = false;
};

} // namespace coder::core
