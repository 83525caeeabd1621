#include "job_log_printer.h"

namespace coder::core {

namespace {

const QString indent = QStringLiteral("    ");

} // namespace

JobLogPrinter::JobLogPrinter(Writer writer) : m_write(std::move(writer)) {}

void JobLogPrinter::begin(const ProvisionerJob &job)
{
    m_clock.start();
    m_jobCreatedAt = job.createdAt;
    if (job.status == u"pending") {
        m_stage = QStringLiteral("Queued");
        m_stageStartedAt =
            job.createdAt.isValid() ? job.createdAt : QDateTime::currentDateTimeUtc();
        m_write(QStringLiteral("==> ⧗ ") + m_stage);
    }
}

void JobLogPrinter::add(const ProvisionerJobLog &log)
{
    if (!log.stage.isEmpty() && log.stage != m_stage) {
        const QDateTime at =
            log.createdAt.isValid() ? log.createdAt : QDateTime::currentDateTimeUtc();
        closeStage(at, false);
        m_stage = log.stage;
        m_stageStartedAt = at;
        m_stageLines.clear();
        m_write(QStringLiteral("==> ⧗ ") + m_stage);
    }
    QString output = log.output;
    while (output.endsWith(u'\n') || output.endsWith(u'\r'))
        output.chop(1);
    if (output.isEmpty())
        return;
    const bool isError = log.logLevel == u"error";
    for (const QString &line : output.split(u'\n')) {
        m_write(indent + line);
        m_stageLines.append(line);
        if (isError)
            m_errorLines.append(line);
    }
}

void JobLogPrinter::end(const ProvisionerJob &job)
{
    if (m_ended)
        return;
    m_ended = true;
    const QDateTime at =
        job.completedAt.isValid() ? job.completedAt : QDateTime::currentDateTimeUtc();
    closeStage(at, job.status != u"succeeded");
    const QDateTime created = job.createdAt.isValid() ? job.createdAt : m_jobCreatedAt;
    const qint64 elapsed = created.isValid() && job.completedAt.isValid()
                               ? created.msecsTo(job.completedAt)
                               : m_clock.elapsed();
    m_write(QStringLiteral("Elapsed: ") + formatElapsed(std::max<qint64>(elapsed, 0)));
}

void JobLogPrinter::closeStage(const QDateTime &at, bool failed)
{
    if (m_stage.isEmpty())
        return;
    const qint64 duration =
        m_stageStartedAt.isValid() && at.isValid() ? m_stageStartedAt.msecsTo(at) : 0;
    m_write(QStringLiteral("=== %1 %2 [%3]")
                .arg(failed ? QStringLiteral("✘") : QStringLiteral("✔"), m_stage,
                     formatElapsed(std::max<qint64>(duration, 0))));
    m_stage.clear();
}

QStringList JobLogPrinter::failureLines(int maxLines) const
{
    const QStringList &source = m_errorLines.isEmpty() ? m_stageLines : m_errorLines;
    return source.mid(std::max<qsizetype>(0, source.size() - maxLines));
}

QString JobLogPrinter::formatElapsed(qint64 milliseconds)
{
    if (milliseconds < 1000)
        return QStringLiteral("%1ms").arg(milliseconds);
    if (milliseconds < 60000)
        return QStringLiteral("%1s").arg(milliseconds / 1000.0, 0, 'f', 1);
    const qint64 seconds = milliseconds / 1000;
    return QStringLiteral("%1m%2s").arg(seconds / 60).arg(seconds % 60);
}

} // namespace coder::core
