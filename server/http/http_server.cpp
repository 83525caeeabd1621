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
    shutdown(1000);
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
        d->threads.push_back(thread);
        d->workers.push_back(worker);
        thread->start();
    }
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
    for (size_t i = 0; i < d->threads.size(); ++i) {
        d->threads[i]->wait();
        // The thread has ended, so nothing else can touch its worker any more.
        delete d->workers[i];
        delete d->threads[i];
    }
    d->threads.clear();
    d->workers.clear();
    Q_EMIT stopped();
}

} // namespace coder::server
