#include "api_types.h"

#include "json_fields.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace coder::core {

namespace {

using json_fields::optionalString;
using json_fields::optionalTime;
using json_fields::requiredString;

} // namespace

QDateTime parseApiTime(const QString &text)
{
    if (text.isEmpty())
        return {};
    // Qt reads at most milliseconds; cut longer fractions (Go's nanoseconds) down to three digits.
    static const QRegularExpression fraction(QStringLiteral("\\.(\\d{1,3})\\d*"));
    QString normalized = text;
    normalized.replace(fraction, QStringLiteral(".\\1"));
    QDateTime time = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!time.isValid() || time.date().year() <= 1)
        return {};
    return time.toUTC();
}

QString formatApiTime(const QDateTime &time)
{
    if (!time.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    return time.toUTC().toString(Qt::ISODateWithMs);
}

Result<Role, QString> Role::fromJson(const QJsonObject &object)
{
    QString error;
    const auto name = requiredString(object, QStringLiteral("name"), error);
    if (!name)
        return error;
    return Role{*name, optionalString(object, QStringLiteral("display_name"))};
}

QJsonObject Role::toJson() const
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("display_name"), displayName}};
}

Result<User, QString> User::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    const auto username = requiredString(object, QStringLiteral("username"), error);
    if (!id || !username)
        return error;
    User user;
    user.id = *id;
    user.username = *username;
    user.name = optionalString(object, QStringLiteral("name"));
    user.email = optionalString(object, QStringLiteral("email"));
    user.createdAt = optionalTime(object, QStringLiteral("created_at"));
    user.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    user.lastSeenAt = optionalTime(object, QStringLiteral("last_seen_at"));
    user.status = optionalString(object, QStringLiteral("status"));
    user.loginType = optionalString(object, QStringLiteral("login_type"));
    auto roles = listFromJson<Role>(object.value(QStringLiteral("roles")).toArray());
    if (!roles)
        return QStringLiteral("field \"roles\": %1").arg(roles.error());
    user.roles = std::move(roles.value());
    for (const auto &org : object.value(QStringLiteral("organization_ids")).toArray())
        user.organizationIds.append(org.toString());
    user.avatarUrl = optionalString(object, QStringLiteral("avatar_url"));
    user.themePreference = optionalString(object, QStringLiteral("theme_preference"));
    return user;
}

QJsonObject User::toJson() const
{
    QJsonArray roleArray;
    for (const auto &role : roles)
        roleArray.append(role.toJson());
    return {{QStringLiteral("id"), id},
            {QStringLiteral("username"), username},
            {QStringLiteral("name"), name},
            {QStringLiteral("email"), email},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)},
            {QStringLiteral("last_seen_at"), formatApiTime(lastSeenAt)},
            {QStringLiteral("status"), status},
            {QStringLiteral("login_type"), loginType},
            {QStringLiteral("roles"), roleArray},
            {QStringLiteral("organization_ids"), QJsonArray::fromStringList(organizationIds)},
            {QStringLiteral("avatar_url"), avatarUrl},
            {QStringLiteral("theme_preference"), themePreference}};
}

Result<UsersPage, QString> UsersPage::fromJson(const QJsonObject &object)
{
    const QJsonValue users = object.value(QStringLiteral("users"));
    if (!users.isArray())
        return QStringLiteral("missing or invalid field \"users\"");
    auto list = listFromJson<User>(users.toArray());
    if (!list)
        return QStringLiteral("field \"users\": %1").arg(list.error());
    UsersPage page;
    page.users = std::move(list.value());
    page.count = object.value(QStringLiteral("count")).toInteger(page.users.size());
    return page;
}

Result<ApiKey, QString> ApiKey::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    ApiKey key;
    key.id = *id;
    key.userId = optionalString(object, QStringLiteral("user_id"));
    key.tokenName = optionalString(object, QStringLiteral("token_name"));
    key.loginType = optionalString(object, QStringLiteral("login_type"));
    key.scope = optionalString(object, QStringLiteral("scope"));
    key.lifetimeSeconds = object.value(QStringLiteral("lifetime_seconds")).toInteger();
    key.lastUsed = optionalTime(object, QStringLiteral("last_used"));
    key.expiresAt = optionalTime(object, QStringLiteral("expires_at"));
    key.createdAt = optionalTime(object, QStringLiteral("created_at"));
    key.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    return key;
}

QJsonObject ApiKey::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("user_id"), userId},
            {QStringLiteral("token_name"), tokenName},
            {QStringLiteral("login_type"), loginType},
            {QStringLiteral("scope"), scope},
            {QStringLiteral("lifetime_seconds"), lifetimeSeconds},
            {QStringLiteral("last_used"), formatApiTime(lastUsed)},
            {QStringLiteral("expires_at"), formatApiTime(expiresAt)},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)}};
}

QJsonObject CreateFirstUserRequest::toJson() const
{
    return {{QStringLiteral("email"), email},
            {QStringLiteral("username"), username},
            {QStringLiteral("name"), name},
            {QStringLiteral("password"), password}};
}

Result<CreateFirstUserResponse, QString>
CreateFirstUserResponse::fromJson(const QJsonObject &object)
{
    QString error;
    const auto userId = requiredString(object, QStringLiteral("user_id"), error);
    if (!userId)
        return error;
    return CreateFirstUserResponse{*userId,
                                   optionalString(object, QStringLiteral("organization_id"))};
}

QJsonObject CreateUserRequest::toJson() const
{
    return {{QStringLiteral("email"), email},
            {QStringLiteral("username"), username},
            {QStringLiteral("name"), name},
            {QStringLiteral("password"), password}};
}

QJsonObject CreateTokenRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("scope"), scope}};
    if (!tokenName.isEmpty())
        object.insert(QStringLiteral("token_name"), tokenName);
    if (lifetimeNanoseconds > 0)
        object.insert(QStringLiteral("lifetime"), lifetimeNanoseconds);
    return object;
}

} // namespace coder::core
