#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QString>
#include <QTime>
#include <QTimeZone>
#include <bitset>
#include <optional>

namespace coder::core {

// A weekly autostart schedule in Coder's form: "CRON_TZ=Europe/Paris 30 9 * * 1-5" (minute,
// hour, day of month, month, day of week; the time zone is optional and defaults to UTC). As in
// Coder, day of month and month must be "*": schedules repeat weekly. Fields take numbers, "*",
// lists, ranges and steps ("0-30/15,45"); day of week also takes names (MON-FRI), and 0 and 7
// are Sunday. The one implementation of the grammar: coderd checks and fires schedules with it,
// the CLI and the desktop show them with it.
//
// Hand-written: Debian 12 packages no C++ cron library; the grammar is small and fully tested.
class CronSchedule
{
public:
    static Result<CronSchedule, QString> parse(const QString &spec);

    // The first time strictly after `after` at which the schedule fires, in UTC; invalid when
    // none within the next eight days (cannot happen for a valid schedule). A local time that a
    // daylight-saving change skips fires moved forward by the gap.
    QDateTime next(const QDateTime &after) const;

    const QString &text() const { return m_text; } // as given, trimmed
    QTimeZone timeZone() const { return m_zone; }
    const QString &zoneName() const { return m_zoneName; } // CRON_TZ's, "UTC" without one
    // The time of day it fires at when it names one minute and one hour; nullopt otherwise.
    std::optional<QTime> singleTime() const;
    // The fields as written.
    const QString &minuteField() const { return m_minuteField; }
    const QString &hourField() const { return m_hourField; }
    const QString &dayOfWeekField() const { return m_dayOfWeekField; }

private:
    QString m_text;
    QTimeZone m_zone = QTimeZone::utc();
    QString m_zoneName = QStringLiteral("UTC");
    QString m_minuteField;
    QString m_hourField;
    QString m_dayOfWeekField;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<7> m_weekdays; // 0 = Sunday
};

} // namespace coder::core
