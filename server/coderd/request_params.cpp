#include "request_params.h"

#include "json_body.h"
#include "password_hasher.h"
#include "server/http/http_request.h"

#include <QRegularExpression>

namespace coder::server {

core::Result<Pagination, core::ApiError> parsePagination(const HttpRequest &request,
                                                         int defaultLimit, int maxLimit)
{
    Pagination page{defaultLimit, 0};
    for (const auto &[name, target, max] :
         {std::tuple{QStringLiteral("limit"), &page.limit, maxLimit},
          std::tuple{QStringLiteral("offset"), &page.offset, std::numeric_limits<int>::max()}}) {
        if (!request.query.hasQueryItem(name))
            continue;
        bool ok = false;
        const int value = request.query.queryItemValue(name).toInt(&ok);
        if (!ok || value < 0 || value > max)
            return core::ApiError::badRequest(
                       QStringLiteral("Query parameters have invalid values."))
                .withValidation(name, QStringLiteral("Must be an integer from 0 to %1.").arg(max));
        *target = value;
    }
    if (page.limit == 0)
        page.limit = defaultLimit;
    return page;
}

core::Result<QUuid, core::ApiError> uuidParam(const HttpRequest &request, const QString &name)
{
    const QUuid id = QUuid::fromString(request.pathParam(name));
    if (id.isNull())
        return core::ApiError::badRequest(
            QStringLiteral("Invalid UUID \"%1\".").arg(request.pathParam(name)),
            QStringLiteral("The %1 in the path must be a UUID.").arg(name));
    return id;
}

QString usernameProblem(const QString &username)
{
    // Coder's rule: letters and digits in groups joined by single hyphens, at most 32.
    static const QRegularExpression pattern(QStringLiteral("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$"));
    if (username.isEmpty())
        return QStringLiteral("Field is required.");
    if (username.size() > 32)
        return QStringLiteral("Must be at most 32 characters.");
    if (!pattern.match(username).hasMatch())
        return QStringLiteral("Must be letters and digits, optionally joined by single hyphens.");
    if (username == QLatin1String("me"))
        return QStringLiteral("\"me\" is reserved.");
    return {};
}

QString emailProblem(const QString &email)
{
    static const QRegularExpression pattern(QStringLiteral("^[^@\\s]+@[^@\\s]+$"));
    if (email.isEmpty())
        return QStringLiteral("Field is required.");
    if (email.size() > 254 || !pattern.match(email).hasMatch())
        return QStringLiteral("Must be a valid email address.");
    return {};
}

QString passwordProblem(const QString &password, const QString &username, const QString &email)
{
    if (password.size() < 8)
        return QStringLiteral("Must be at least 8 characters.");
    if (password.size() > 256)
        return QStringLiteral("Must be at most 256 characters.");
    if (password.compare(username, Qt::CaseInsensitive) == 0 ||
        password.compare(email, Qt::CaseInsensitive) == 0)
        return QStringLiteral("Must not be the username or the email address.");
    return {};
}

QString nameProblem(const QString &name)
{
    if (name.size() > 128)
        return QStringLiteral("Must be at most 128 characters.");
    return {};
}

User readNewUser(JsonBody &body)
{
    User user;
    user.email = body.string(QStringLiteral("email")).trimmed();
    user.username = body.string(QStringLiteral("username"));
    user.name = body.string(QStringLiteral("name"), false);
    const QString password = body.string(QStringLiteral("password"));
    if (const QString problem = emailProblem(user.email); !problem.isEmpty())
        body.invalid(QStringLiteral("email"), problem);
    if (const QString problem = usernameProblem(user.username); !problem.isEmpty())
        body.invalid(QStringLiteral("username"), problem);
    if (const QString problem = nameProblem(user.name); !problem.isEmpty())
        body.invalid(QStringLiteral("name"), problem);
    if (const QString problem = passwordProblem(password, user.username, user.email);
        !problem.isEmpty())
        body.invalid(QStringLiteral("password"), problem);
    if (body.error())
        return user; // no hashing for a request that is refused anyway
    const QDateTime now = QDateTime::currentDateTimeUtc();
    user.id = QUuid::createUuid();
    user.hashedPassword = PasswordHasher::hash(password);
    user.createdAt = user.updatedAt = now;
    return user;
}

} // namespace coder::server
