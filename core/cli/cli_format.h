#pragma once

#include "core/json_mapping.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMap>
#include <QString>
#include <string>
#include <utility>
#include <vector>

namespace coder::core::cli {

// Small pieces of text the workspace and template commands share: how statuses, times and
// durations are shown, and how "owner/name" and "key=value" arguments are read.
class CliFormat
{
public:
    // "running" -> "Running".
    static QString status(const QString &status);
    // "12s ago", "5m ago", "3h ago", "2d ago"; "never" for an invalid time.
    static QString ago(const QDateTime &time,
                       const QDateTime &now = QDateTime::currentDateTimeUtc());
    // "in 7h59m" / "7h59m ago" style distance, compact.
    static QString distance(qint64 milliseconds);
    // Local time as Coder's CLI prints it: "Jan 2 15:04:05".
    static QString timestamp(const QDateTime &time = QDateTime::currentDateTime());
    // "owner/name" -> {owner, name}; "name" -> {"me", name}.
    static Result<std::pair<QString, QString>, QString> workspaceName(const QString &text);
    // Repeated "key=value" flags (the value may contain '='); `flag` names them in errors.
    static Result<QMap<QString, QString>, QString> keyValues(const std::vector<std::string> &items,
                                                             const QString &flag);
};

// `--output json`: a value of the API types (or a list of them) as indented JSON, in the one wire
// format.
template <typename T> QString prettyJson(const T &value)
{
    return QString::fromUtf8(
               QJsonDocument::fromJson(json::toJson(value)).toJson(QJsonDocument::Indented))
        .trimmed();
}

} // namespace coder::core::cli
