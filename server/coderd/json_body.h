#pragma once

#include "core/api_error.h"
#include "core/result.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace coder::server {

struct HttpRequest;

// Reads a request's JSON object field by field, collecting one validation per bad field, so a
// client learns about every problem at once: {"message": "Validation failed.", "validations":
// [...]}.
class JsonBody
{
public:
    // Fails with 400 when the body is not a JSON object.
    static core::Result<JsonBody, core::ApiError> parse(const HttpRequest &request);

    QString string(const QString &field, bool required = true);
    std::optional<qint64> integer(const QString &field, bool required = true);
    QStringList stringList(const QString &field, bool required = true);
    std::optional<bool> boolean(const QString &field, bool required = false);
    // A JSON object of strings ({"k": "v"}).
    QMap<QString, QString> stringMap(const QString &field, bool required = false);
    // The field as sent (undefined when absent): for shapes a route checks itself.
    QJsonValue raw(const QString &field) const { return m_object.value(field); }
    // Present with an explicit null (e.g. "ttl_ms": null to clear a setting).
    bool isNull(const QString &field) const { return m_object.value(field).isNull(); }
    bool has(const QString &field) const { return m_object.contains(field); }

    void invalid(const QString &field, const QString &detail);
    // The collected validations as one 400 error, or nullopt when all fields were fine.
    std::optional<core::ApiError> error() const;

private:
    explicit JsonBody(QJsonObject object) : m_object(std::move(object)) {}
    bool present(const QString &field, bool required);

    QJsonObject m_object;
    QList<core::ApiError::Validation> m_validations;
};

} // namespace coder::server
