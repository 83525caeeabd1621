#pragma once

// Shared by the HTTP front's tests: a small router with the behaviours the tests need, a
// server around it, and a raw HTTP client over QTcpSocket so exact bytes can be checked.
// The server accepts on the thread that created it (the test's), so the client waits by
// spinning that thread's event loop, never by blocking in waitFor*.

#include "core/work_pool.h"
#include "server/http/http_server.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QWebSocket>
#include <atomic>
#include <memory>
#include <stdexcept>

namespace coder::server::test {

struct RouterState
{
    std::atomic<bool> slowStarted{false};
    std::atomic<int> slowFinished{0};
    std::atomic<int> threadExits{0};
};

// n bytes in which every 1 KiB block differs from its neighbours: a byte lost, doubled or moved
// in a large answer shows in a comparison.
inline QByteArray patternBytes(qsizetype n)
{
    QByteArray bytes(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        bytes[i] = char('a' + (i / 1024 + i) % 26);
    return bytes;
}

inline std::shared_ptr<Router> makeTestRouter(std::shared_ptr<RouterState> state)
{
    auto router = std::make_shared<Router>();
    router->add("GET", QStringLiteral("/echo"), [](HttpRequest &request) {
        return HttpResponse::text(
            200, "get:" + request.query.queryItemValue(QStringLiteral("q")).toUtf8());
    });
    router->add("POST", QStringLiteral("/echo"),
                [](HttpRequest &request) { return HttpResponse::text(200, request.body); });
    router->add("POST", QStringLiteral("/small"),
                [](HttpRequest &request) { return HttpResponse::text(200, request.body); }, {16});
    router->add("GET", QStringLiteral("/big"), [](HttpRequest &request) {
        return HttpResponse::text(
            200, patternBytes(request.query.queryItemValue(QStringLiteral("n")).toLongLong()));
    });
    router->add("GET", QStringLiteral("/params/{name}"), [](HttpRequest &request) {
        return HttpResponse::text(200, request.pathParam(QStringLiteral("name")).toUtf8() + "|" +
                                           request.path.toUtf8());
    });
    router->add("GET", QStringLiteral("/throw"),
                [](HttpRequest &) -> HttpResponse { throw std::runtime_error("boom"); });
    router->add("GET", QStringLiteral("/slow"), [state](HttpRequest &) {
        state->slowStarted = true;
        QThread::msleep(200);
        ++state->slowFinished;
        return HttpResponse::text(200, QByteArray(16 * 1024, 's'));
    });
    router->addWebSocket(QStringLiteral("/ws/{room}"), [](HttpRequest &request) {
        WebSocketDecision decision;
        if (request.header("coder-session-token") != "good") {
            decision.refusal = HttpResponse::error(
                core::ApiError{401, QStringLiteral("You must be logged in."), {}, {}});
            return decision;
        }
        const QString room = request.pathParam(QStringLiteral("room"));
        decision.accept = [room](QWebSocket *socket) {
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                             [socket, room](const QString &message) {
                                 socket->sendTextMessage(room + u':' + message);
                             });
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        };
        return decision;
    });
    return router;
}

// pool set: handlers run there, as in coderd; unset: on the event-loop threads.
inline HttpServerConfig testConfig(const std::shared_ptr<RouterState> &state,
                                   core::WorkPool *pool = nullptr)
{
    HttpServerConfig config;
    config.handlerPool = pool;
    config.threads = 2;
    config.headerTimeoutMs = 5000;
    config.idleTimeoutMs = 10000;
    config.onThreadExit = [state] { ++state->threadExits; };
    return config;
}

struct RawResponse
{
    bool complete = false;
    int status = 0;
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Reads HTTP/1.1 responses (Content-Length framed, as the server writes them) off a socket.
class RawClient
{
public:
    explicit RawClient(QTcpSocket *socket) : m_socket(socket) {}

    bool connectTo(quint16 port)
    {
        m_socket->connectToHost(QHostAddress::LocalHost, port);
        return spinUntil([this] { return m_socket->state() == QAbstractSocket::ConnectedState; },
                         QDeadlineTimer(10000));
    }
    void send(const QByteArray &bytes)
    {
        m_socket->write(bytes);
        m_socket->flush();
    }

    template <typename Predicate>
    static bool spinUntil(Predicate done, const QDeadlineTimer &deadline)
    {
        while (!done()) {
            if (deadline.hasExpired())
                return false;
            QTest::qWait(5);
        }
        return true;
    }

    RawResponse read(int timeoutMs = 10000)
    {
        RawResponse response;
        QDeadlineTimer deadline(timeoutMs);
        qsizetype headEnd = -1;
        while ((headEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
            if (!fill(deadline))
                return response;
        }
        const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
        response.statusLine = lines.first().trimmed();
        response.status = response.statusLine.mid(9, 3).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                response.headers.append(
                    {lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
        }
        const qsizetype length = response.header("content-length").toLongLong();
        while (m_buffer.size() < headEnd + 4 + length) {
            if (!fill(deadline))
                return response;
        }
        response.body = m_buffer.mid(headEnd + 4, length);
        m_buffer.remove(0, headEnd + 4 + length);
        response.complete = true;
        return response;
    }

    // True when the server closed the connection within the timeout; what it sent before is
    // left in buffer().
    bool waitClosed(int timeoutMs = 10000)
    {
        const bool closed = spinUntil(
            [this] {
                m_buffer += m_socket->readAll();
                return m_socket->state() == QAbstractSocket::UnconnectedState;
            },
            QDeadlineTimer(timeoutMs));
        m_buffer += m_socket->readAll();
        return closed;
    }

    QByteArray &buffer() { return m_buffer; }

private:
    bool fill(const QDeadlineTimer &deadline)
    {
        const bool gotData = spinUntil(
            [this] {
                return m_socket->bytesAvailable() > 0 ||
                       m_socket->state() != QAbstractSocket::ConnectedState;
            },
            deadline);
        if (!gotData || m_socket->bytesAvailable() == 0)
            return false;
        m_buffer += m_socket->readAll();
        return true;
    }

    QTcpSocket *m_socket;
    QByteArray m_buffer;
};

} // namespace coder::server::test
