#pragma once

#include "http_server.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <memory>
#include <vector>

class QTcpSocket;
class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace coder::server {

class HttpConnection;

// One event-loop thread of the HTTP server: owns the connections handed to it, the timeout
// sweep and the QWebSocketServer that takes over accepted upgrades. Lives in its own QThread;
// every method below runs in that thread.
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    HttpWorker(std::shared_ptr<const Router> router, HttpServerConfig config);
    ~HttpWorker() override;

    void start();
    // Takes ownership of an accepted socket descriptor.
    void addConnection(qintptr descriptor);
    // Closes idle connections now and the others once their request is answered, or after
    // graceMs; then runs onThreadExit and quits the thread.
    void beginShutdown(int graceMs);

    // Called by HttpConnection.
    void handOverWebSocket(QTcpSocket *socket, WebSocketAccept accept);
    // A socket past the handshake of a route that reads the frames itself.
    void adoptFramedWebSocket(QTcpSocket *socket, FramedWebSocketAccept accept);
    void connectionFinished(HttpConnection *connection);

private:
    struct PendingUpgrade
    {
        QPointer<QTcpSocket> socket;
        QHostAddress address;
        quint16 port = 0;
        WebSocketAccept accept;
    };

    void sweep();
    void onNewWebSocket();
    template <typename Socket, typename Accept> void runAccept(Socket *socket, Accept &accept);
    void finish();
    void prunePending();

    std::shared_ptr<const Router> m_router;
    HttpServerConfig m_config;
    QSet<HttpConnection *> m_connections;
    QWebSocketServer *m_webSocketServer = nullptr;
    QTimer *m_sweepTimer = nullptr;
    QTimer *m_graceTimer = nullptr;
    std::vector<PendingUpgrade> m_pendingUpgrades;
    QList<QPointer<QWebSocket>> m_webSockets;
    QList<QPointer<QTcpSocket>> m_framedWebSockets;
    bool m_shuttingDown = false;
    bool m_finished = false;
};

} // namespace coder::server
