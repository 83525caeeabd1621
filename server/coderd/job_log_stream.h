#pragma once

#include "core/api_error.h"
#include "core/mailbox.h"
#include "core/result.h"
#include "server/database/pubsub.h"
#include "server/http/router.h"

#include <QObject>
#include <QUuid>
#include <memory>

class QWebSocket;

namespace coder::server {

class ApiContext;

// Streams a provisioner job's logs over a WebSocket (`.../logs?follow`): every log after the
// requested id, then each new one as it is stored, one JSON object per text message, and a
// normal close once the job has ended and its last log was sent. Lives as long as its socket,
// on the socket's event-loop thread; the logs are read on the handler pool.
class JobLogStream : public QObject
{
    Q_OBJECT
public:
    static void start(ApiContext &context, QWebSocket *socket, const QUuid &jobId, qint64 after);

private:
    JobLogStream(ApiContext &context, QWebSocket *socket, const QUuid &jobId, qint64 after);
    void pump();

    // What one read found: the logs after m_after, and whether the job has ended.
    struct Batch
    {
        QList<QByteArray> logs; // one JSON object each
        qint64 lastId = 0;
        bool ended = false;
    };

    ApiContext &m_context;
    QWebSocket *m_socket;
    QUuid m_jobId;
    qint64 m_after;
    bool m_reading = false;
    bool m_readAgain = false;
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

// ?after=N (default 0): 400 when it is not a non-negative integer.
core::Result<qint64, core::ApiError> logsAfterParam(const HttpRequest &request);
// The plain GET form: a JSON array of the logs after ?after.
HttpResponse jobLogsResponse(ApiContext &context, const HttpRequest &request, const QUuid &jobId);

} // namespace coder::server
