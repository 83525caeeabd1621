#include "job_log_stream.h"

#include "core/work_pool.h"
#include "job_logs.h"
#include "provisioner_job_server.h"
#include "server/database/pubsub.h"

#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

void JobLogStream::start(JobLogs &logs, core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket,
                         const QUuid &jobId, qint64 after)
{
    new JobLogStream(logs, pool, pubsub, socket, jobId, after); // parented to the socket
}

JobLogStream::JobLogStream(JobLogs &logs, core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket,
                           const QUuid &jobId, qint64 after)
    : QObject(socket), m_logs(logs), m_pool(pool), m_socket(socket), m_jobId(jobId), m_after(after)
{
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    // Listening before the first read, so no log stored in between is missed.
    auto subscription = pubsub.listen(
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
    m_pool.run(
        m_mailbox.address(),
        [&logs = m_logs, jobId = m_jobId, after = m_after] { return logs.batch(jobId, after); },
        [this](Outcome<JobLogs::Batch> batch) {
            m_reading = false;
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                return;
            if (!batch) {
                m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                                QStringLiteral("cannot read the job's logs"));
                return;
            }
            for (const core::ProvisionerJobLog &log : std::as_const(batch->logs)) {
                m_socket->sendTextMessage(QString::fromUtf8(core::json::toJson(log)));
                m_after = log.id;
            }
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

WebSocketHandler LogStreaming::route(const RouteKit &kit, const QString &param, JobOf jobOf) const
{
    return kit.authenticatedWebSocket([streaming = *this, param, jobOf = std::move(jobOf)](
                                          HttpRequest &request, const Actor &actor) {
        auto id = uuidParam(request, param);
        if (!id)
            return refuseUpgrade(id.error());
        auto job = jobOf(actor, *id);
        if (!job)
            return refuseUpgrade(job.error());
        auto after = logsAfter(request);
        if (!after)
            return refuseUpgrade(after.error());
        return WebSocketDecision{std::nullopt,
                                 [streaming, jobId = *job, after = *after](QWebSocket *socket) {
                                     JobLogStream::start(streaming.logs, streaming.pool,
                                                         streaming.pubsub, socket, jobId, after);
                                 }};
    });
}

} // namespace coder::server
