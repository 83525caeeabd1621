#pragma once

#include "server/database/models.h"

#include <QJsonObject>

namespace coder::server {

// The API's JSON shapes (Coder's names): snake_case, RFC 3339 UTC times, ids as strings.
QString toRfc3339(const QDateTime &time);
QJsonObject userToJson(const User &user);
QJsonArray rolesToJson(const QStringList &roles);
QJsonObject apiKeyToJson(const ApiKey &key);
QJsonObject auditLogToJson(const AuditLog &entry);

} // namespace coder::server
