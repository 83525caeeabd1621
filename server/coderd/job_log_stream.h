#pragma once

#include "core/mailbox.h"
#include "route_kit.h"
#include "server/database/pubsub.h"
#include "server/http/router.h"

#include <QObject>
#include <QUuid>
#include <memory>

class QWebSocket;

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class JobLogs;

// Streams a provisioner job's logs over a WebSocket (`.../logs?follow`): every log after the
// requested id, then each new one as it is stored, one JSON object per text message, and a
// normal close once the job has ended and its last log was sent. Lives as long as its socket,
// on the socket's event-loop thread; the logs are read on the pool.
class JobLogStream : public QObject
{
    Q_OBJECT
public:
    static void start(JobLogs &logs, core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket,
                      const QUuid &jobId, qint64 after);

private:
    JobLogStream(JobLogs &logs, core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket,
                 const QUuid &jobId, qint64 after);
    void pump();

    JobLogs &m_logs;
    core::WorkPool &m_pool;
    QWebSocket *m_socket;
    QUuid m_jobId;
    qint64 m_after;
    bool m_reading = false;
    bool m_readAgain = false;
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

// What a log route needs to hand the socket it accepts to a JobLogStream.
struct LogStreaming
{
    JobLogs &logs;
    core::WorkPool &pool;
    Pubsub &pubsub;

    // The WebSocket route `.../{param}/logs?follow&after=N`: the id of param read, jobOf asked
    // for the job whose logs the actor may follow, the upgrade accepted and the logs streamed.
    using JobOf = std::function<Outcome<QUuid>(const Actor &, const QUuid &)>;
    WebSocketHandler route(const RouteKit &kit, const QString &param, JobOf jobOf) const;
};

} // namespace coder::server
