#include "domain_error.h"

#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcApi, "coder.api")

DomainError DomainError::invalid(const QString &message, const QString &detail)
{
    return {Kind::Invalid, message, detail, {}, 0};
}

DomainError DomainError::invalidField(const QString &field, const QString &detail)
{
    return invalid(QStringLiteral("Validation failed.")).withValidation(field, detail);
}

DomainError DomainError::unauthorized(const QString &message, const QString &detail)
{
    return {Kind::Unauthorized, message, detail, {}, 0};
}

DomainError DomainError::forbidden(const QString &message)
{
    return {Kind::Forbidden, message, {}, {}, 0};
}

DomainError DomainError::notFound(const QString &message, const QString &detail)
{
    return {Kind::NotFound, message, detail, {}, 0};
}

DomainError DomainError::conflict(const QString &message, const QString &field,
                                  const QString &detail)
{
    DomainError error{Kind::Conflict, message, detail, {}, 0};
    if (!field.isEmpty())
        error.withValidation(field, detail.isEmpty() ? message : detail);
    return error;
}

DomainError DomainError::gone(const QString &message, const QString &detail)
{
    return {Kind::Gone, message, detail, {}, 0};
}

DomainError DomainError::tooLarge(const QString &message, const QString &detail)
{
    return {Kind::TooLarge, message, detail, {}, 0};
}

DomainError DomainError::rateLimited(const QString &message, int retryAfterSeconds)
{
    return {Kind::RateLimited,
            message,
            QStringLiteral("Retry in %1 s.").arg(retryAfterSeconds),
            {},
            retryAfterSeconds};
}

DomainError DomainError::unavailable(const QString &message, int retryAfterSeconds)
{
    return {Kind::Unavailable, message, {}, {}, retryAfterSeconds};
}

DomainError DomainError::internal(const QString &message, const QString &detail)
{
    return {Kind::Internal, message, detail, {}, 0};
}

DomainError DomainError::fromStore(const StoreError &error, const QString &what)
{
    switch (error.kind) {
    case StoreError::NotFound:
        return notFound(QStringLiteral("No %1 found.").arg(what));
    case StoreError::Conflict:
        return conflict(error.message.isEmpty() ? QStringLiteral("The %1 already exists.").arg(what)
                                                : error.message,
                        error.field);
    case StoreError::Unavailable:
        qCWarning(lcApi) << "database unavailable for" << what << ":" << error.message;
        return unavailable(
            QStringLiteral("The database is not available right now; try again shortly."));
    case StoreError::Internal:
        break;
    }
    qCWarning(lcApi) << "database error on" << what << ":" << error.message;
    return internal(QStringLiteral("Internal error accessing the %1.").arg(what),
                    QStringLiteral("See the server log for details."));
}

DomainError &DomainError::withValidation(const QString &field, const QString &detail)
{
    validations.append({field, detail});
    return *this;
}

} // namespace coder::server
