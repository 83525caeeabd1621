#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUuid>

namespace coder::server {

// Rows as the Store hands them out. Times are UTC, millisecond precision.

struct User
{
    QUuid id;
    QString email;
    QString username;
    QString name;
    QByteArray hashedPassword;                 // PasswordHasher's encoded form
    QString status = QStringLiteral("active"); // active | suspended
    QStringList roles;                         // site roles besides the implied "member"
    QString loginType = QStringLiteral("password");
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastSeenAt;
    bool deleted = false;
};

struct ApiKey
{
    QString id;              // the public part of "<id>-<secret>"
    QByteArray hashedSecret; // SHA-256 of the secret
    QUuid userId;
    QString loginType; // "password" (a session) | "token" (an API token)
    QString tokenName; // unique per user for API tokens; empty for sessions
    QString scope = QStringLiteral("all");
    qint64 lifetimeSeconds = 0; // sliding window for sessions, fixed lifetime for tokens
    QString ipAddress;
    QDateTime lastUsed;
    QDateTime expiresAt;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// An API key read together with its user: what authenticating a request needs, in one query.
struct ApiKeyWithUser
{
    ApiKey key;
    User user;
};

struct AuditLog
{
    QUuid id;
    QDateTime time;
    QUuid userId; // null for anonymous actions (e.g. a failed login)
    QString ipAddress;
    QString userAgent;
    QString resourceType; // "user", "api_key", ...
    QString resourceId;
    QString resourceTarget; // human name of the target (a username, a token name)
    QString action;         // "create", "write", "delete", "login", "logout", ...
    QJsonObject diff;
    int statusCode = 0;
    QString requestId;
    QJsonObject additionalFields;
};

struct UserFilter
{
    QString search; // substring of username or email, case-insensitive
    QString status; // empty: any
    QUuid id;       // set: only this user (for callers who may see only themselves)
    int limit = 0;  // 0: no limit
    int offset = 0;
};

} // namespace coder::server
