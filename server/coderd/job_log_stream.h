#pragma once

#include "core/api_error.h"
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
// normal close once the job has ended and its last log was sent. Lives as long as its socket.
class JobLogStream : public QObject
{
    Q_OBJECT
public:
    static void start(ApiContext &context, QWebSocket *socket, const QUuid &jobId, qint64 after);

private:
    JobLogStream(ApiContext &context, QWebSocket *socket, const QUuid &jobId, qint64 after);
    void pump();

    ApiContext &m_context;
    QWebSocket *m_socket;
    QUuid m_jobId;
    qint64 m_after;
    std::unique_ptr<Subscription> m_subscription;
};

// ?after=N (default 0): 400 when it is not a non-negative integer.
core::Result<qint64, core::ApiError> logsAfterParam(const HttpRequest &request);
// The plain GET form: a JSON array of the logs after ?after.
HttpResponse jobLogsResponse(ApiContext &context, const HttpRequest &request, const QUuid &jobId);

} // namespace coder::server
