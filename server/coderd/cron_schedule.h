#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QString>
#include <QTimeZone>
#include <bitset>

namespace coder::server {

// A weekly autostart schedule in Coder's form: "CRON_TZ=Europe/Paris 30 9 * * 1-5" (minute,
// hour, day of month, month, day of week; the time zone is optional and defaults to UTC). As in
// Coder, day of month and month must be "*": schedules repeat weekly. Fields take numbers, "*",
// lists, ranges and steps ("0-30/15,45"); day of week 0 and 7 are Sunday.
//
// Hand-written: Debian 12 packages no C++ cron library; the grammar is small and fully tested.
class CronSchedule
{
public:
    static core::Result<CronSchedule, QString> parse(const QString &spec);

    // The first time strictly after `after` at which the schedule fires, in UTC; invalid when
    // none within the next eight days (cannot happen for a valid schedule).
    QDateTime next(const QDateTime &after) const;
    const QString &text() const { return m_text; }
    QTimeZone timeZone() const { return m_zone; }

private:
    QString m_text;
    QTimeZone m_zone = QTimeZone::utc();
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<7> m_weekdays; // 0 = Sunday
};

} // namespace coder::server
