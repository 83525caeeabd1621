#include "http_worker.h"

#include "core/short_time_slices.h"
#include "core/thread_role.h"
#include "core/websocket_frame.h"
#include "http_connection.h"

#include <QDeadlineTimer>
#include <QSslSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <algorithm>
#include <exception>
#include <unistd.h>

namespace coder::server {

HttpWorker::HttpWorker(std::shared_ptr<const Router> router, HttpServerConfig config)
    : m_router(std::move(router)), m_config(std::move(config))
{}

HttpWorker::~HttpWorker() = default;

void HttpWorker::start()
{
    core::thread_role::markEventLoop();
    core::requestShortTimeSlices(); // where it is not taken, the thread is scheduled as before
    m_webSocketServer =
        new QWebSocketServer(QStringLiteral("coder"), QWebSocketServer::NonSecureMode, this);
    connect(m_webSocketServer, &QWebSocketServer::newConnection, this, &HttpWorker::onNewWebSocket);

    // One coarse timer per thread checks every connection's deadline: cheaper than a timer
    // per connection restarted on every request, at the price of a quarter-timeout slack.
    const int shortest = std::min(m_config.headerTimeoutMs, m_config.idleTimeoutMs);
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(std::clamp(shortest / 4, 10, 1000));
    connect(m_sweepTimer, &QTimer::timeout, this, &HttpWorker::sweep);
    m_sweepTimer->start();
}

void HttpWorker::addConnection(qintptr descriptor)
{
    if (m_shuttingDown) {
        ::close(int(descriptor));
        return;
    }
    QTcpSocket *socket = m_config.tls ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp) << "cannot adopt an accepted socket:" << socket->errorString();
        delete socket;
        ::close(int(descriptor));
        return;
    }
    auto *connection = new HttpConnection(socket, *m_router, m_config, this);
    connection->setParent(this);
    m_connections.insert(connection);
    connection->start();
}

void HttpWorker::sweep()
{
    const qint64 now = QDeadlineTimer::current().deadline();
    // A timeout may finish a connection and so change the set: walk a copy.
    const QList<HttpConnection *> connections = m_connections.values();
    for (HttpConnection *connection : connections) {
        if (m_connections.contains(connection))
            connection->checkTimeout(now);
    }
}

void HttpWorker::connectionFinished(HttpConnection *connection)
{
    if (!m_connections.remove(connection))
        return;
    connection->deleteLater();
    if (m_shuttingDown && m_connections.isEmpty())
        QMetaObject::invokeMethod(this, &HttpWorker::finish, Qt::QueuedConnection);
}

void HttpWorker::prunePending()
{
    m_pendingUpgrades.erase(std::remove_if(m_pendingUpgrades.begin(), m_pendingUpgrades.end(),
                                           [](const PendingUpgrade &p) { return !p.socket; }),
                            m_pendingUpgrades.end());
    m_webSockets.removeIf([](const QPointer<QWebSocket> &socket) { return !socket; });
    m_framedWebSockets.removeIf([](const QPointer<QTcpSocket> &socket) { return !socket; });
}

void HttpWorker::handOverWebSocket(QTcpSocket *socket, WebSocketAccept accept)
{
    prunePending();
    m_pendingUpgrades.push_back(
        {socket, socket->peerAddress(), socket->peerPort(), std::move(accept)});
    // Parented to the WebSocket server so a socket whose handshake never completes is
    // deleted with it at the latest; QWebSocketServer deletes it when it disconnects.
    socket->setParent(m_webSocketServer);
    m_webSocketServer->handleConnection(socket);
}

void HttpWorker::onNewWebSocket()
{
    while (m_webSocketServer->hasPendingConnections()) {
        QWebSocket *webSocket = m_webSocketServer->nextPendingConnection();
        if (!webSocket)
            break;
        const QHostAddress address = webSocket->peerAddress();
        const quint16 port = webSocket->peerPort();
        auto it = std::find_if(m_pendingUpgrades.begin(), m_pendingUpgrades.end(),
                               [&](const PendingUpgrade &p) {
                                   return p.socket && p.port == port && p.address == address;
                               });
        if (it == m_pendingUpgrades.end() || m_shuttingDown) {
            webSocket->abort();
            webSocket->deleteLater();
            continue;
        }
        WebSocketAccept accept = std::move(it->accept);
        m_pendingUpgrades.erase(it);
        m_webSockets.append(webSocket);
        runAccept(webSocket, accept);
    }
}

void HttpWorker::adoptFramedWebSocket(QTcpSocket *socket, FramedWebSocketAccept accept)
{
    prunePending();
    m_framedWebSockets.append(socket);
    runAccept(socket, accept);
}

template <typename Socket, typename Accept>
void HttpWorker::runAccept(Socket *socket, Accept &accept)
{
    try {
        accept(socket);
    } catch (const std::exception &e) {
        qCWarning(lcHttp) << "WebSocket accept function threw:" << e.what();
        socket->abort();
        socket->deleteLater();
    } catch (...) {
        qCWarning(lcHttp) << "WebSocket accept function threw";
        socket->abort();
        socket->deleteLater();
    }
}

void HttpWorker::beginShutdown(int graceMs)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    const QList<HttpConnection *> connections = m_connections.values();
    for (HttpConnection *connection : connections) {
        if (m_connections.contains(connection))
            connection->beginShutdown();
    }
    if (m_connections.isEmpty()) {
        finish();
        return;
    }
    m_graceTimer = new QTimer(this);
    m_graceTimer->setSingleShot(true);
    connect(m_graceTimer, &QTimer::timeout, this, &HttpWorker::finish);
    m_graceTimer->start(std::max(graceMs, 0));
}

void HttpWorker::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    const QList<HttpConnection *> connections = m_connections.values();
    for (HttpConnection *connection : connections) {
        if (m_connections.contains(connection))
            connection->abort();
    }
    for (const QPointer<QWebSocket> &webSocket : std::as_const(m_webSockets)) {
        if (webSocket)
            webSocket->close(QWebSocketProtocol::CloseCodeGoingAway);
    }
    m_webSockets.clear();
    // The same close for the sockets that read their frames themselves, written under them.
    const QByteArray goingAway = core::websocket::closePayload(
        core::websocket::CloseGoingAway, QStringLiteral("the server is shutting down"));
    for (const QPointer<QTcpSocket> &socket : std::as_const(m_framedWebSockets)) {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            continue;
        socket->write(
            QByteArray(core::websocket::encodeHeader(core::websocket::Opcode::Close,
                                                     quint64(goingAway.size()), std::nullopt) +
                       goingAway));
        socket->flush();
        socket->disconnectFromHost();
    }
    m_framedWebSockets.clear();
    m_pendingUpgrades.clear();
    delete m_webSocketServer; // with it any socket still in its handshake
    m_webSocketServer = nullptr;
    delete m_sweepTimer;
    m_sweepTimer = nullptr;
    delete m_graceTimer;
    m_graceTimer = nullptr;
    if (m_config.onThreadExit) {
        try {
            m_config.onThreadExit();
        } catch (const std::exception &e) {
            qCWarning(lcHttp) << "onThreadExit threw:" << e.what();
        } catch (...) {
            qCWarning(lcHttp) << "onThreadExit threw";
        }
    }
    thread()->quit();
}

} // namespace coder::server
