#pragma once

#include "core/mailbox.h"
#include "server/database/provisioning_models.h"
#include "server/database/pubsub.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>
#include <memory>

class QWebSocket;

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class ProvisionerJobServer;

// One external provisioner daemon connected over /api/v2/provisionerdaemons/serve. The daemon
// sends requests {"id", "type", ...} and gets one reply each, {"id", "ok": true, "result"} or
// {"id", "ok": false, "error"}; types: acquire {timeout_ms}, heartbeat, logs, checkpoint,
// complete_import, complete_build, fail (all with "job_id"). An acquire with no job ready waits
// (for a posted job, re-checking every second) until its timeout and then answers "job": null.
// Lives as long as its socket, on the socket's event-loop thread; the job server is called on
// the handler pool, one request at a time and in the order they came.
class ProvisionerDaemonSession : public QObject
{
    Q_OBJECT
public:
    static void start(ProvisionerJobServer &jobs, core::WorkPool &pool, QWebSocket *socket,
                      const ProvisionerDaemon &daemon);

private:
    ProvisionerDaemonSession(ProvisionerJobServer &jobs, core::WorkPool &pool, QWebSocket *socket,
                             const ProvisionerDaemon &daemon);
    void onMessage(const QString &text);
    // Starts the next piece of work on the pool unless one runs: a request, else an acquire.
    void next();
    void acquired(const core::Result<std::optional<QJsonObject>, QString> &job);
    void wantAcquire();
    void reply(qint64 id, bool ok, const QJsonObject &result, const QString &error = {});
    void send(const QJsonObject &message);

    struct PendingAcquire
    {
        qint64 id;
        qint64 deadlineMs; // QDateTime::currentMSecsSinceEpoch() scale
    };

    ProvisionerJobServer &m_jobs;
    core::WorkPool &m_pool;
    QWebSocket *m_socket;
    ProvisionerDaemon m_daemon;
    JobAcquireRequest m_identity;
    QList<QJsonObject> m_requests; // not acquires, in arrival order
    QList<PendingAcquire> m_pending;
    bool m_busy = false;          // a piece of work runs on the pool
    bool m_acquireWanted = false; // try to acquire when the pool is free
    QTimer m_retry;
    qint64 m_lastTouchMs = 0;
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
