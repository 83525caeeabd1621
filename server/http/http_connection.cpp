#include "http_connection.h"

#include "core/websocket_handshake.h"
#include "core/work_pool.h"
#include "http_worker.h"

#include <QDeadlineTimer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QUrl>
#include <algorithm>
#include <exception>
#include <sys/socket.h>

namespace coder::server {

Q_LOGGING_CATEGORY(lcHttp, "coder.http")

namespace {

constexpr qint64 kReadChunk = 64 * 1024;
// Past this much unsent response data, stop reading requests until the client catches up.
constexpr qint64 kMaxPendingWrite = 1024 * 1024;
// A client that keeps sending while it does not read its answers is dropped past this.
constexpr qint64 kMaxBufferedWhileBackedUp = 8 * 1024 * 1024;
// How long a closing connection keeps draining its client's input after the last byte was
// sent, so the kernel does not answer unread input with a reset that would destroy the
// response (a 413 sent before the body was read, for example).
constexpr int kLingerMs = 2000;

qint64 nowMs()
{
    return QDeadlineTimer::current().deadline();
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = char('0' + value % 10);
        value /= 10;
    } while (value > 0 && n < 24);
    while (n > 0)
        out.append(digits[--n]);
}

// Header names and values from handlers end up on the wire; a CR or LF in them would let a
// value that came from user input inject headers.
void appendHeaderText(QByteArray &out, const QByteArray &text)
{
    if (!text.contains('\r') && !text.contains('\n')) {
        out.append(text);
        return;
    }
    for (const char c : text)
        out.append(c == '\r' || c == '\n' ? ' ' : c);
}

HttpResponse internalError()
{
    return HttpResponse::error(core::ApiError::internal(QStringLiteral("Internal server error.")));
}

// Runs a handler; an exception it lets out becomes a 500 (and a log line), never a crash.
HttpResponse invokeHandler(const HttpHandler &handler, HttpRequest &request)
{
    try {
        return handler(request);
    } catch (const std::exception &e) {
        qCWarning(lcHttp) << "handler for" << request.method << request.path
                          << "threw:" << e.what();
    } catch (...) {
        qCWarning(lcHttp) << "handler for" << request.method << request.path << "threw";
    }
    return internalError();
}

WebSocketDecision invokeDecision(const WebSocketHandler &handler, HttpRequest &request)
{
    try {
        WebSocketDecision decision = handler(request);
        if (!decision.refusal && !decision.accept && !decision.acceptFramed)
            decision.refusal = HttpResponse::error(
                core::ApiError::internal(QStringLiteral("WebSocket route gave no handler.")));
        return decision;
    } catch (const std::exception &e) {
        qCWarning(lcHttp) << "WebSocket handler for" << request.path << "threw:" << e.what();
    } catch (...) {
        qCWarning(lcHttp) << "WebSocket handler for" << request.path << "threw";
    }
    return WebSocketDecision::refuse(internalError());
}

} // namespace

const http_parser_settings HttpConnection::s_settings = {
    &HttpConnection::onMessageBegin,
    &HttpConnection::onUrl,
    nullptr,
    &HttpConnection::onHeaderField,
    &HttpConnection::onHeaderValue,
    &HttpConnection::onHeadersComplete,
    &HttpConnection::onBody,
    &HttpConnection::onMessageComplete,
    nullptr,
    nullptr,
};

HttpConnection::HttpConnection(QTcpSocket *socket, const Router &router,
                               const HttpServerConfig &config, HttpWorker *worker)
    : m_socket(socket), m_outbox(socket), m_router(router), m_config(config), m_worker(worker),
      m_tls(qobject_cast<QSslSocket *>(socket) != nullptr)
{
    socket->setParent(this);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::start()
{
    QTcpSocket *socket = m_socket;
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_request.peerAddress = socket->peerAddress();
    m_request.peerPort = socket->peerPort();
    m_request.tls = m_tls;
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    setDeadline(Deadline::Idle, m_config.idleTimeoutMs);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        // What it encrypted leaves through its own buffer: the outbox is fed as that drains.
        connect(ssl, &QSslSocket::encryptedBytesWritten, this, &HttpConnection::onBytesWritten);
        ssl->setSslConfiguration(*m_config.tls);
        ssl->startServerEncryption();
    } else if (socket->bytesAvailable() > 0) {
        processInput();
    }
    if (socket->state() != QAbstractSocket::ConnectedState)
        finish();
}

