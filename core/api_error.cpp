#include "api_error.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace coder::core {

ApiError ApiError::badRequest(const QString &message, const QString &detail)
{
    return {400, message, detail, {}};
}

ApiError ApiError::invalidField(const QString &field, const QString &detail)
{
    return ApiError{400, QStringLiteral("Validation failed."), {}, {}}.withValidation(field,
                                                                                      detail);
}

ApiError ApiError::unauthorized(const QString &message, const QString &detail)
{
    return {401, message, detail, {}};
}

ApiError ApiError::forbidden(const QString &message)
{
    return {403, message, {}, {}};
}

ApiError ApiError::notFound(const QString &message, const QString &detail)
{
    return {404, message, detail, {}};
}

ApiError ApiError::conflict(const QString &message, const QString &field, const QString &detail)
{
    ApiError error{409, message, detail, {}};
    if (!field.isEmpty())
        error.withValidation(field, detail.isEmpty() ? message : detail);
    return error;
}

ApiError ApiError::internal(const QString &message, const QString &detail)
{
    return {500, message, detail, {}};
}

ApiError ApiError::unavailable(const QString &message, int retryAfterSeconds)
{
    ApiError error{503, message, {}, {}};
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
}

ApiError &ApiError::withValidation(const QString &field, const QString &detail)
{
    validations.append({field, detail});
    return *this;
}

QJsonObject ApiError::toJson() const
{
    QJsonObject object{{QStringLiteral("message"), message}};
    if (!detail.isEmpty())
        object.insert(QStringLiteral("detail"), detail);
    if (!validations.isEmpty()) {
        QJsonArray list;
        for (const auto &v : validations)
            list.append(QJsonObject{{QStringLiteral("field"), v.field},
                                    {QStringLiteral("detail"), v.detail}});
        object.insert(QStringLiteral("validations"), list);
    }
    return object;
}

ApiError ApiError::fromResponse(int status, const QByteArray &body)
{
    ApiError error{status, {}, {}, {}};
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    error.message = object.value(QStringLiteral("message")).toString();
    error.detail = object.value(QStringLiteral("detail")).toString();
    const QJsonArray validations = object.value(QStringLiteral("validations")).toArray();
    for (const auto &v : validations) {
        const QJsonObject o = v.toObject();
        error.validations.append({o.value(QStringLiteral("field")).toString(),
                                  o.value(QStringLiteral("detail")).toString()});
    }
    if (error.message.isEmpty())
        error.message = body.isEmpty() ? QStringLiteral("HTTP status %1").arg(status)
                                       : QString::fromUtf8(body.left(512)).trimmed();
    return error;
}

} // namespace coder::core
