#pragma once

#include "domain_error.h"
#include "server/http/http_response.h"

namespace coder::server {

// The one mapping of a domain error to HTTP (ARCHITECTURE.md §3): its status code, the JSON error
// body {"message", "detail", "validations"} and, for RateLimited and Unavailable, Retry-After.
int httpStatus(DomainError::Kind kind);
HttpResponse toHttp(const DomainError &error);

} // namespace coder::server
