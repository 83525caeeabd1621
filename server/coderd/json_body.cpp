#include "json_body.h"

#include "server/http/http_request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace coder::server {

core::Result<JsonBody, core::ApiError> JsonBody::parse(const HttpRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return core::ApiError::badRequest(QStringLiteral("Request body must be valid JSON."),
                                          parseError.errorString() + QStringLiteral(" at offset ") +
                                              QString::number(parseError.offset));
    if (!document.isObject())
        return core::ApiError::badRequest(QStringLiteral("Request body must be a JSON object."));
    return JsonBody(document.object());
}

bool JsonBody::present(const QString &field, bool required)
{
    const QJsonValue value = m_object.value(field);
    if (!value.isUndefined() && !value.isNull())
        return true;
    if (required)
        invalid(field, QStringLiteral("Field is required."));
    return false;
}

QString JsonBody::string(const QString &field, bool required)
{
    if (!present(field, required))
        return {};
    const QJsonValue value = m_object.value(field);
    if (!value.isString()) {
        invalid(field, QStringLiteral("Must be a string."));
        return {};
    }
    if (required && value.toString().isEmpty())
        invalid(field, QStringLiteral("Must not be empty."));
    return value.toString();
}

std::optional<qint64> JsonBody::integer(const QString &field, bool required)
{
    if (!present(field, required))
        return std::nullopt;
    const QJsonValue value = m_object.value(field);
    // toInteger() keeps all 64 bits of a JSON integer; two different defaults tell a real
    // integer from a refusal (a fraction, a string, out of range).
    const qint64 a = value.toInteger(0);
    if (!value.isDouble() || a != value.toInteger(1)) {
        invalid(field, QStringLiteral("Must be an integer."));
        return std::nullopt;
    }
    return a;
}

QStringList JsonBody::stringList(const QString &field, bool required)
{
    if (!present(field, required))
        return {};
    const QJsonValue value = m_object.value(field);
    if (!value.isArray()) {
        invalid(field, QStringLiteral("Must be an array of strings."));
        return {};
    }
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString()) {
            invalid(field, QStringLiteral("Must be an array of strings."));
            return {};
        }
        list.append(item.toString());
    }
    return list;
}

std::optional<bool> JsonBody::boolean(const QString &field, bool required)
{
    if (!present(field, required))
        return std::nullopt;
    const QJsonValue value = m_object.value(field);
    if (!value.isBool()) {
        invalid(field, QStringLiteral("Must be true or false."));
        return std::nullopt;
    }
    return value.toBool();
}

QMap<QString, QString> JsonBody::stringMap(const QString &field, bool required)
{
    if (!present(field, required))
        return {};
    const QJsonValue value = m_object.value(field);
    QMap<QString, QString> map;
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); value.isObject() && it != object.constEnd(); ++it) {
        if (!it.value().isString()) {
            invalid(field, QStringLiteral("Must be an object of strings."));
            return {};
        }
        map.insert(it.key(), it.value().toString());
    }
    if (!value.isObject())
        invalid(field, QStringLiteral("Must be an object of strings."));
    return map;
}

void JsonBody::invalid(const QString &field, const QString &detail)
{
    for (const auto &v : std::as_const(m_validations))
        if (v.field == field)
            return; // one complaint per field is enough
    m_validations.append({field, detail});
}

std::optional<core::ApiError> JsonBody::error() const
{
    if (m_validations.isEmpty())
        return std::nullopt;
    core::ApiError error = core::ApiError::badRequest(QStringLiteral("Validation failed."));
    error.validations = m_validations;
    return error;
}

} // namespace coder::server
