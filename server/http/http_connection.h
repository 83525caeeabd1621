#pragma once

#include "core/mailbox.h"
#include "http_server.h"
#include "socket_outbox.h"

#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <http_parser.h>

class QTcpSocket;

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

class HttpWorker;

// One client connection on a worker thread: parses HTTP/1.1 requests with http-parser, has the
// router's handlers run (on the server's handler pool when it has one, the connection waiting
// in its event loop meanwhile) and writes the responses in request order. While a request head
// is incomplete its bytes are only peeked, so an accepted WebSocket upgrade can hand the socket
// to QWebSocketServer with the handshake still unread.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of socket (already connected; TLS not started yet).
    HttpConnection(QTcpSocket *socket, const Router &router, const HttpServerConfig &config,
                   HttpWorker *worker);
    ~HttpConnection() override;

    void start();
    // Finishes the request in progress (if any), then closes.
    void beginShutdown();
    void abort();
    // Closes the connection when its current deadline (header, body, idle, close) has passed.
    void checkTimeout(qint64 nowMs);

private:
    // Handling: a handler runs on the pool; input is left unread until it answers.
    enum class Phase { Idle, Head, Body, Handling, Closing, Done };
    enum class Event { None, HeadersComplete, MessageComplete };
    enum class Deadline { None, Header, Body, Idle, Close };

    static int onMessageBegin(http_parser *parser);
    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);
    static const http_parser_settings s_settings;

    void onReadyRead();
    void onBytesWritten();
    void onDisconnected();
    void processInput();
    bool handleHeadersComplete();
    void handleUpgrade();
    void finishUpgrade(WebSocketDecision decision);
    // Answers the handshake of a route that reads the frames itself and hands the socket over.
    void acceptFramed(FramedWebSocketAccept accept);
    void refuseUpgrade(const HttpResponse &refusal);
    // Stops handling the socket (an upgrade took it) and returns it.
    QTcpSocket *releaseSocket();
    void handleMessageComplete();
    void respond(const HttpResponse &response);
    // Whether the matched route's handler runs on the handler pool.
    bool runsOnPool() const;
    HttpResponse dispatch();
    void writeResponse(const HttpResponse &response, bool close);
    void failAndClose(int status, const QString &message);
    void closeAfterFlush();
    void closeWhenSent();
    void halfClose();
    void finish();
    void setDeadline(Deadline kind, int timeoutMs);
    void resetRequest();
    bool writeBackedUp() const;

    QPointer<QTcpSocket> m_socket;
    SocketOutbox m_outbox; // every byte written to m_socket goes through it
    const Router &m_router;
    const HttpServerConfig &m_config;
    HttpWorker *m_worker;
    bool m_tls = false;

    http_parser m_parser;
    Phase m_phase = Phase::Idle;
    Event m_event = Event::None;
    qint64 m_fed = 0; // bytes at the front of the socket buffer already given to the parser
    QByteArray m_scratch;
    bool m_lastWasValue = false;
    bool m_keepAlive = true;
    qint64 m_bodyLimit = 0;
    int m_pendingStatus = 0; // set by a parser callback that stopped the parser

    HttpRequest m_request;
    QString m_rawPath; // still percent-encoded, as the router wants it
    bool m_upgradeRequest = false;
    Router::Match m_match;

    Deadline m_deadlineKind = Deadline::None;
    qint64 m_deadline = 0;

    bool m_busy = false;         // inside processInput (a handler may run a nested event loop)
    bool m_disconnected = false; // the socket went away while busy
    bool m_halfClosed = false;
    bool m_disconnectRequested = false;
    bool m_shuttingDown = false;
    bool m_finished = false;
    core::Mailbox m_mailbox{this}; // last: closed first, before the members above go
};

} // namespace coder::server
