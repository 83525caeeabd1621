#include "workspace_schedule.h"

#include <QRegularExpression>
#include <QStringList>
#include <QTimeZone>
#include <cmath>
#include <limits>

namespace coder::core {

namespace {

const QStringList dayNames{QStringLiteral("Sun"), QStringLiteral("Mon"), QStringLiteral("Tue"),
                           QStringLiteral("Wed"), QStringLiteral("Thu"), QStringLiteral("Fri"),
                           QStringLiteral("Sat")};

// 0-7 (7 is Sunday too) or a day name ("mon", "Monday"); -1 when neither.
int dayNumber(const QString &atom)
{
    bool isNumber = false;
    const int number = atom.toInt(&isNumber);
    if (isNumber)
        return number >= 0 && number <= 7 ? number % 7 : -1;
    if (atom.size() < 3)
        return -1;
    for (int day = 0; day < dayNames.size(); ++day) {
        if (!atom.startsWith(dayNames[day], Qt::CaseInsensitive))
            continue;
        static const QStringList fullNames{QStringLiteral("sunday"),   QStringLiteral("monday"),
                                           QStringLiteral("tuesday"),  QStringLiteral("wednesday"),
                                           QStringLiteral("thursday"), QStringLiteral("friday"),
                                           QStringLiteral("saturday")};
        if (atom.size() == 3 || fullNames[day].compare(atom, Qt::CaseInsensitive) == 0)
            return day;
    }
    return -1;
}

std::optional<QTime> parseTimeOfDay(const QString &text)
{
    static const QRegularExpression twelveHour(
        QStringLiteral("^(\\d{1,2})(?::(\\d{2}))?([AaPp][Mm])$"));
    static const QRegularExpression twentyFourHour(QStringLiteral("^(\\d{1,2}):(\\d{2})$"));
    static const QRegularExpression compact(QStringLiteral("^(\\d{2})(\\d{2})$"));
    if (const auto match = twelveHour.match(text); match.hasMatch()) {
        const int hour = match.captured(1).toInt();
        const int minute = match.captured(2).isEmpty() ? 0 : match.captured(2).toInt();
        if (hour < 1 || hour > 12 || minute > 59)
            return std::nullopt;
        const bool pm = match.captured(3).compare(QStringLiteral("pm"), Qt::CaseInsensitive) == 0;
        return QTime(hour % 12 + (pm ? 12 : 0), minute);
    }
    for (const auto *pattern : {&twentyFourHour, &compact}) {
        const auto match = pattern->match(text);
        if (!match.hasMatch())
            continue;
        const int hour = match.captured(1).toInt();
        const int minute = match.captured(2).toInt();
        if (hour > 23 || minute > 59)
            return std::nullopt;
        return QTime(hour, minute);
    }
    return std::nullopt;
}

bool isTimeZone(const QString &name)
{
    return QTimeZone::isTimeZoneIdAvailable(name.toUtf8());
}

QString invalidDays(const QString &field)
{
    return QStringLiteral("invalid days of week \"%1\" (examples: Mon-Fri, Mon,Wed,Fri, *)")
        .arg(field);
}

QString unknownZone(const QString &name)
{
    return QStringLiteral("unknown time zone \"%1\" (use an IANA name such as Europe/Paris)")
        .arg(name);
}

} // namespace

std::optional<QString> WorkspaceSchedule::normalizeDays(const QString &field)
{
    if (field == u"*")
        return field;
    QStringList items;
    for (const QString &item : field.split(u',')) {
        const QStringList bounds = item.split(u'-');
        if (bounds.size() == 1) {
            const int day = dayNumber(bounds[0]);
            if (day < 0)
                return std::nullopt;
            items.append(QString::number(day));
            continue;
        }
        if (bounds.size() != 2)
            return std::nullopt;
        const int first = dayNumber(bounds[0]);
        int last = dayNumber(bounds[1]);
        if (first < 0 || last < 0)
            return std::nullopt;
        // "Fri-Sun": Sunday closes the week here, but is day 0 in cron.
        const bool endsOnSunday = last == 0 && first > 0;
        if (endsOnSunday)
            last = 6;
        if (last < first)
            return std::nullopt;
        items.append(first == last ? QString::number(first)
                                   : QStringLiteral("%1-%2").arg(first).arg(last));
        if (endsOnSunday)
            items.append(QStringLiteral("0"));
    }
    return items.join(u',');
}

bool WorkspaceSchedule::matchesDay(int dayOfWeek) const
{
    if (daysOfWeek == u"*")
        return true;
    for (const QString &item : daysOfWeek.split(u',')) {
        const QStringList bounds = item.split(u'-');
        const int first = dayNumber(bounds.first());
        const int last = dayNumber(bounds.last());
        if (first >= 0 && last >= 0 && dayOfWeek >= first && dayOfWeek <= last)
            return true;
    }
    return false;
}

Result<WorkspaceSchedule, QString> WorkspaceSchedule::parseHuman(const QString &text,
                                                                 const QString &defaultZone)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    QStringList parts = text.split(space, Qt::SkipEmptyParts);
    const QString format =
        QStringLiteral(
            "invalid schedule \"%1\": expected \"<time> [days] [zone]\", e.g. \"9:30AM Mon-Fri "
            "Europe/Paris\"")
            .arg(text.trimmed());
    if (parts.isEmpty())
        return format;
    // "9:30 AM": the meridiem as its own word.
    if (parts.size() > 1 &&
        QRegularExpression(QStringLiteral("^[AaPp][Mm]$")).match(parts[1]).hasMatch())
        parts[0] += parts.takeAt(1);
    if (parts.size() > 3)
        return format;
    const auto time = parseTimeOfDay(parts[0]);
    if (!time)
        return QStringLiteral("invalid time \"%1\" (examples: 9:30AM, 3PM, 15:04)").arg(parts[0]);

