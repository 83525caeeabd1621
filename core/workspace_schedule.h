#pragma once

#include "core/cron_schedule.h"
#include "core/result.h"

#include <QDateTime>
#include <QString>
#include <QTimeZone>
#include <optional>

namespace coder::core {

// A workspace's weekly autostart schedule as people read and write it ("9:30AM Mon-Fri
// Europe/Paris", as Coder's CLI takes it) over the cron form coderd stores ("CRON_TZ=Europe/Paris
// 30 9 * * 1-5"). The cron grammar and the firing times are CronSchedule's, so whatever coderd
// accepts the CLI can show.
class WorkspaceSchedule
{
public:
    WorkspaceSchedule() = default;

    // "<time> [days] [zone]": time as 9:30AM, 09:30pm, 3PM, 15:04 or 1504; days as cron's
    // day-of-week field with names or numbers (Mon-Fri, mon,wed,fri, 1-5, *; default every
    // day); zone an IANA name (default: `defaultZone`). The words may come as one string.
    static Result<WorkspaceSchedule, QString> parseHuman(const QString &text,
                                                         const QString &defaultZone = localZone());
    // A schedule as coderd stores it (CronSchedule's grammar).
    static Result<WorkspaceSchedule, QString> parseCron(const QString &cron);

    QString toCron() const; // "CRON_TZ=Europe/Paris 30 9 * * 1-5"
    // As Coder's CLI shows it: "9:30AM Mon-Fri (Europe/Paris)", "12:00AM daily (UTC)", and for
    // several times a day the cron fields themselves: "cron(0,30 9) Mon-Fri (UTC)".
    QString toHuman() const;
    // The first start strictly after `after`.
    std::optional<QDateTime> nextStart(const QDateTime &after) const;
    QTimeZone timeZone() const { return m_cron.timeZone(); }

    // The machine's IANA time zone (TZ honoured), "UTC" when it has none.
    static QString localZone();

private:
    explicit WorkspaceSchedule(CronSchedule cron) : m_cron(std::move(cron)) {}

    CronSchedule m_cron;
};

} // namespace coder::core
