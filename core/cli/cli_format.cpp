#include "cli_format.h"

#include <QLocale>

namespace coder::core::cli {

QString CliFormat::status(const QString &status)
{
    if (status.isEmpty())
        return QStringLiteral("Unknown");
    return status.left(1).toUpper() + status.mid(1);
}

QString CliFormat::distance(qint64 milliseconds)
{
    const qint64 seconds = std::max<qint64>(0, milliseconds / 1000);
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m").arg(seconds / 60);
    if (seconds < 86400) {
        const qint64 minutes = (seconds % 3600) / 60;
        return minutes == 0 ? QStringLiteral("%1h").arg(seconds / 3600)
                            : QStringLiteral("%1h%2m").arg(seconds / 3600).arg(minutes);
    }
    return QStringLiteral("%1d").arg(seconds / 86400);
}

QString CliFormat::ago(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return QStringLiteral("never");
    return distance(time.msecsTo(now)) + QStringLiteral(" ago");
}

QString CliFormat::timestamp(const QDateTime &time)
{
    return QLocale::c().toString(time.toLocalTime(), QStringLiteral("MMM d HH:mm:ss"));
}

Result<std::pair<QString, QString>, QString> CliFormat::workspaceName(const QString &text)
{
    const QString trimmed = text.trimmed();
    const QStringList parts = trimmed.split(u'/');
    if (trimmed.isEmpty() || parts.size() > 2 || parts.contains(QString()))
        return QStringLiteral("invalid workspace name \"%1\" (expected NAME or OWNER/NAME)")
            .arg(text);
    if (parts.size() == 1)
        return std::pair{QStringLiteral("me"), parts[0]};
    return std::pair{parts[0], parts[1]};
}

Result<QMap<QString, QString>, QString> CliFormat::keyValues(const std::vector<std::string> &items,
                                                             const QString &flag)
{
    QMap<QString, QString> values;
    for (const auto &item : items) {
        const QString text = QString::fromStdString(item);
        const qsizetype equals = text.indexOf(u'=');
        if (equals <= 0)
            return QStringLiteral("invalid %1 \"%2\": expected KEY=VALUE").arg(flag, text);
        values.insert(text.left(equals).trimmed(), text.mid(equals + 1));
    }
    return values;
}

} // namespace coder::core::cli