    WorkspaceSchedule schedule;
    schedule.hour = time->hour();
    schedule.minute = time->minute();
    schedule.timeZone = defaultZone;
    QString days = QStringLiteral("*");
    if (parts.size() == 3) {
        days = parts[1];
        if (!isTimeZone(parts[2]))
            return unknownZone(parts[2]);
        schedule.timeZone = parts[2];
    } else if (parts.size() == 2) {
        if (normalizeDays(parts[1]))
            days = parts[1];
        else if (isTimeZone(parts[1]))
            schedule.timeZone = parts[1];
        else if (parts[1].contains(u'/'))
            return unknownZone(parts[1]);
        else
            days = parts[1];
    }
    const auto normalized = normalizeDays(days);
    if (!normalized)
        return invalidDays(days);
    schedule.daysOfWeek = *normalized;
    if (!isTimeZone(schedule.timeZone))
        return unknownZone(schedule.timeZone);
    return schedule;
}

Result<WorkspaceSchedule, QString> WorkspaceSchedule::parseCron(const QString &cron)
{
    static const QRegularExpression weekly(QStringLiteral(
        "^\\s*(?:CRON_TZ=(\\S+)\\s+)?(\\d{1,2})\\s+(\\d{1,2})\\s+\\*\\s+\\*\\s+(\\S+)"
        "\\s*$"));
    const auto match = weekly.match(cron);
    const QString invalid = QStringLiteral("not a weekly schedule: \"%1\"").arg(cron);
    if (!match.hasMatch())
        return invalid;
    WorkspaceSchedule schedule;
    schedule.minute = match.captured(2).toInt();
    schedule.hour = match.captured(3).toInt();
    if (schedule.minute > 59 || schedule.hour > 23)
        return invalid;
    if (!match.captured(1).isEmpty())
        schedule.timeZone = match.captured(1);
    const auto days = normalizeDays(match.captured(4));
    if (!days)
        return invalidDays(match.captured(4));
    schedule.daysOfWeek = *days;
    return schedule;
}

