#include "duration.h"

#include <QRegularExpression>
#include <cmath>
#include <limits>

namespace coder::core::duration {

Result<qint64, QString> parseNanoseconds(const QString &text, Days days)
{
    static const QRegularExpression part(
        QStringLiteral("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h|d)"));
    const QString trimmed = text.trimmed();
    const QString invalid =
        QStringLiteral("invalid duration \"%1\" (examples: %2)")
            .arg(text, days == Days::Allowed ? QStringLiteral("720h, 30d, 1h30m")
                                             : QStringLiteral("8h, 1h30m, 90m"));
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
        long double scale = 1; // ns
        if (unit == u"us" || unit == u"µs")
            scale = 1e3L;
        else if (unit == u"ms")
            scale = 1e6L;
        else if (unit == u"s")
            scale = 1e9L;
        else if (unit == u"m")
            scale = 60e9L;
        else if (unit == u"h")
            scale = 3600e9L;
        else if (unit == u"d" && days == Days::Allowed)
            scale = 86400e9L;
        else if (unit == u"d")
            return invalid;
        total += match.captured(1).toDouble() * scale;
        position = match.capturedEnd(0);
    }
    if (total > static_cast<long double>(std::numeric_limits<qint64>::max()))
        return QStringLiteral("duration \"%1\" is too long").arg(text);
    const auto nanoseconds = static_cast<qint64>(std::llround(total));
    if (nanoseconds <= 0)
        return QStringLiteral("duration \"%1\" must be positive").arg(text);
    return nanoseconds;
}

Result<qint64, QString> parse(const QString &text)
{
    const auto nanoseconds = parseNanoseconds(text);
    if (!nanoseconds)
        return nanoseconds.error();
    const qint64 milliseconds = (*nanoseconds + 500000) / 1000000;
    if (milliseconds <= 0)
        return QStringLiteral("duration \"%1\" must be at least a millisecond").arg(text);
    return milliseconds;
}

QString format(qint64 milliseconds)
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

} // namespace coder::core::duration
