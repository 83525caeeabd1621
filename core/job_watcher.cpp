#include "job_watcher.h"

#include "core/log_follower.h"

#include <QTimer>

namespace coder::core {

namespace {

constexpr int pollIntervalMs = 1000;
constexpr int settleRetryMs = 250;
constexpr int settleAttempts = 8;

} // namespace

JobWatcher::JobWatcher(ApiClient *client, QString logsPath, FetchJob fetchJob,
                       JobLogPrinter::Writer output, std::function<void(const QString &)> warn,
                       QObject *parent)
    : QObject(parent), m_client(client), m_logsPath(std::move(logsPath)),
      m_fetchJob(std::move(fetchJob)), m_printer(std::move(output)), m_warn(std::move(warn))
{}

JobWatcher::~JobWatcher()
{
    if (m_follower)
        m_follower->deleteLater();
}

void JobWatcher::watch(const ProvisionerJob &job, std::function<void(JobResult)> done)
{
    m_done = std::move(done);
    m_printer.begin(job);
    if (!m_client)
        return complete(ApiError{0, QStringLiteral("the API client is gone"), {}, {}});
    if (job.isCompleted())
        return drainAndFinish(job);
    m_follower = LogFollower::follow(*m_client, m_logsPath, 0);
    connect(m_follower, &LogFollower::log, this, [this](const ProvisionerJobLog &log) {
        m_lastLogId = std::max(m_lastLogId, log.id);
        m_printer.add(log);
    });
    connect(m_follower, &LogFollower::finished, this, [this] {
        m_follower->deleteLater();
        settle(0);
    });
    connect(m_follower, &LogFollower::failed, this, [this](const QString &message) {
        m_follower->deleteLater();
        m_warn(QStringLiteral("warning: %1; checking the job every second instead").arg(message));
        poll();
    });
}

// The stream ended normally, so the job has completed; the job row may trail by a moment.
void JobWatcher::settle(int attempt)
{
    QPointer<JobWatcher> self(this);
    m_fetchJob([self, attempt](JobResult job) {
        if (!self)
            return;
        if (!job)
            return self->complete(job.error());
        if (job->isCompleted())
            return self->drainAndFinish(job.value());
        if (attempt + 1 >= settleAttempts)
            return self->poll();
        QTimer::singleShot(settleRetryMs, self, [self, attempt] {
            if (self)
                self->settle(attempt + 1);
        });
    });
}

void JobWatcher::poll()
{
    QPointer<JobWatcher> self(this);
    m_fetchJob([self](JobResult job) {
        if (!self)
            return;
        if (!job)
            return self->complete(job.error());
        if (job->isCompleted())
            return self->drainAndFinish(job.value());
        QTimer::singleShot(pollIntervalMs, self, [self] {
            if (self)
                self->poll();
        });
    });
}

void JobWatcher::drainAndFinish(const ProvisionerJob &job)
{
    if (!m_client)
        return complete(job);
    QPointer<JobWatcher> self(this);
    m_client->jobLogs(m_logsPath, m_lastLogId,
                      [self, job](Result<QList<ProvisionerJobLog>, ApiError> logs) {
                          if (!self)
                              return;
                          // The outcome matters more than a log we could not fetch.
                          if (logs) {
                              for (const auto &log : logs.value()) {
                                  if (log.id <= self->m_lastLogId)
                                      continue;
                                  self->m_lastLogId = log.id;
                                  self->m_printer.add(log);
                              }
                          }
                          self->m_printer.end(job);
                          self->complete(job);
                      });
}

QString JobWatcher::failureReport(const QString &what, const ProvisionerJob &job) const
{
    QString report;
    if (job.status == u"canceled" || job.status == u"canceling")
        report = QStringLiteral("%1 was canceled").arg(what);
    else if (job.error.isEmpty())
        report = QStringLiteral("%1 failed").arg(what);
    else
        report = QStringLiteral("%1 failed: %2").arg(what, job.error);
    // The lines the error already says are not repeated, nor is a line twice in a row.
    const QStringList said = job.error.split(u'\n');
    QString previous;
    for (const QString &line : m_printer.failureLines()) {
        if (said.contains(line) || line == previous)
            continue;
        report += QStringLiteral("\n  ") + line;
        previous = line;
    }
    return report;
}

void JobWatcher::complete(JobResult result)
{
    if (!m_done)
        return;
    auto done = std::move(m_done);
    m_done = nullptr;
    done(std::move(result));
}

} // namespace coder::core

#include "moc_job_watcher.cpp"
