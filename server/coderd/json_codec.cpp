#include "json_codec.h"

#include "authz.h"

#include <QJsonDocument>

namespace coder::server {

QString toRfc3339(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    char text[core::kRfc3339Size];
    const qsizetype length = core::formatRfc3339(time.toMSecsSinceEpoch(), text);
    return length ? QString::fromLatin1(text, length) : time.toUTC().toString(Qt::ISODateWithMs);
}

QString uuidText(const QUuid &id)
{
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

// clang-format off: one key per line reads like the JSON it writes
void writeRoles(core::JsonWriter &json, const QStringList &roles)
{
    json.beginArray();
    for (const QString &role : roles)
        json.beginObject()
            .key("name")
            .value(role)
            .key("display_name")
            .value(roles::displayName(role))
            .endObject();
    json.endArray();
}

void writeUser(core::JsonWriter &json, const User &user)
{
    json.beginObject()
        .key("id")
        .value(user.id)
        .key("username")
        .value(user.username)
        .key("name")
        .value(user.name)
        .key("email")
        .value(user.email)
        .key("created_at")
        .value(user.createdAt)
        .key("updated_at")
        .value(user.updatedAt)
        .key("last_seen_at")
        .value(user.lastSeenAt)
        .key("status")
        .value(user.status)
        .key("login_type")
        .value(user.loginType)
        .key("roles");
    writeRoles(json, user.roles);
    json.key("avatar_url").value("").key("theme_preference").value("").endObject();
}

void writeApiKey(core::JsonWriter &json, const ApiKey &key)
{
    json.beginObject()
        .key("id")
        .value(key.id)
        .key("user_id")
        .value(key.userId)
        .key("token_name")
        .value(key.tokenName)
        .key("login_type")
        .value(key.loginType)
        .key("scope")
        .value(key.scope)
        .key("lifetime_seconds")
        .value(key.lifetimeSeconds)
        .key("last_used")
        .value(key.lastUsed)
        .key("expires_at")
        .value(key.expiresAt)
        .key("created_at")
        .value(key.createdAt)
        .key("updated_at")
        .value(key.updatedAt)
        .endObject();
}

void writeAuditLog(core::JsonWriter &json, const AuditLog &entry)
{
    json.beginObject()
        .key("id")
        .value(entry.id)
        .key("time")
        .value(entry.time)
        .key("user_id")
        .value(entry.userId)
        .key("ip")
        .value(entry.ipAddress)
        .key("user_agent")
        .value(entry.userAgent)
        .key("resource_type")
        .value(entry.resourceType)
        .key("resource_id")
        .value(entry.resourceId)
        .key("resource_target")
        .value(entry.resourceTarget)
        .key("action")
        .value(entry.action)
        .key("diff")
        .raw(compact(entry.diff))
        .key("status_code")
        .value(entry.statusCode)
        .key("request_id")
        .value(entry.requestId)
        .key("additional_fields")
        .raw(compact(entry.additionalFields))
        .endObject();
}
// clang-format on

} // namespace coder::server
