#include "http_server.h"

#include "http_listener.h"
#include "http_worker.h"

#include <QSslSocket>
#include <QThread>
#include <unistd.h>

namespace coder::server {

class HttpServer::Private
{
public:
    std::shared_ptr<const Router> router;
    HttpServerConfig config;
    std::unique_ptr<HttpListener> listener;
    std::vector<QThread *> threads;
    std::vector<HttpWorker *> workers;
    size_t next = 0;
    bool running = false;
    int threadsLeft = 0; // threads not finished yet

    // Each worker deletes itself on its thread as the thread finishes (with the connections it
    // still holds, whose events belong to that thread); the thread objects go here, once their
    // threads have returned (wait() is then a matter of the thread's last cleanup).
    void release()
    {
        for (QThread *thread : threads) {
            thread->wait();
            delete thread;
        }
        threads.clear();
        workers.clear();
    }
};

HttpServer::HttpServer(std::shared_ptr<const Router> router, HttpServerConfig config,
                       QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->router = std::move(router);
    d->config = std::move(config);
}

HttpServer::~HttpServer()
{
    // Only a server destroyed without waiting for stopped() waits here.
    shutdown(1000);
    d->release();
}

bool HttpServer::isRunning() const
{
    return d->running;
}

QString HttpServer::listen()
{
    if (d->running)
        return QStringLiteral("The HTTP server is already listening.");
    if (!d->router)
        return QStringLiteral("The HTTP server has no router.");
    if (d->config.tls && !QSslSocket::supportsSsl())
        return QStringLiteral("TLS was configured but this Qt has no TLS backend.");
    if (d->config.maxHeaderBytes <= 0 || d->config.maxBodyBytes < 0 ||
        d->config.headerTimeoutMs <= 0 || d->config.idleTimeoutMs <= 0)
        return QStringLiteral("The HTTP server's limits and timeouts must be positive.");

    d->listener = std::make_unique<HttpListener>([this](qintptr descriptor) {
        if (d->workers.empty()) {
            ::close(int(descriptor));
            return;
        }
        HttpWorker *worker = d->workers[d->next++ % d->workers.size()];
        QMetaObject::invokeMethod(
            worker, [worker, descriptor] { worker->addConnection(descriptor); },
            Qt::QueuedConnection);
    });
    if (!d->listener->listen(d->config.address, d->config.port)) {
        const QString error = QStringLiteral("Cannot listen on %1:%2: %3")
                                  .arg(d->config.address.toString())
                                  .arg(d->config.port)
                                  .arg(d->listener->errorString());
        d->listener.reset();
        return error;
    }

    const int count =
        d->config.threads > 0 ? d->config.threads : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("http-%1").arg(i));
        auto *worker = new HttpWorker(d->router, d->config);
        worker->moveToThread(thread);
        connect(thread, &QThread::started, worker, &HttpWorker::start);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        connect(thread, &QThread::finished, this, [this] {
            if (--d->threadsLeft > 0)
                return;
            d->release();
            Q_EMIT stopped();
        });
        d->threads.push_back(thread);
        d->workers.push_back(worker);
        thread->start();
    }
    d->threadsLeft = count;
    d->running = true;
    return {};
}

quint16 HttpServer::port() const
{
    return d->listener ? d->listener->serverPort() : 0;
}

QHostAddress HttpServer::address() const
{
    return d->listener ? d->listener->serverAddress() : QHostAddress();
}

void HttpServer::shutdown(int graceMs)
{
    if (!d->running)
        return;
    d->running = false;
    d->listener->close();
    for (HttpWorker *worker : d->workers) {
        QMetaObject::invokeMethod(
            worker, [worker, graceMs] { worker->beginShutdown(graceMs); }, Qt::QueuedConnection);
    }
}

} // namespace coder::server
