#include "json_codec.h"

#include "authz.h"

#include <QJsonDocument>
#include <chrono>
#include <cstdio>

namespace coder::server {

QString toRfc3339(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    // Every user and key in every response carries three times: std::chrono's calendar does in
    // a fraction of a microsecond what QDateTime::toString does in several.
    using namespace std::chrono;
    const sys_time<milliseconds> point{milliseconds{time.toMSecsSinceEpoch()}};
    const sys_days day = floor<days>(point);
    const year_month_day date{day};
    const hh_mm_ss clock{point - day};
    char text[40];
    const int length = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                                     int(date.year()), unsigned(date.month()), unsigned(date.day()),
                                     int(clock.hours().count()), int(clock.minutes().count()),
                                     int(clock.seconds().count()), int(clock.subseconds().count()));
    return QString::fromLatin1(text, length);
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
        .value(uuidText(user.id))
        .key("username")
        .value(user.username)
        .key("name")
        .value(user.name)
        .key("email")
        .value(user.email)
        .key("created_at")
        .value(toRfc3339(user.createdAt))
        .key("updated_at")
        .value(toRfc3339(user.updatedAt))
        .key("last_seen_at")
        .value(toRfc3339(user.lastSeenAt))
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
        .value(uuidText(key.userId))
        .key("token_name")
        .value(key.tokenName)
        .key("login_type")
        .value(key.loginType)
        .key("scope")
        .value(key.scope)
        .key("lifetime_seconds")
        .value(key.lifetimeSeconds)
        .key("last_used")
        .value(toRfc3339(key.lastUsed))
        .key("expires_at")
        .value(toRfc3339(key.expiresAt))
        .key("created_at")
        .value(toRfc3339(key.createdAt))
        .key("updated_at")
        .value(toRfc3339(key.updatedAt))
        .endObject();
}

void writeAuditLog(core::JsonWriter &json, const AuditLog &entry)
{
    json.beginObject()
        .key("id")
        .value(uuidText(entry.id))
        .key("time")
        .value(toRfc3339(entry.time))
        .key("user_id")
        .value(uuidText(entry.userId))
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
