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

// A cron day-of-week field with names for its days ("1-5" is "Mon-Fri"); "daily" for "*"; a
// field with steps as it is.
QString humanDays(const QString &field)
{
    if (field == u"*")
        return QStringLiteral("daily");
    static const QRegularExpression plain(QStringLiteral("^[0-7A-Za-z,-]+$"));
    if (!plain.match(field).hasMatch())
        return field;
    static const QRegularExpression atom(QStringLiteral("[0-7]|[A-Za-z]+"));
    QString text;
    qsizetype copied = 0;
    for (auto it = atom.globalMatch(field); it.hasNext();) {
        const auto match = it.next();
        const int day = dayNumber(match.captured());
        text += field.mid(copied, match.capturedStart() - copied);
        text += day >= 0 ? dayNames[day] : match.captured();
        copied = match.capturedEnd();
    }
    return text + field.mid(copied);
}

QString unknownZone(const QString &name)
{
    return QStringLiteral("unknown time zone \"%1\" (use an IANA name such as Europe/Paris)")
        .arg(name);
}

// The human day-of-week field in cron's numbers ("Fri-Sun" is 5-6,0); nullopt when it is not one.
std::optional<QString> normalizeDays(const QString &field)
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

} // namespace

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

    QString zone = defaultZone;
    QString days = QStringLiteral("*");
    if (parts.size() == 3) {
        days = parts[1];
        if (!isTimeZone(parts[2]))
            return unknownZone(parts[2]);
        zone = parts[2];
    } else if (parts.size() == 2) {
        if (normalizeDays(parts[1]))
            days = parts[1];
        else if (isTimeZone(parts[1]))
            zone = parts[1];
        else if (parts[1].contains(u'/'))
            return unknownZone(parts[1]);
        else
            days = parts[1];
    }
    const auto normalized = normalizeDays(days);
    if (!normalized)
        return invalidDays(days);
    if (!isTimeZone(zone))
        return unknownZone(zone);
    return parseCron(QStringLiteral("CRON_TZ=%1 %2 %3 * * %4")
                         .arg(zone)
                         .arg(time->minute())
                         .arg(time->hour())
                         .arg(*normalized));
}

Result<WorkspaceSchedule, QString> WorkspaceSchedule::parseCron(const QString &cron)
{
    auto parsed = CronSchedule::parse(cron);
    if (!parsed)
        return QStringLiteral("invalid schedule \"%1\": %2").arg(cron, parsed.error());
    return WorkspaceSchedule(std::move(*parsed));
}

QString WorkspaceSchedule::toCron() const
{
    return m_cron.text();
}

QString WorkspaceSchedule::toHuman() const
{
    // Coder's CLI: the kitchen time when there is one, else the cron fields as they are.
    QString time;
    if (const auto single = m_cron.singleTime()) {
        const int hour12 = single->hour() % 12 == 0 ? 12 : single->hour() % 12;
        time = QStringLiteral("%1:%2%3")
                   .arg(hour12)
                   .arg(single->minute(), 2, 10, QLatin1Char('0'))
                   .arg(single->hour() < 12 ? QStringLiteral("AM") : QStringLiteral("PM"));
    } else {
        time = QStringLiteral("cron(%1 %2)").arg(m_cron.minuteField(), m_cron.hourField());
    }
    return QStringLiteral("%1 %2 (%3)")
        .arg(time, humanDays(m_cron.dayOfWeekField()), m_cron.zoneName());
}

std::optional<QDateTime> WorkspaceSchedule::nextStart(const QDateTime &after) const
{
    const QDateTime next = m_cron.next(after);
    return next.isValid() ? std::optional<QDateTime>(next) : std::nullopt;
}

QString WorkspaceSchedule::localZone()
{
    const QByteArray id = QTimeZone::systemTimeZoneId();
    if (id.isEmpty() || !QTimeZone::isTimeZoneIdAvailable(id))
        return QStringLiteral("UTC");
    return QString::fromUtf8(id);
}

} // namespace coder::core
