#pragma once

#include "core/api_error.h"
#include "core/result.h"
#include "server/database/models.h"

#include <QString>

namespace coder::server {

struct HttpRequest;
class JsonBody;

struct Pagination
{
    int limit = 0;
    int offset = 0;
};

// Reads ?limit=&offset=; non-numbers, negatives and limits above maxLimit are a 400 naming
// the parameter.
core::Result<Pagination, core::ApiError> parsePagination(const HttpRequest &request,
                                                         int defaultLimit, int maxLimit);

// A path parameter that must be a UUID: 400 naming it otherwise.
core::Result<QUuid, core::ApiError> uuidParam(const HttpRequest &request, const QString &name);

// Field rules shared by every route that takes a user's details. Each returns the problem
// in words, or an empty string when the value is fine.
QString usernameProblem(const QString &username);
// Template and workspace names follow Coder's username rule.
inline QString resourceNameProblem(const QString &name)
{
    return usernameProblem(name);
}
QString emailProblem(const QString &email);
QString passwordProblem(const QString &password, const QString &username, const QString &email);
QString nameProblem(const QString &name);

// Reads {"email", "username", "name", "password"} for a new account; problems are recorded
// in body. The password comes back hashed.
User readNewUser(JsonBody &body);

} // namespace coder::server
