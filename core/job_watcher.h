#pragma once

#include "core/api_client.h"
#include "core/job_log_printer.h"

#include <QObject>
#include <QPointer>
#include <functional>

namespace coder::core {

class LogFollower;

// Watches a provisioner job to its end: follows its logs live over the WebSocket and shows
// them with a JobLogPrinter, then fetches the job for its outcome. When the stream cannot be
// followed (a proxy that refuses WebSockets, a dropped connection) it says so once and polls
// the job instead, fetching the logs it missed. Completes exactly once.
class JobWatcher : public QObject
{
    Q_OBJECT

public:
    using JobResult = Result<ProvisionerJob, ApiError>;
    // Fetches the job's current state (from its template version or workspace build).
    using FetchJob = std::function<void(std::function<void(JobResult)>)>;

    JobWatcher(ApiClient *client, QString logsPath, FetchJob fetchJob, JobLogPrinter::Writer output,
               std::function<void(const QString &)> warn, QObject *parent = nullptr);
    ~JobWatcher() override;

    void watch(const ProvisionerJob &job, std::function<void(JobResult)> done);
    const JobLogPrinter &printer() const { return m_printer; }
    // For a job that did not succeed: "<what> failed: <error>" and the lines that explain it,
    // indented, one per line.
    QString failureReport(const QString &what, const ProvisionerJob &job) const;

private:
    void settle(int attempt);
    void poll();
    void drainAndFinish(const ProvisionerJob &job);
    void complete(JobResult result);

    QPointer<ApiClient> m_client;
    QString m_logsPath;
    FetchJob m_fetchJob;
    JobLogPrinter m_printer;
    std::function<void(const QString &)> m_warn;
    std::function<void(JobResult)> m_done;
    QPointer<LogFollower> m_follower;
    qint64 m_lastLogId = 0;
};

} // namespace coder::core
