// libFuzzer target: the HTTP front's request parsing (HttpConnection over http-parser: request
// line, headers, bodies, chunked encoding, pipelining, limits, WebSocket upgrades). Each input is
// sent as the bytes of one client connection to a real HttpServer on 127.0.0.1; the client then
// half-closes and reads until the server closes. A crash or sanitizer report in the server's
// threads ends the run; a connection the server never closes shows as a libFuzzer timeout.
#include "server/http/http_server.h"
#include "server/http/router.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QWebSocket>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace coder::server;

namespace {

std::atomic<quint16> g_port{0};

std::shared_ptr<Router> fuzzRouter()
{
    auto router = std::make_shared<Router>();
    router->add("GET", QStringLiteral("/echo"), [](HttpRequest &request) {
        return HttpResponse::text(200, request.query.toString().toUtf8());
    });
    router->add("POST", QStringLiteral("/echo"),
                [](HttpRequest &request) { return HttpResponse::text(200, request.body); });
    router->add("PUT", QStringLiteral("/small"),
                [](HttpRequest &request) { return HttpResponse::text(200, request.body); }, {16});
    router->add("GET", QStringLiteral("/params/{name}/x"), [](HttpRequest &request) {
        return HttpResponse::text(200, request.pathParam(QStringLiteral("name")).toUtf8());
    });
    router->addWebSocket(QStringLiteral("/ws/{room}"), [](HttpRequest &request) {
        WebSocketDecision decision;
        if (request.header("x-accept") != "yes")
            decision.refusal = HttpResponse::text(401, "no");
        else
            decision.accept = [](QWebSocket *socket) { socket->close(); };
        return decision;
    });
    return router;
}

// The server lives on a thread of its own with an event loop (its listener accepts there).
class ServerThread : public QThread
{
protected:
    void run() override
    {
        HttpServerConfig config;
        config.threads = 1;
        config.headerTimeoutMs = 1000;
        config.idleTimeoutMs = 1000;
        config.maxHeaderBytes = 4096;
        config.maxBodyBytes = 8192;
        HttpServer server(fuzzRouter(), config);
        const QString error = server.listen();
        if (!error.isEmpty())
            qFatal("cannot listen: %s", qPrintable(error));
        g_port = server.port();
        exec();
    }
};

void sendConnection(const uint8_t *data, size_t size)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(g_port.load());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return;
    }
    size_t sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; // the server closed early (431, 413, 400): what it must be able to do
        sent += size_t(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buffer[16384];
    // Far longer than the server's own timeouts (1 s), so that a loaded machine is not a
    // finding; a connection it never closes is one.
    const QDeadlineTimer deadline(30'000);
    for (;;) {
        pollfd waiting{fd, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, int(deadline.remainingTime()));
        if (ready < 0 && errno == EINTR)
            continue; // libFuzzer's timer (SIGALRM) interrupts the wait
        if (ready <= 0)
            abort();
        if (::recv(fd, buffer, sizeof buffer, 0) <= 0)
            break;
    }
    ::close(fd);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    auto *thread = new ServerThread;
    thread->start();
    while (g_port.load() == 0)
        QThread::msleep(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sendConnection(data, size);
    return 0;
}
