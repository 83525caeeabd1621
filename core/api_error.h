#pragma once

#include "core/json_mapping.h"

#include <QList>
#include <QString>

namespace coder::core {

// The one error shape of the API (Coder's codersdk.Response): {"message", "detail",
// "validations": [{"field", "detail"}]}, plus the HTTP status it travels with (0: no answer came)
// and, for 503 and 429, the Retry-After it is sent with. coderd makes it from a DomainError
// (server/coderd/api_errors.h); clients read it from any non-2xx answer.
struct ApiError
{
    struct Validation
    {
        QString field;
        QString detail;

        static auto jsonFields()
        {
            return std::make_tuple(json::field("field", &Validation::field),
                                   json::field("detail", &Validation::detail));
        }
    };

    int status = 500;
    QString message;
    QString detail;
    QList<Validation> validations;
    int retryAfterSeconds = 0; // > 0: sent as Retry-After (503, 429)

    static auto jsonFields()
    {
        return std::make_tuple(json::field("message", &ApiError::message),
                               json::field("detail", &ApiError::detail, json::OmitEmpty),
                               json::field("validations", &ApiError::validations, json::OmitEmpty));
    }

    // The HTTP layer's own refusals (no route, a handler that failed).
    static ApiError notFound(const QString &message, const QString &detail = {});
    static ApiError internal(const QString &message, const QString &detail = {});

    // Everything the server said, as one text for a dialog or a status line: the message, then
    // the detail and each field's problem ("email: must be a valid address"), one per line.
    QString describe() const;

    // Parses an error body; falls back to the raw text when it is not the JSON shape.
    static ApiError fromResponse(int status, const QByteArray &body);
};

} // namespace coder::core
