#include "log_shipper.h"

#include "core/api_client.h"

#include <QLoggingCategory>

namespace coder::server::agent {

Q_LOGGING_CATEGORY(lcLogs, "coder.agent.logs")

LogShipper::LogShipper(core::ApiClient &api, QObject *parent) : QObject(parent), m_api(api)
{
    // Lines that come together go together.
    m_batch.setSingleShot(true);
    m_batch.setInterval(100);
    connect(&m_batch, &QTimer::timeout, this, &LogShipper::send);
    m_retry.setSingleShot(true);
    m_retry.setInterval(2000);
    connect(&m_retry, &QTimer::timeout, this, &LogShipper::send);
}

void LogShipper::append(const QString &output, const QString &level)
{
    if (m_overflowed)
        return;
    const qsizetype bytes = output.size();
    if (m_pendingBytes + bytes > kMaxPendingBytes)
        return; // coderd would refuse it anyway: its limit is as large
    core::WorkspaceAgentLog log;
    log.createdAt = QDateTime::currentDateTimeUtc();
    log.output = output;
    log.level = level;
    m_pending.push_back(std::move(log));
    m_pendingBytes += bytes;
    if (!m_inFlight && !m_batch.isActive() && !m_retry.isActive())
        m_batch.start();
}

void LogShipper::send()
{
    if (m_inFlight || m_pending.empty())
        return;
    core::PatchLogsRequest request;
    const qsizetype count = std::min<qsizetype>(qsizetype(m_pending.size()), kMaxBatchLines);
    for (qsizetype i = 0; i < count; ++i)
        request.logs.append(m_pending[size_t(i)]);
    m_inFlight = true;
    m_api.sendJson("PATCH", QStringLiteral("/api/v2/workspaceagents/me/logs"), request,
                   [this, count](core::Result<QJsonDocument, core::ApiError> result) {
                       m_inFlight = false;
                       if (!result && result.error().status == 413) {
                           qCWarning(lcLogs) << "coderd holds no more logs of this agent:"
                                             << result.error().message;
                           m_overflowed = true;
                           m_pending.clear();
                           m_pendingBytes = 0;
                       } else if (!result &&
                                  (result.error().status == 0 || result.error().status >= 500)) {
                           m_retry.start(); // coderd is away: keep them
                           return;
                       } else {
                           if (!result)
                               qCWarning(lcLogs) << "logs refused:" << result.error().message;
                           for (qsizetype i = 0; i < count && !m_pending.empty(); ++i) {
                               m_pendingBytes -= m_pending.front().output.size();
                               m_pending.pop_front();
                           }
                       }
                       if (m_pending.empty())
                           Q_EMIT drained();
                       else
                           send();
                   });
}

} // namespace coder::server::agent
