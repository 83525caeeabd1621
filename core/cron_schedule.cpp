#include "cron_schedule.h"

#include <QStringList>
#include <vector>

namespace coder::core {

using namespace Qt::Literals::StringLiterals;

namespace {

// A day-of-week atom: a number, or a three-letter name as robfig/cron (Coder's) takes it.
std::optional<int> dayAtom(const QString &atom)
{
    static const QStringList names{u"SUN"_s, u"MON"_s, u"TUE"_s, u"WED"_s,
                                   u"THU"_s, u"FRI"_s, u"SAT"_s};
    const qsizetype index = names.indexOf(atom.toUpper());
    if (index >= 0)
        return int(index);
    bool ok = false;
    const int number = atom.toInt(&ok);
    return ok ? std::optional<int>(number) : std::nullopt;
}

std::optional<int> numberAtom(const QString &atom)
{
    bool ok = false;
    const int number = atom.toInt(&ok);
    return ok ? std::optional<int>(number) : std::nullopt;
}

// Parses one cron field into the set of values it names, within [low, high].
Result<std::vector<int>, QString> parseField(const QString &field, int low, int high,
                                             const QString &name, bool dayNames = false)
{
    const auto atom = dayNames ? dayAtom : numberAtom;
    std::vector<int> values;
    for (const QString &part : field.split(u',')) {
        QString range = part;
        int step = 1;
        if (const qsizetype slash = part.indexOf(u'/'); slash >= 0) {
            bool ok = false;
            step = part.mid(slash + 1).toInt(&ok);
            if (!ok || step <= 0)
                return QStringLiteral("%1: invalid step in \"%2\"").arg(name, part);
            range = part.left(slash);
        }
        int from = low;
        int to = high;
        if (range != QLatin1String("*")) {
            const QStringList ends = range.split(u'-');
            if (ends.size() > 2 || ends.first().isEmpty())
                return QStringLiteral("%1: invalid value \"%2\"").arg(name, part);
            const auto first = atom(ends.first());
            const auto last = ends.size() == 2 ? atom(ends.last()) : first;
            if (!first || !last)
                return QStringLiteral("%1: invalid value \"%2\"").arg(name, part);
            from = *first;
            to = ends.size() == 2 ? *last : (step > 1 ? high : from);
        }
        if (from < low || to > high || from > to)
            return QStringLiteral("%1: \"%2\" is outside %3-%4").arg(name, part).arg(low).arg(high);
        for (int v = from; v <= to; v += step)
            values.push_back(v);
    }
    return values;
}

} // namespace

Result<CronSchedule, QString> CronSchedule::parse(const QString &spec)
{
    CronSchedule schedule;
    schedule.m_text = spec.trimmed();
    QStringList fields = schedule.m_text.split(u' ', Qt::SkipEmptyParts);
    if (!fields.isEmpty() && fields.first().startsWith(QLatin1String("CRON_TZ="))) {
        const QByteArray zone = fields.takeFirst().mid(8).toUtf8();
        schedule.m_zone = QTimeZone(zone);
        schedule.m_zoneName = QString::fromUtf8(zone);
        // QTimeZone("") is the machine's zone: a schedule must not depend on the server's TZ.
        if (zone.isEmpty() || !schedule.m_zone.isValid())
            return QStringLiteral("unknown time zone \"%1\"").arg(QString::fromUtf8(zone));
    }
    if (fields.size() != 5)
        return QStringLiteral("a schedule has five fields (minute hour day-of-month month "
                              "day-of-week), optionally after CRON_TZ=<zone>");
    if (fields.at(2) != QLatin1String("*") || fields.at(3) != QLatin1String("*"))
        return QStringLiteral("day of month and month must be \"*\": schedules repeat weekly");
    schedule.m_minuteField = fields.at(0);
    schedule.m_hourField = fields.at(1);
    schedule.m_dayOfWeekField = fields.at(4);
    auto minutes = parseField(fields.at(0), 0, 59, QStringLiteral("minute"));
    auto hours = parseField(fields.at(1), 0, 23, QStringLiteral("hour"));
    auto weekdays = parseField(fields.at(4), 0, 7, QStringLiteral("day of week"), true);
    for (const auto *field : {&minutes, &hours, &weekdays})
        if (!*field)
            return field->error();
    for (int m : *minutes)
        schedule.m_minutes.set(m);
    for (int h : *hours)
        schedule.m_hours.set(h);
    for (int d : *weekdays)
        schedule.m_weekdays.set(d % 7);
    return schedule;
}

std::optional<QTime> CronSchedule::singleTime() const
{
    if (m_minutes.count() != 1 || m_hours.count() != 1)
        return std::nullopt;
    int minute = 0;
    while (!m_minutes.test(minute))
        ++minute;
    int hour = 0;
    while (!m_hours.test(hour))
        ++hour;
    return QTime(hour, minute);
}

QDateTime CronSchedule::next(const QDateTime &after) const
{
    const QDateTime start = after.toTimeZone(m_zone);
    const QDate firstDay = start.date();
    for (int offset = 0; offset <= 8; ++offset) {
        const QDate day = firstDay.addDays(offset);
        if (!m_weekdays.test(day.dayOfWeek() % 7)) // Qt: Monday 1 .. Sunday 7
            continue;
        for (int h = 0; h < 24; ++h) {
            if (!m_hours.test(h))
                continue;
            for (int m = 0; m < 60; ++m) {
                if (!m_minutes.test(m))
                    continue;
                QDateTime candidate(day, QTime(h, m), m_zone);
                if (!candidate.isValid()) {
                    // A local time a DST change skips (Qt 6.4 gives no valid QDateTime for it)
                    // fires moved forward by the gap (02:30 -> 03:30) rather than not that day:
                    // read with the offset in force before the change.
                    const QDateTime wallClock(day, QTime(h, m), Qt::UTC);
                    candidate = wallClock.addSecs(-m_zone.offsetFromUtc(wallClock.addDays(-1)));
                }
                if (candidate > after)
                    return candidate.toUTC();
            }
        }
    }
    return {};
}

} // namespace coder::core
