#include "json_codec.h"

#include "authz.h"

#include <QJsonArray>

namespace coder::server {

QString toRfc3339(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

static QString uuidText(const QUuid &id)
{
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

QJsonArray rolesToJson(const QStringList &roles)
{
    QJsonArray list;
    for (const QString &role : roles)
        list.append(QJsonObject{{QStringLiteral("name"), role},
                                {QStringLiteral("display_name"), roles::displayName(role)}});
    return list;
}

QJsonObject userToJson(const User &user)
{
    return {
        {QStringLiteral("id"), uuidText(user.id)},
        {QStringLiteral("username"), user.username},
        {QStringLiteral("name"), user.name},
        {QStringLiteral("email"), user.email},
        {QStringLiteral("created_at"), toRfc3339(user.createdAt)},
        {QStringLiteral("updated_at"), toRfc3339(user.updatedAt)},
        {QStringLiteral("last_seen_at"), toRfc3339(user.lastSeenAt)},
        {QStringLiteral("status"), user.status},
        {QStringLiteral("login_type"), user.loginType},
        {QStringLiteral("roles"), rolesToJson(user.roles)},
        {QStringLiteral("avatar_url"), QString()},
        {QStringLiteral("theme_preference"), QString()},
    };
}

QJsonObject apiKeyToJson(const ApiKey &key)
{
    return {
        {QStringLiteral("id"), key.id},
        {QStringLiteral("user_id"), uuidText(key.userId)},
        {QStringLiteral("token_name"), key.tokenName},
        {QStringLiteral("login_type"), key.loginType},
        {QStringLiteral("scope"), key.scope},
        {QStringLiteral("lifetime_seconds"), key.lifetimeSeconds},
        {QStringLiteral("last_used"), toRfc3339(key.lastUsed)},
        {QStringLiteral("expires_at"), toRfc3339(key.expiresAt)},
        {QStringLiteral("created_at"), toRfc3339(key.createdAt)},
        {QStringLiteral("updated_at"), toRfc3339(key.updatedAt)},
    };
}

QJsonObject auditLogToJson(const AuditLog &entry)
{
    return {
        {QStringLiteral("id"), uuidText(entry.id)},
        {QStringLiteral("time"), toRfc3339(entry.time)},
        {QStringLiteral("user_id"), uuidText(entry.userId)},
        {QStringLiteral("ip"), entry.ipAddress},
        {QStringLiteral("user_agent"), entry.userAgent},
        {QStringLiteral("resource_type"), entry.resourceType},
        {QStringLiteral("resource_id"), entry.resourceId},
        {QStringLiteral("resource_target"), entry.resourceTarget},
        {QStringLiteral("action"), entry.action},
        {QStringLiteral("diff"), entry.diff},
        {QStringLiteral("status_code"), entry.statusCode},
        {QStringLiteral("request_id"), entry.requestId},
        {QStringLiteral("additional_fields"), entry.additionalFields},
    };
}

} // namespace coder::server
