#pragma once

#include "core/json_mapping.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUuid>
#include <optional>

// The API's identity, organization, audit and deployment types (Coder's shapes, v2.16: snake_case
// fields, ids as UUIDs, RFC 3339 UTC times), each with its one field list (json_mapping.h) that
// coderd writes and the clients read. Coder's reference: https://coder.com/docs/reference/api.
namespace coder::core {

using json::field;
using json::Nullable;
using json::OmitEmpty;
using json::Required;

// RFC 3339 with any number of fractional digits (Go writes up to nine); invalid when not one.
QDateTime parseApiTime(const QString &text);
// RFC 3339 UTC with milliseconds; an invalid time becomes the zero time Go would write.
QString formatApiTime(const QDateTime &time);
// An id as a path segment or a table cell: without braces; the null UUID as "".
QString idText(const QUuid &id);

struct SlimRole
{
    QString name;
    QString displayName;
    QString organizationId; // a site role: empty, left out

    static auto jsonFields()
    {
        return std::make_tuple(field("name", &SlimRole::name, Required),
                               field("display_name", &SlimRole::displayName),
                               field("organization_id", &SlimRole::organizationId, OmitEmpty));
    }
};

struct MinimalUser
{
    QUuid id;
    QString username;
    QString avatarUrl;

    static auto jsonFields()
    {
        return std::make_tuple(field("id", &MinimalUser::id),
                               field("username", &MinimalUser::username),
                               field("avatar_url", &MinimalUser::avatarUrl));
    }
};

struct User
{
    QUuid id;
    QString username;
    QString avatarUrl;
    QString name;
    QString email;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastSeenAt;
    QString status; // active | dormant | suspended
    QString loginType;
    QString themePreference;
    QList<QUuid> organizationIds;
    QList<SlimRole> roles; // site roles; the implied "member" is not listed

    static auto jsonFields()
    {
        return std::make_tuple(
            field("id", &User::id, Required), field("username", &User::username, Required),
            field("avatar_url", &User::avatarUrl), field("name", &User::name),
            field("email", &User::email), field("created_at", &User::createdAt),
            field("updated_at", &User::updatedAt), field("last_seen_at", &User::lastSeenAt),
            field("status", &User::status), field("login_type", &User::loginType),
            field("theme_preference", &User::themePreference),
            field("organization_ids", &User::organizationIds), field("roles", &User::roles));
    }
};

struct UsersPage
{
    QList<User> users;
    qint64 count = 0; // all that match, not just this page

    static auto jsonFields()
    {
        return std::make_tuple(field("users", &UsersPage::users),
                               field("count", &UsersPage::count));
    }
};

struct ApiKey
{
    QString id; // the public part of "<id>-<secret>"
    QUuid userId;
    QDateTime lastUsed;
    QDateTime expiresAt;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString loginType; // password (a session) | token
    QString scope;     // all | application_connect
    QString tokenName;
    qint64 lifetimeSeconds = 0;

    static auto jsonFields()
    {
        return std::make_tuple(
            field("id", &ApiKey::id, Required), field("user_id", &ApiKey::userId),
            field("last_used", &ApiKey::lastUsed), field("expires_at", &ApiKey::expiresAt),
            field("created_at", &ApiKey::createdAt), field("updated_at", &ApiKey::updatedAt),
            field("login_type", &ApiKey::loginType), field("scope", &ApiKey::scope),
            field("token_name", &ApiKey::tokenName),
            field("lifetime_seconds", &ApiKey::lifetimeSeconds));
    }
};

struct Organization
{
    QUuid id;
    QString name;
    QString displayName;
    QString icon;
    QString description;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool isDefault = false;

    static auto jsonFields()
    {
        return std::make_tuple(
            field("id", &Organization::id, Required), field("name", &Organization::name),
            field("display_name", &Organization::displayName), field("icon", &Organization::icon),
            field("description", &Organization::description),
            field("created_at", &Organization::createdAt),
            field("updated_at", &Organization::updatedAt),
            field("is_default", &Organization::isDefault));
    }
};

struct MinimalOrganization
{
    QUuid id;
    QString name;
    QString displayName;
    QString icon;

    static auto jsonFields()
    {
        return std::make_tuple(field("id", &MinimalOrganization::id),
                               field("name", &MinimalOrganization::name),
                               field("display_name", &MinimalOrganization::displayName),
                               field("icon", &MinimalOrganization::icon));
    }
};

// GET /api/v2/buildinfo
struct BuildInfo
{
    QString externalUrl;
    QString version;
    QString dashboardUrl;
    bool telemetry = false;
    bool workspaceProxy = false;
    QString agentApiVersion;
    QString provisionerApiVersion;
    QString upgradeMessage;
    QString deploymentId;

    static auto jsonFields()
    {
        return std::make_tuple(field("external_url", &BuildInfo::externalUrl),
                               field("version", &BuildInfo::version, Required),
                               field("dashboard_url", &BuildInfo::dashboardUrl),
                               field("telemetry", &BuildInfo::telemetry),
                               field("workspace_proxy", &BuildInfo::workspaceProxy),
                               field("agent_api_version", &BuildInfo::agentApiVersion),
                               field("provisioner_api_version", &BuildInfo::provisionerApiVersion),
                               field("upgrade_message", &BuildInfo::upgradeMessage),
                               field("deployment_id", &BuildInfo::deploymentId));
    }
};

struct AuditLog
{
    QUuid id;
    QString requestId; // a UUID in Coder; kept as the server sent it
    QDateTime time;
    QString ip;
    QString userAgent;
    QString resourceType;
    QString resourceId; // a UUID, or an API key's id (login, logout)
    QString resourceTarget;
    QString resourceIcon;
    QString action;   // create | write | delete | start | stop | login | logout | register
    QJsonObject diff; // {field: {old, new, secret}}
    int statusCode = 0;
    QJsonObject additionalFields;
    QString description;  // a template the client fills in: "{user} created workspace {target}"
    QString resourceLink; // where the dashboard shows the resource; "" when it has none
    bool isDeleted = false;
    QUuid organizationId;
    std::optional<MinimalOrganization> organization;
    std::optional<User> user; // null: no user (a failed login)
    QUuid userId;             // user's id, sent besides it (clients here use it); null: none

