#pragma once

#include "core/workspace_types.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <functional>

namespace coder::core {

// Shows a provisioner job's logs the way Coder's CLI does: a header when a stage begins
// ("==> ⧗ Setting up"), each output line indented below it, a footer when it ends
// ("=== ✔ Setting up [120ms]", ✘ for the stage a failed job ended in), then the time the
// whole job took ("Elapsed: 1.2s"). Stage times come from the server's timestamps.
class JobLogPrinter
{
public:
    using Writer = std::function<void(const QString &line)>;

    explicit JobLogPrinter(Writer writer);

    // Before any log: a pending job shows the "Queued" stage.
    void begin(const ProvisionerJob &job);
    void add(const ProvisionerJobLog &log);
    // Closes the last stage with the job's outcome and prints the elapsed time.
    void end(const ProvisionerJob &job);

    // What explains a failure: the error-level lines, else the last lines of the last stage.
    QStringList failureLines(int maxLines = 20) const;

    // The stage the job is in now ("Setting up", "Starting workspace"); empty before the first.
    QString stage() const { return m_stage; }

    // "350ms", "1.2s", "2m3s".
    static QString formatElapsed(qint64 milliseconds);

private:
    void closeStage(const QDateTime &at, bool failed);

    Writer m_write;
    QString m_stage;
    QDateTime m_stageStartedAt;
    QDateTime m_jobCreatedAt;
    QElapsedTimer m_clock;
    QStringList m_errorLines;
    QStringList m_stageLines;
    bool m_ended = false;
};

} // namespace coder::core