void HttpConnection::setDeadline(Deadline kind, int timeoutMs)
{
    m_deadlineKind = kind;
    m_deadline = kind == Deadline::None ? 0 : nowMs() + std::max(timeoutMs, 1);
}

bool HttpConnection::writeBackedUp() const
{
    return m_socket && m_outbox.unsentBytes() > kMaxPendingWrite;
}

void HttpConnection::onReadyRead()
{
    if (!m_socket)
        return;
    if (m_phase == Phase::Closing || m_phase == Phase::Done) {
        // Draining: the input of a connection being closed is read and dropped.
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    if (writeBackedUp() || m_phase == Phase::Handling) {
        if (m_socket->bytesAvailable() > kMaxBufferedWhileBackedUp) {
            qCInfo(lcHttp) << "dropping a client that sends without reading its responses";
            abort();
        }
        return;
    }
    processInput();
}

void HttpConnection::onBytesWritten()
{
    if (!m_socket)
        return;
    m_outbox.feed();
    if (m_phase == Phase::Closing) {
        if (m_halfClosed)
            return;
        setDeadline(Deadline::Close, m_config.idleTimeoutMs);
        closeWhenSent();
        return;
    }
    if (m_phase == Phase::Body)
        setDeadline(Deadline::Body, m_config.idleTimeoutMs);
    if (!writeBackedUp() && m_socket->bytesAvailable() > m_fed)
        processInput();
}

void HttpConnection::onDisconnected()
{
    if (m_busy) {
        m_disconnected = true;
        return;
    }
    finish();
}

void HttpConnection::processInput()
{
    if (m_busy || !m_socket)
        return;
    m_busy = true;
    QPointer<HttpConnection> self(this);
    while (m_socket &&
           (m_phase == Phase::Idle || m_phase == Phase::Head || m_phase == Phase::Body)) {
        if (writeBackedUp())
            break;
        const qint64 available = m_socket->bytesAvailable();
        if (available <= m_fed)
            break;
        const qint64 want = std::min(available, m_fed + kReadChunk);
        if (m_scratch.size() < want)
            m_scratch.resize(want);
        const qint64 got = m_socket->peek(m_scratch.data(), want);
        if (got <= m_fed)
            break;

        m_event = Event::None;
        const size_t parsed = http_parser_execute(
            &m_parser, &s_settings, m_scratch.constData() + m_fed, size_t(got - m_fed));
        m_fed += qint64(parsed);
        const auto error = http_errno(m_parser.http_errno);
        if (error == HPE_PAUSED) {
            http_parser_pause(&m_parser, 0);
            if (m_event == Event::HeadersComplete) {
                if (!handleHeadersComplete())
                    break; // answered and closing, or handed over as a WebSocket
            } else if (m_event == Event::MessageComplete) {
                handleMessageComplete();
                if (!self)
                    return;
            }
        } else if (error != HPE_OK) {
            if (m_pendingStatus == 413)
                failAndClose(413, QStringLiteral("Request body too large."));
            else
                failAndClose(400, QStringLiteral("Malformed HTTP request."));
            break;
        }

        if (m_phase == Phase::Head) {
            if (m_fed > m_config.maxHeaderBytes) {
                failAndClose(431, QStringLiteral("Request header fields too large."));
                break;
            }
        } else if (m_phase != Phase::Done && m_socket && m_fed > 0) {
            // Bytes of finished heads, bodies and completed requests are not needed again.
            m_socket->skip(m_fed);
            m_fed = 0;
            if (m_phase == Phase::Body)
                setDeadline(Deadline::Body, m_config.idleTimeoutMs);
        }
    }
    if (m_socket && m_outbox.unsentBytes() > 0 && m_phase != Phase::Done)
        m_outbox.flush();
    m_busy = false;
    if (m_disconnected || (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState))
        finish();
}

int HttpConnection::onMessageBegin(http_parser *parser)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    self->m_phase = Phase::Head;
    self->m_lastWasValue = false;
    self->setDeadline(Deadline::Header, self->m_config.headerTimeoutMs);
    return 0;
}

