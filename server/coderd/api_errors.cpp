#include "api_errors.h"

namespace coder::server {

int httpStatus(DomainError::Kind kind)
{
    switch (kind) {
    case DomainError::Kind::Invalid:
        return 400;
    case DomainError::Kind::Unauthorized:
        return 401;
    case DomainError::Kind::Forbidden:
        return 403;
    case DomainError::Kind::NotFound:
        return 404;
    case DomainError::Kind::Conflict:
        return 409;
    case DomainError::Kind::Gone:
        return 410;
    case DomainError::Kind::TooLarge:
        return 413;
    case DomainError::Kind::RateLimited:
        return 429;
    case DomainError::Kind::Unavailable:
        return 503;
    case DomainError::Kind::Internal:
        break;
    }
    return 500;
}

HttpResponse toHttp(const DomainError &error)
{
    core::ApiError body{httpStatus(error.kind), error.message, error.detail, {}};
    for (const DomainError::Validation &validation : error.validations)
        body.validations.append({validation.field, validation.detail});
    body.retryAfterSeconds = error.retryAfterSeconds;
    return HttpResponse::error(body);
}

} // namespace coder::server