    static auto jsonFields()
    {
        return std::make_tuple(
            field("id", &AuditLog::id, Required), field("request_id", &AuditLog::requestId),
            field("time", &AuditLog::time), field("ip", &AuditLog::ip),
            field("user_agent", &AuditLog::userAgent),
            field("resource_type", &AuditLog::resourceType),
            field("resource_id", &AuditLog::resourceId),
            field("resource_target", &AuditLog::resourceTarget),
            field("resource_icon", &AuditLog::resourceIcon), field("action", &AuditLog::action),
            field("diff", &AuditLog::diff), field("status_code", &AuditLog::statusCode),
            field("additional_fields", &AuditLog::additionalFields),
            field("description", &AuditLog::description),
            field("resource_link", &AuditLog::resourceLink),
            field("is_deleted", &AuditLog::isDeleted),
            field("organization_id", &AuditLog::organizationId),
            field("organization", &AuditLog::organization, OmitEmpty),
            field("user", &AuditLog::user, Nullable),
            field("user_id", &AuditLog::userId, Nullable));
    }
};

struct AuditLogsPage
{
    QList<AuditLog> auditLogs;
    qint64 count = 0;

    static auto jsonFields()
    {
        return std::make_tuple(field("audit_logs", &AuditLogsPage::auditLogs),
                               field("count", &AuditLogsPage::count));
    }
};

// ---- requests and their small answers ----

struct CreateFirstUserRequest
{
    QString email;
    QString username;
    QString name;
    QString password;

    static auto jsonFields()
    {
        return std::make_tuple(field("email", &CreateFirstUserRequest::email, Required),
                               field("username", &CreateFirstUserRequest::username, Required),
                               field("name", &CreateFirstUserRequest::name),
                               field("password", &CreateFirstUserRequest::password, Required));
    }
};

struct CreateFirstUserResponse
{
    QUuid userId;
    QUuid organizationId;

    static auto jsonFields()
    {
        return std::make_tuple(field("user_id", &CreateFirstUserResponse::userId, Required),
                               field("organization_id", &CreateFirstUserResponse::organizationId));
    }
};

struct CreateUserRequest
{
    QString email;
    QString username;
    QString name;
    QString password;

    static auto jsonFields()
    {
        return std::make_tuple(field("email", &CreateUserRequest::email, Required),
                               field("username", &CreateUserRequest::username, Required),
                               field("name", &CreateUserRequest::name),
                               field("password", &CreateUserRequest::password, Required));
    }
};

struct LoginRequest
{
    QString email;
    QString password;

    static auto jsonFields()
    {
        return std::make_tuple(field("email", &LoginRequest::email, Required),
                               field("password", &LoginRequest::password, Required));
    }
};

struct LoginResponse
{
    QString sessionToken;

    static auto jsonFields()
    {
        return std::make_tuple(field("session_token", &LoginResponse::sessionToken, Required));
    }
};

struct CreateTokenRequest
{
    QString tokenName;              // empty: the server picks one
    qint64 lifetimeNanoseconds = 0; // 0: the server's default
    QString scope = QStringLiteral("all");

    static auto jsonFields()
    {
        return std::make_tuple(
            field("token_name", &CreateTokenRequest::tokenName, OmitEmpty),
            field("lifetime", &CreateTokenRequest::lifetimeNanoseconds, OmitEmpty),
            field("scope", &CreateTokenRequest::scope));
    }
};

// POST /users/{user}/keys and /keys/tokens
struct CreateKeyResponse
{
    QString key; // "<id>-<secret>", shown once

    static auto jsonFields()
    {
        return std::make_tuple(field("key", &CreateKeyResponse::key, Required));
    }
};

// PUT /api/v2/users/{user}/password (old_password: required for one's own)
struct UpdateUserPasswordRequest
{
    QString oldPassword;
    QString password;

    static auto jsonFields()
    {
        return std::make_tuple(
            field("old_password", &UpdateUserPasswordRequest::oldPassword, OmitEmpty),
            field("password", &UpdateUserPasswordRequest::password, Required));
    }
};

// PUT /api/v2/users/{user}/roles
struct UpdateRolesRequest
{
    QStringList roles;

    static auto jsonFields() { return std::make_tuple(field("roles", &UpdateRolesRequest::roles)); }
};

// GET /api/v2/users/{user}/roles
struct UserRoles
{
    QList<SlimRole> roles;

    static auto jsonFields() { return std::make_tuple(field("roles", &UserRoles::roles)); }
};

// {"message", "detail"} answers that carry no object (Coder's codersdk.Response without
// validations; errors are ApiError).
struct Message
{
    QString message;
    QString detail;

    static auto jsonFields()
    {
        return std::make_tuple(field("message", &Message::message),
                               field("detail", &Message::detail, OmitEmpty));
    }
};

} // namespace coder::core