int HttpConnection::onUrl(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    self->m_request.target.append(at, qsizetype(length));
    return 0;
}

int HttpConnection::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    auto &headers = self->m_request.headers;
    if (headers.isEmpty() || self->m_lastWasValue)
        headers.append({QByteArray(at, qsizetype(length)), QByteArray()});
    else
        headers.last().first.append(at, qsizetype(length));
    self->m_lastWasValue = false;
    return 0;
}

int HttpConnection::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    auto &headers = self->m_request.headers;
    if (headers.isEmpty())
        return 1;
    headers.last().second.append(at, qsizetype(length));
    self->m_lastWasValue = true;
    return 0;
}

int HttpConnection::onHeadersComplete(http_parser *parser)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    // Upgrades other than our WebSocket hand-over are not spoken: keep parsing HTTP.
    parser->upgrade = 0;
    self->m_event = Event::HeadersComplete;
    http_parser_pause(parser, 1);
    return 0;
}

int HttpConnection::onBody(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    QByteArray &body = self->m_request.body;
    if (body.size() + qint64(length) > self->m_bodyLimit) {
        self->m_pendingStatus = 413;
        return 1;
    }
    body.append(at, qsizetype(length));
    return 0;
}

int HttpConnection::onMessageComplete(http_parser *parser)
{
    auto *self = static_cast<HttpConnection *>(parser->data);
    self->m_event = Event::MessageComplete;
    http_parser_pause(parser, 1);
    return 0;
}

bool HttpConnection::handleHeadersComplete()
{
    m_phase = Phase::Body;
    if (m_fed > m_config.maxHeaderBytes) {
        failAndClose(431, QStringLiteral("Request header fields too large."));
        return false;
    }
    if (m_parser.http_major != 1) {
        failAndClose(505, QStringLiteral("Only HTTP/1.x is supported."));
        return false;
    }
    for (auto &header : m_request.headers)
        header.first = std::move(header.first).toLower();

    const char *method = http_method_str(http_method(m_parser.method));
    m_request.method = QByteArray::fromRawData(method, qsizetype(qstrlen(method)));
    m_request.httpMinor = m_parser.http_minor;
    m_keepAlive = http_should_keep_alive(&m_parser) != 0;

    // Origin form ("/path?query") is what clients send to a server; the absolute form is
    // accepted too because HTTP/1.1 requires it.
    QByteArrayView target(m_request.target);
    if (!target.startsWith('/')) {
        const qsizetype scheme = target.indexOf("://");
        const qsizetype slash = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
        if (scheme < 0) {
            failAndClose(400, QStringLiteral("Malformed request target."));
            return false;
        }
        target = slash < 0 ? QByteArrayView("/") : target.sliced(slash);
    }
    const qsizetype hash = target.indexOf('#');
    if (hash >= 0)
        target.truncate(hash);
    const qsizetype question = target.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? target : target.first(question);
    if (question >= 0 && question + 1 < target.size())
        m_request.query.setQuery(QString::fromUtf8(target.sliced(question + 1)));
    m_rawPath = QString::fromUtf8(rawPath);
    m_request.path =
        rawPath.contains('%') ? QUrl::fromPercentEncoding(rawPath.toByteArray()) : m_rawPath;

    m_upgradeRequest =
        m_request.method == "GET" && equalsIgnoringCase(m_request.header("upgrade"), "websocket");
    m_match = m_router.match(m_request.method, m_rawPath, m_upgradeRequest);
    if (m_upgradeRequest) {
        handleUpgrade();
        return false;
    }

    m_bodyLimit =
        m_match.options.maxBodyBytes >= 0 ? m_match.options.maxBodyBytes : m_config.maxBodyBytes;
    const bool hasLength = (m_parser.flags & F_CONTENTLENGTH) != 0;
    if (hasLength && m_parser.content_length > quint64(m_bodyLimit)) {
        failAndClose(413, QStringLiteral("Request body too large."));
        return false;
    }
    const QByteArray expect = m_request.header("expect");
    if (!expect.isEmpty() && m_request.httpMinor >= 1) {
        if (!equalsIgnoringCase(expect, "100-continue")) {
            failAndClose(417, QStringLiteral("Unsupported expectation."));
            return false;
        }
        if (m_match.kind != Router::Match::Found) {
            // Answer now rather than make the client send a body nobody will read.
            writeResponse(dispatch(), true);
            closeAfterFlush();
            return false;
        }
        if ((m_parser.flags & F_CHUNKED) || (hasLength && m_parser.content_length > 0))
            m_outbox.send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    }
    if (hasLength)
        m_request.body.reserve(qsizetype(m_parser.content_length));
    setDeadline(Deadline::Body, m_config.idleTimeoutMs);
    return true;
}

