#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace coder::core {

// The one error shape of the API: {"message", "detail", "validations": [{"field", "detail"}]}
// plus the HTTP status it travels with.
struct ApiError
{
    struct Validation
    {
        QString field;
        QString detail;
    };

    int status = 500;
    QString message;
    QString detail;
    QList<Validation> validations;
    int retryAfterSeconds = 0; // > 0: sent as Retry-After (503, 429)

    static ApiError badRequest(const QString &message, const QString &detail = {});
    static ApiError invalidField(const QString &field, const QString &detail);
    static ApiError unauthorized(const QString &message, const QString &detail = {});
    static ApiError forbidden(const QString &message = QStringLiteral("Forbidden."));
    static ApiError notFound(const QString &message, const QString &detail = {});
    static ApiError conflict(const QString &message, const QString &field = {},
                             const QString &detail = {});
    static ApiError internal(const QString &message, const QString &detail = {});
    // 503: a dependency (the database) does not answer; try again after retryAfterSeconds.
    static ApiError unavailable(const QString &message, int retryAfterSeconds = 5);

    ApiError &withValidation(const QString &field, const QString &detail);

    QJsonObject toJson() const;
    // Parses an error body; falls back to the raw text when it is not the JSON shape.
    static ApiError fromResponse(int status, const QByteArray &body);
};

} // namespace coder::core
