#pragma once

#include "core/json_writer.h"
#include "server/database/models.h"

namespace coder::server {

// The API's JSON shapes (Coder's names): snake_case, RFC 3339 UTC times, ids as strings.
// Written with core::JsonWriter: these are in nearly every response.
QString toRfc3339(const QDateTime &time);
// A UUID as the API shows it (no braces); empty for the null UUID.
QString uuidText(const QUuid &id);
void writeUser(core::JsonWriter &json, const User &user);
void writeRoles(core::JsonWriter &json, const QStringList &roles);
void writeApiKey(core::JsonWriter &json, const ApiKey &key);
void writeAuditLog(core::JsonWriter &json, const AuditLog &entry);

} // namespace coder::server
