#pragma once

#include "server/database/provisioning_models.h"
#include "server/database/pubsub.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>
#include <memory>

class QWebSocket;

namespace coder::server {

class ProvisionerJobServer;

// One external provisioner daemon connected over /api/v2/provisionerdaemons/serve. The daemon
// sends requests {"id", "type", ...} and gets one reply each, {"id", "ok": true, "result"} or
// {"id", "ok": false, "error"}; types: acquire {timeout_ms}, heartbeat, logs, checkpoint,
// complete_import, complete_build, fail (all with "job_id"). An acquire with no job ready waits
// (for a posted job, re-checking every second) until its timeout and then answers "job": null.
// Lives as long as its socket.
class ProvisionerDaemonSession : public QObject
{
    Q_OBJECT
public:
    static void start(ProvisionerJobServer &jobs, QWebSocket *socket,
                      const ProvisionerDaemon &daemon);

private:
    ProvisionerDaemonSession(ProvisionerJobServer &jobs, QWebSocket *socket,
                             const ProvisionerDaemon &daemon);
    void onMessage(const QString &text);
    QJsonObject handle(const QString &type, const QJsonObject &request, bool &ok);
    void retryAcquires();
    void reply(qint64 id, bool ok, const QJsonObject &result, const QString &error = {});
    void touch();

    struct PendingAcquire
    {
        qint64 id;
        qint64 deadlineMs; // QDateTime::currentMSecsSinceEpoch() scale
    };

    ProvisionerJobServer &m_jobs;
    QWebSocket *m_socket;
    ProvisionerDaemon m_daemon;
    JobAcquireRequest m_identity;
    QList<PendingAcquire> m_pending;
    QTimer m_retry;
    qint64 m_lastTouchMs = 0;
    std::unique_ptr<Subscription> m_subscription;
};

} // namespace coder::server
