#include "api_error.h"

#include <QStringList>

namespace coder::core {

ApiError ApiError::notFound(const QString &message, const QString &detail)
{
    return {404, message, detail, {}};
}

ApiError ApiError::internal(const QString &message, const QString &detail)
{
    return {500, message, detail, {}};
}

ApiError ApiError::fromResponse(int status, const QByteArray &body)
{
    ApiError error{status, {}, {}, {}};
    if (auto parsed = json::fromJson<ApiError>(body)) {
        error = *parsed;
        error.status = status;
    }
    if (error.message.isEmpty())
        error.message = body.isEmpty() ? QStringLiteral("HTTP status %1").arg(status)
                                       : QString::fromUtf8(body.left(512)).trimmed();
    return error;
}

QString ApiError::describe() const
{
    QStringList lines{message};
    if (!detail.isEmpty())
        lines.append(detail);
    for (const Validation &validation : validations)
        lines.append(validation.field + QStringLiteral(": ") + validation.detail);
    return lines.join(u'\n');
}

} // namespace coder::core