bool HttpConnection::runsOnPool() const
{
    return m_config.handlerPool && m_match.kind == Router::Match::Found &&
           !m_match.options.onEventLoop;
}

void HttpConnection::handleUpgrade()
{
    if (m_match.kind != Router::Match::Found || !m_match.webSocket) {
        finishUpgrade(WebSocketDecision::refuse(dispatch()));
        return;
    }
    m_request.pathParams = std::move(m_match.params);
    if (!runsOnPool()) {
        finishUpgrade(invokeDecision(*m_match.webSocket, m_request));
        return;
    }
    // The handshake stays unread in the socket while the decision is made on the pool.
    m_phase = Phase::Handling;
    setDeadline(Deadline::None, 0);
    m_config.handlerPool->run(
        m_mailbox.address(),
        [handler = *m_match.webSocket, request = m_request]() mutable {
            return invokeDecision(handler, request);
        },
        [this](WebSocketDecision decision) {
            if (!m_finished)
                finishUpgrade(std::move(decision));
        });
}

void HttpConnection::finishUpgrade(WebSocketDecision decision)
{
    if (!m_socket)
        return;
    if (decision.refusal || m_shuttingDown) {
        refuseUpgrade(decision.refusal
                          ? *decision.refusal
                          : HttpResponse::error(
                                {503, QStringLiteral("The server is shutting down."), {}, {}}));
        return;
    }
    if (decision.acceptFramed) {
        acceptFramed(std::move(decision.acceptFramed));
        return;
    }
    // The upgrade request is still unread in the socket: QWebSocketServer reads it itself.
    m_worker->handOverWebSocket(releaseSocket(), std::move(decision.accept));
    finish();
}

void HttpConnection::acceptFramed(FramedWebSocketAccept accept)
{
    const QByteArray key = m_request.header("Sec-WebSocket-Key").trimmed();
    if (m_request.header("Sec-WebSocket-Version").trimmed() != "13") {
        HttpResponse refusal = HttpResponse::error(
            {426,
             QStringLiteral("Only version 13 of the WebSocket protocol is spoken here."),
             {},
             {}});
        refusal.headers.append(
            {QByteArrayLiteral("Sec-WebSocket-Version"), QByteArrayLiteral("13")});
        refuseUpgrade(refusal);
        return;
    }
    // The request's head is still unread at the front of the socket (the requests before it
    // are skipped): a WebSocket client ends it with an empty CRLF line.
    const QByteArray head = m_socket->peek(m_config.maxHeaderBytes + 4);
    const qsizetype headEnd = head.indexOf("\r\n\r\n");
    if (!core::websocket::isValidKey(key) || headEnd < 0) {
        refuseUpgrade(HttpResponse::error(
            {400,
             QStringLiteral("Not a WebSocket handshake: the Sec-WebSocket-Key must be 16 bytes "
                            "in base64."),
             {},
             {}}));
        return;
    }
    QTcpSocket *socket = releaseSocket();
    socket->skip(headEnd + 4);
    socket->write(core::websocket::serverAcceptance(key));
    m_worker->adoptFramedWebSocket(socket, std::move(accept));
    finish();
}

