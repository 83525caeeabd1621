#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

// Typed JSON codecs for the API's identity objects (Coder's shapes, snake_case fields,
// RFC 3339 UTC times). fromJson rejects objects that lack the fields a client relies on.
namespace coder::core {

// RFC 3339 with any number of fractional digits (Go writes up to nine); null when invalid.
QDateTime parseApiTime(const QString &text);
// RFC 3339 UTC with milliseconds; an invalid time becomes the zero time Go would write.
QString formatApiTime(const QDateTime &time);

struct Role
{
    QString name;
    QString displayName;

    static Result<Role, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct User
{
    QString id;
    QString username;
    QString name;
    QString email;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastSeenAt;
    QString status; // "active" | "suspended" | ...
    QString loginType;
    QList<Role> roles;
    QStringList organizationIds;
    QString avatarUrl;
    QString themePreference;

    static Result<User, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct UsersPage
{
    QList<User> users;
    qint64 count = 0;

    static Result<UsersPage, QString> fromJson(const QJsonObject &object);
};

struct ApiKey
{
    QString id;
    QString userId;
    QString tokenName;
    QString loginType;
    QString scope;
    qint64 lifetimeSeconds = 0;
    QDateTime lastUsed;
    QDateTime expiresAt;
    QDateTime createdAt;
    QDateTime updatedAt;

    static Result<ApiKey, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct CreateFirstUserRequest
{
    QString email;
    QString username;
    QString name;
    QString password;

    QJsonObject toJson() const;
};

struct CreateFirstUserResponse
{
    QString userId;
    QString organizationId;

    static Result<CreateFirstUserResponse, QString> fromJson(const QJsonObject &object);
};

struct CreateUserRequest
{
    QString email;
    QString username;
    QString name;
    QString password;

    QJsonObject toJson() const;
};

struct CreateTokenRequest
{
    QString tokenName;              // empty: the server picks one
    qint64 lifetimeNanoseconds = 0; // 0: the server's default
    QString scope = QStringLiteral("all");

    QJsonObject toJson() const;
};

// Parses a JSON array of objects with T::fromJson; the first bad element fails the whole list.
template <typename T> Result<QList<T>, QString> listFromJson(const QJsonArray &array)
{
    QList<T> list;
    list.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return QStringLiteral("element %1 is not an object").arg(i);
        auto item = T::fromJson(array.at(i).toObject());
        if (!item)
            return QStringLiteral("element %1: %2").arg(i).arg(item.error());
        list.append(std::move(item.value()));
    }
    return list;
}

} // namespace coder::core
