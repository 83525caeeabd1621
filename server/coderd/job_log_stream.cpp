#include "job_log_stream.h"

#include "api_context.h"
#include "api_objects.h"
#include "core/work_pool.h"
#include "provisioner_job_server.h"
#include "server/database/pubsub.h"

#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

core::Result<qint64, core::ApiError> logsAfterParam(const HttpRequest &request)
{
    const QString text = request.query.queryItemValue(QStringLiteral("after"));
    if (text.isEmpty())
        return qint64(0);
    bool ok = false;
    const qint64 after = text.toLongLong(&ok);
    if (!ok || after < 0)
        return core::ApiError::invalidField(QStringLiteral("after"),
                                            QStringLiteral("Must be a non-negative log id."));
    return after;
}

HttpResponse jobLogsResponse(ApiContext &context, const HttpRequest &request, const QUuid &jobId)
{
    auto after = logsAfterParam(request);
    if (!after)
        return HttpResponse::error(after.error());
    auto logs = context.store.jobs().logs(jobId, *after);
    if (!logs)
        return HttpResponse::error(ApiContext::storeError(logs.error(), QStringLiteral("logs")));
    core::JsonWriter json;
    json.beginArray();
    for (const ProvisionerJobLog &log : std::as_const(*logs))
        core::json::write(json, apiJobLog(log));
    json.endArray();
    return HttpResponse::rawJson(200, json.take());
}

void JobLogStream::start(ApiContext &context, QWebSocket *socket, const QUuid &jobId, qint64 after)
{
    new JobLogStream(context, socket, jobId, after); // parented to the socket
}

JobLogStream::JobLogStream(ApiContext &context, QWebSocket *socket, const QUuid &jobId,
                           qint64 after)
    : QObject(socket), m_context(context), m_socket(socket), m_jobId(jobId), m_after(after)
{
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    // Listening before the first read, so no log stored in between is missed.
    auto subscription = context.pubsub->listen(
        channels::jobLogs(jobId), this, [this](const QByteArray &) { pump(); },
        [this](const QString &error) {
            if (error.isEmpty()) {
                pump();
                return;
            }
            qCWarning(lcApi) << "cannot follow the logs of job" << m_jobId << ":" << error;
            m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                            QStringLiteral("cannot follow logs"));
        });
    if (!subscription) {
        qCWarning(lcApi) << "cannot follow the logs of job" << jobId << ":" << subscription.error();
        socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                      QStringLiteral("cannot follow logs"));
        return;
    }
    m_subscription = std::move(*subscription);
}

void JobLogStream::pump()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState || !m_subscription)
        return;
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    m_reading = true;
    Store &store = m_context.store;
    m_context.pool->run(
        m_mailbox.address(),
        [&store, jobId = m_jobId, after = m_after]() -> std::optional<Batch> {
            // The job first: when it has ended, the logs read after it are all there will be.
            auto job = store.jobs().byId(jobId);
            auto logs = store.jobs().logs(jobId, after);
            if (!job || !logs)
                return std::nullopt;
            Batch batch{{}, after, !job->isActive()};
            for (const ProvisionerJobLog &log : std::as_const(*logs)) {
                core::JsonWriter json;
                core::json::write(json, apiJobLog(log));
                batch.logs.append(json.take());
                batch.lastId = log.id;
            }
            return batch;
        },
        [this](std::optional<Batch> batch) {
            m_reading = false;
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                return;
            if (!batch) {
                m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                                QStringLiteral("cannot read the job's logs"));
                return;
            }
            for (const QByteArray &log : std::as_const(batch->logs))
                m_socket->sendTextMessage(QString::fromUtf8(log));
            m_after = batch->lastId;
            if (batch->ended) {
                m_subscription.reset();
                m_socket->close(QWebSocketProtocol::CloseCodeNormal,
                                QStringLiteral("job completed"));
                return;
            }
            if (std::exchange(m_readAgain, false))
                pump();
        });
}

} // namespace coder::server