void HttpConnection::refuseUpgrade(const HttpResponse &refusal)
{
    writeResponse(refusal, true);
    closeAfterFlush();
}

QTcpSocket *HttpConnection::releaseSocket()
{
    // Answers to requests pipelined before the upgrade go first, from the socket's own buffer.
    m_outbox.handOver();
    QTcpSocket *socket = m_socket;
    socket->disconnect(this);
    m_socket = nullptr;
    m_phase = Phase::Done;
    return socket;
}

void HttpConnection::handleMessageComplete()
{
    if (!runsOnPool()) {
        m_phase = Phase::Idle;
        respond(dispatch());
        return;
    }
    m_request.pathParams = std::move(m_match.params);
    m_phase = Phase::Handling;
    setDeadline(Deadline::None, 0);
    m_config.handlerPool->run(
        m_mailbox.address(),
        [handler = *m_match.handler, request = m_request]() mutable {
            return invokeHandler(handler, request);
        },
        [this](HttpResponse response) {
            if (m_finished)
                return; // the client went away meanwhile
            m_phase = Phase::Idle;
            respond(response);
            // Requests the client pipelined behind this one are parsed now.
            if (m_socket && m_phase == Phase::Idle && m_socket->bytesAvailable() > 0)
                processInput();
            if (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
                finish();
        });
}

void HttpConnection::respond(const HttpResponse &response)
{
    if (!m_socket)
        return;
    const bool close = !m_keepAlive || m_shuttingDown;
    writeResponse(response, close);
    resetRequest();
    if (close)
        closeAfterFlush();
    else
        setDeadline(Deadline::Idle, m_config.idleTimeoutMs);
}

HttpResponse HttpConnection::dispatch()
{
    switch (m_match.kind) {
    case Router::Match::Found:
        if (m_match.handler) {
            m_request.pathParams = std::move(m_match.params);
            return invokeHandler(*m_match.handler, m_request);
        }
        break;
    case Router::Match::MethodNotAllowed: {
        HttpResponse response =
            HttpResponse::error({405, QStringLiteral("Method not allowed."), {}, {}});
        response.setHeader(QByteArrayLiteral("Allow"), m_match.allowedMethods.join(", "));
        return response;
    }
    case Router::Match::NotFound:
        break;
    }
    if (!m_upgradeRequest &&
        m_router.match(QByteArrayLiteral("GET"), m_rawPath, true).kind == Router::Match::Found) {
        return HttpResponse::error(
            {426, QStringLiteral("This route only serves WebSocket connections."), {}, {}});
    }
    return HttpResponse::error(
        core::ApiError::notFound(QStringLiteral("Route not found."),
                                 QStringLiteral("No route matches %1 %2.")
                                     .arg(QString::fromLatin1(m_request.method), m_request.path)));
}

void HttpConnection::writeResponse(const HttpResponse &response, bool close)
{
    if (!m_socket)
        return;
    int status = response.status;
    if (status < 100 || status > 999)
        status = 500;
    const QByteArray reason = HttpResponse::reasonPhrase(status);
    const bool bodyAllowed = status >= 200 && status != 204 && status != 304;
    const bool sendBody = bodyAllowed && m_request.method != "HEAD";

    // A large body is queued as it is (shared, not copied) and goes to the socket a slice at a
    // time (SocketOutbox), so neither a copy nor a write of megabytes (a full workspace list)
    // holds up the other connections of this event loop. A small one joins the head, for one
    // write.
    constexpr qsizetype kJoinedBodyBytes = 64 * 1024;
    const bool joinBody = sendBody && response.body.size() <= kJoinedBodyBytes;

    QByteArray out;
    out.reserve(64 + reason.size() + response.headers.size() * 48 +
                (joinBody ? response.body.size() : 0));
    out.append("HTTP/1.1 ");
    appendNumber(out, status);
    out.append(' ');
    out.append(reason);
    out.append("\r\n");
    for (const auto &header : response.headers) {
        if (equalsIgnoringCase(header.first, "content-length") ||
            equalsIgnoringCase(header.first, "connection") ||
            equalsIgnoringCase(header.first, "transfer-encoding"))
            continue;
        appendHeaderText(out, header.first);
        out.append(": ");
        appendHeaderText(out, header.second);
        out.append("\r\n");
    }
    if (bodyAllowed) {
        out.append("Content-Length: ");
        appendNumber(out, response.body.size());
        out.append("\r\n");
    }
    if (close)
        out.append("Connection: close\r\n");
    else if (m_request.httpMinor == 0)
        out.append("Connection: keep-alive\r\n");
    out.append("\r\n");
    if (joinBody)
        out.append(response.body);
    m_outbox.send(std::move(out));
    if (sendBody && !joinBody)
        m_outbox.send(response.body);
}

void HttpConnection::failAndClose(int status, const QString &message)
{
    HttpResponse response = HttpResponse::error({status, message, {}, {}});
    writeResponse(response, true);
    closeAfterFlush();
}

void HttpConnection::closeAfterFlush()
{
    if (!m_socket || m_phase == Phase::Closing || m_phase == Phase::Done)
        return;
    m_phase = Phase::Closing;
    setDeadline(Deadline::Close, m_config.idleTimeoutMs);
    m_outbox.flush();
    closeWhenSent();
}

// The end of a close, once the outbox has handed the socket every byte of the responses.
void HttpConnection::closeWhenSent()
{
    if (!m_socket || m_outbox.queuedBytes() > 0)
        return;
    if (m_tls || m_shuttingDown) {
        // QSslSocket sends its close_notify after the pending data itself; during a shutdown
        // nobody waits for the client's side of the close.
        if (!m_disconnectRequested) {
            m_disconnectRequested = true;
            m_socket->disconnectFromHost();
        }
        return;
    }
    if (m_outbox.unsentBytes() == 0)
        halfClose();
}

void HttpConnection::halfClose()
{
    if (!m_socket || m_halfClosed)
        return;
    m_halfClosed = true;
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    setDeadline(Deadline::Close, std::min(kLingerMs, m_config.idleTimeoutMs));
    m_socket->skip(m_socket->bytesAvailable());
}

void HttpConnection::beginShutdown()
{
    m_shuttingDown = true;
    if (m_phase == Phase::Idle) {
        closeAfterFlush();
    } else if (m_phase == Phase::Closing && m_socket && !m_tls) {
        // No lingering for the client's close during a shutdown (once the responses are out).
        closeWhenSent();
    }
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
    if (!m_busy)
        finish();
    else
        m_disconnected = true;
}

void HttpConnection::checkTimeout(qint64 now)
{
    if (m_deadlineKind == Deadline::None || now < m_deadline || m_finished)
        return;
    const Deadline kind = m_deadlineKind;
    setDeadline(Deadline::None, 0);
    switch (kind) {
    case Deadline::Header:
    case Deadline::Body:
        if (m_phase == Phase::Head || m_phase == Phase::Body) {
            failAndClose(408, QStringLiteral("Request timed out."));
            return;
        }
        break;
    case Deadline::Idle:
        if (m_phase == Phase::Idle && m_socket) {
            // An idle client has nothing unread: a plain close cannot reset anything.
            m_phase = Phase::Closing;
            setDeadline(Deadline::Close, kLingerMs);
            m_socket->disconnectFromHost();
            return;
        }
        break;
    case Deadline::Close:
    case Deadline::None:
        break;
    }
    abort();
}

void HttpConnection::resetRequest()
{
    m_request.method.clear();
    m_request.target.clear();
    m_request.path.clear();
    m_request.query.clear();
    m_request.headers.clear();
    m_request.body.clear();
    m_request.pathParams.clear();
    m_match = {};
    m_rawPath.clear();
    m_upgradeRequest = false;
    m_pendingStatus = 0;
}

void HttpConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_phase = Phase::Done;
    setDeadline(Deadline::None, 0);
    m_worker->connectionFinished(this);
}

} // namespace coder::server
