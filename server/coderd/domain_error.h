#pragma once

#include "core/result.h"
#include "server/database/store_error.h"

#include <QList>
#include <QString>

namespace coder::server {

// How a service call failed, in the domain's words (ARCHITECTURE.md §3): services return a value
// or a DomainError and know no HTTP status; toHttp() (api_errors.h) is the one place that turns
// a kind into a status code and the JSON error body.
struct DomainError
{
    enum class Kind {
        Invalid,      // the request is malformed or breaks a rule (validations name the fields)
        Unauthorized, // no valid credentials
        Forbidden,    // credentials, but not allowed
        NotFound,     // no such thing, or one the actor may not even know exists
        Conflict,     // clashes with the current state (a name taken, a build running)
        Gone,         // it existed and was deleted
        TooLarge,     // past a size limit (an agent's logs)
        RateLimited,  // too many attempts; retryAfterSeconds says when to try again
        Unavailable,  // a dependency (the database) does not answer; retryAfterSeconds too
        Internal,     // a fault of this server; the detail goes to the log, not the client
    };
    struct Validation
    {
        QString field;
        QString detail;
    };

    Kind kind = Kind::Internal;
    QString message;
    QString detail;
    QList<Validation> validations;
    int retryAfterSeconds = 0;

    static DomainError invalid(const QString &message, const QString &detail = {});
    // "Validation failed." with one validation.
    static DomainError invalidField(const QString &field, const QString &detail);
    static DomainError unauthorized(const QString &message, const QString &detail = {});
    static DomainError forbidden(const QString &message = QStringLiteral("Forbidden."));
    static DomainError notFound(const QString &message, const QString &detail = {});
    // With field: also a validation on it (what a form shows next to the field).
    static DomainError conflict(const QString &message, const QString &field = {},
                                const QString &detail = {});
    static DomainError gone(const QString &message, const QString &detail = {});
    static DomainError tooLarge(const QString &message, const QString &detail = {});
    static DomainError rateLimited(const QString &message, int retryAfterSeconds);
    static DomainError unavailable(const QString &message, int retryAfterSeconds = 5);
    static DomainError internal(const QString &message, const QString &detail = {});
    // A store failure about `what` ("workspace", "template version"): NotFound, Conflict and
    // Unavailable keep their meaning; an internal one is logged and answered without detail.
    static DomainError fromStore(const StoreError &error, const QString &what);

    DomainError &withValidation(const QString &field, const QString &detail);
    bool is(Kind other) const { return kind == other; }
};

template <typename T> using Outcome = core::Result<T, DomainError>;

} // namespace coder::server