QString WorkspaceSchedule::toCron() const
{
    return QStringLiteral("CRON_TZ=%1 %2 %3 * * %4")
        .arg(timeZone)
        .arg(minute)
        .arg(hour)
        .arg(daysOfWeek);
}

QString WorkspaceSchedule::toHuman() const
{
    const int hour12 = hour % 12 == 0 ? 12 : hour % 12;
    const QString time = QStringLiteral("%1:%2%3")
                             .arg(hour12)
                             .arg(minute, 2, 10, QLatin1Char('0'))
                             .arg(hour < 12 ? QStringLiteral("AM") : QStringLiteral("PM"));
    QString days;
    if (daysOfWeek == u"*") {
        days = QStringLiteral("daily");
    } else {
        for (const QChar c : daysOfWeek)
            days += c.isDigit() ? dayNames.value(c.digitValue() % 7) : QString(c);
    }
    return QStringLiteral("%1 %2 (%3)").arg(time, days, timeZone);
}

std::optional<QDateTime> WorkspaceSchedule::nextStart(const QDateTime &after) const
{
    const QTimeZone zone(timeZone.toUtf8());
    if (!zone.isValid())
        return std::nullopt;
    const QDate first = after.toTimeZone(zone).date();
    for (int offset = 0; offset <= 7; ++offset) {
        const QDate day = first.addDays(offset);
        if (!matchesDay(day.dayOfWeek() % 7))
            continue;
        const QDateTime candidate(day, QTime(hour, minute), zone);
        if (candidate > after)
            return candidate;
    }
    return std::nullopt;
}

QString WorkspaceSchedule::localZone()
{
    const QByteArray id = QTimeZone::systemTimeZoneId();
    if (id.isEmpty() || !QTimeZone::isTimeZoneIdAvailable(id))
        return QStringLiteral("UTC");
    return QString::fromUtf8(id);
}

Result<qint64, QString> WorkspaceSchedule::parseDuration(const QString &text)
{
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|s|m|h)"));
    const QString trimmed = text.trimmed();
    const QString invalid =
        QStringLiteral("invalid duration \"%1\" (examples: 8h, 1h30m, 90m)").arg(text);
    if (trimmed.isEmpty())
        return invalid;
    long double total = 0;
    qsizetype position = 0;
    while (position < trimmed.size()) {
        const auto match = part.match(trimmed, position, QRegularExpression::NormalMatch,
                                      QRegularExpression::AnchorAtOffsetMatchOption);
        if (!match.hasMatch())
            return invalid;
        const QString unit = match.captured(2);
        const long double scale = unit == u"ms"  ? 1.0L
                                  : unit == u"s" ? 1e3L
                                  : unit == u"m" ? 60e3L
                                                 : 3600e3L;
        total += match.captured(1).toDouble() * scale;
        position = match.capturedEnd(0);
    }
    if (total > static_cast<long double>(std::numeric_limits<qint64>::max() / 2))
        return QStringLiteral("duration \"%1\" is too long").arg(text);
    const auto milliseconds = static_cast<qint64>(std::llround(total));
    if (milliseconds <= 0)
        return QStringLiteral("duration \"%1\" must be positive").arg(text);
    return milliseconds;
}

QString WorkspaceSchedule::formatDuration(qint64 milliseconds)
{
    qint64 seconds = milliseconds / 1000;
    const qint64 hours = seconds / 3600;
    seconds %= 3600;
    const qint64 minutes = seconds / 60;
    seconds %= 60;
    QString text;
    if (hours > 0)
        text += QString::number(hours) + u'h';
    if (minutes > 0)
        text += QString::number(minutes) + u'm';
    if (seconds > 0)
        text += QString::number(seconds) + u's';
    return text.isEmpty() ? QStringLiteral("0s") : text;
}

} // namespace coder::core
