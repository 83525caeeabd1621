#pragma once

#include "api_types.h"

#include <QJsonObject>
#include <QString>
#include <optional>

// Field readers shared by the API type codecs (api_types.cpp, workspace_types.cpp).
namespace coder::core::json_fields {

// A string field that must be present and non-empty; sets error otherwise.
inline std::optional<QString> requiredString(const QJsonObject &object, const QString &field,
                                             QString &error)
{
    const QJsonValue value = object.value(field);
    if (!value.isString() || value.toString().isEmpty()) {
        error = QStringLiteral("missing or invalid field \"%1\"").arg(field);
        return std::nullopt;
    }
    return value.toString();
}

inline QString optionalString(const QJsonObject &object, const QString &field)
{
    return object.value(field).toString();
}

inline QDateTime optionalTime(const QJsonObject &object, const QString &field)
{
    return parseApiTime(object.value(field).toString());
}

inline bool flag(const QJsonObject &object, const QString &field, bool fallback = false)
{
    return object.value(field).toBool(fallback);
}

inline qint64 integer(const QJsonObject &object, const QString &field)
{
    const QJsonValue value = object.value(field);
    return value.isDouble() ? static_cast<qint64>(value.toDouble()) : 0;
}

inline std::optional<qint64> optionalInteger(const QJsonObject &object, const QString &field)
{
    const QJsonValue value = object.value(field);
    if (!value.isDouble())
        return std::nullopt;
    return static_cast<qint64>(value.toDouble());
}

} // namespace coder::core::json_fields
