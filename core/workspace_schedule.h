#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QString>
#include <optional>

namespace coder::core {

// A workspace's weekly autostart schedule as coderd stores it ("CRON_TZ=Europe/Paris 30 9 * * 1-5")
// and as Coder's CLI lets people write it ("9:30AM Mon-Fri Europe/Paris"), plus the Go-style
// durations of the autostop TTL ("8h", "1h30m").
class WorkspaceSchedule
{
public:
    int minute = 0;
    int hour = 0;
    QString daysOfWeek = QStringLiteral("*"); // cron field, numeric: "*", "1-5", "0,6"
    QString timeZone = QStringLiteral("UTC"); // IANA name

    // "<time> [days] [zone]": time as 9:30AM, 09:30pm, 3PM, 15:04 or 1504; days as cron's
    // day-of-week field with names or numbers (Mon-Fri, mon,wed,fri, 1-5, *; default every
    // day); zone an IANA name (default: `defaultZone`). The words may come as one string.
    static Result<WorkspaceSchedule, QString> parseHuman(const QString &text,
                                                         const QString &defaultZone = localZone());
    // "CRON_TZ=<zone> <minute> <hour> * * <days>" (no CRON_TZ: UTC), the weekly form only.
    static Result<WorkspaceSchedule, QString> parseCron(const QString &cron);

    QString toCron() const;  // "CRON_TZ=Europe/Paris 30 9 * * 1-5"
    QString toHuman() const; // "9:30AM Mon-Fri (Europe/Paris)"; "9:30AM daily (UTC)"
    // The first start strictly after `after`; nullopt when the zone is unknown.
    std::optional<QDateTime> nextStart(const QDateTime &after) const;

    // The machine's IANA time zone (TZ honoured), "UTC" when it has none.
    static QString localZone();

    // Go durations without days: "8h", "1h30m", "90m", "45s", "1.5h"; in milliseconds, > 0.
    static Result<qint64, QString> parseDuration(const QString &text);
    // "8h", "1h30m", "45m", "30s", "0s": the largest units, zeros left out.
    static QString formatDuration(qint64 milliseconds);

private:
    // The day-of-week field with numbers only; nullopt when it is not one.
    static std::optional<QString> normalizeDays(const QString &field);
    bool matchesDay(int dayOfWeek) const; // 0 = Sunday
};

} // namespace coder::core
