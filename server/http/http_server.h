#pragma once

#include "router.h"

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <functional>
#include <memory>
#include <optional>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

struct HttpServerConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0;                     // 0: any free port, see HttpServer::port()
    int threads = 0;                      // event-loop threads; 0: one per core
    qint64 maxHeaderBytes = 16 * 1024;    // request line + headers; past it 431
    qint64 maxBodyBytes = 1024 * 1024;    // default body limit; past it 413
    int headerTimeoutMs = 10'000;         // a request's head must arrive within this
    int idleTimeoutMs = 60'000;           // keep-alive connections idle longer are closed
    std::optional<QSslConfiguration> tls; // set: HTTPS only
    // Set: every handler and WebSocket decision whose route is not marked onEventLoop runs on
    // this pool and its answer is written back on the connection's thread, so that a slow
    // handler delays only its own request (ARCHITECTURE.md §3). Unset: handlers run on the
    // event-loop threads. The pool must outlive the server.
    core::WorkPool *handlerPool = nullptr;
    // Runs in each event-loop thread right before it exits.
    std::function<void()> onThreadExit;
};

// The HTTP/1.1 front of coderd and the workspace proxy (ARCHITECTURE.md §3): accepts on the
// calling thread, serves each connection on one of a pool of event-loop threads. Those threads
// are marked as event-loop threads (core/thread_role.h): nothing may wait on them.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    HttpServer(std::shared_ptr<const Router> router, HttpServerConfig config,
               QObject *parent = nullptr);
    ~HttpServer() override;

    // Binds and starts the threads. Returns an error message on failure, empty on success.
    QString listen();
    quint16 port() const;
    QHostAddress address() const;

    // Stops accepting, lets in-flight requests finish (up to graceMs) and closes every
    // connection; once every thread has ended, emits stopped() on this object's thread.
    // Returns at once; a second call does nothing.
    void shutdown(int graceMs = 5000);
    bool isRunning() const;

Q_SIGNALS:
    void stopped();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace coder::server
