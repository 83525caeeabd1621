#include "row_codec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace coder::server {

namespace {

QStringList rolesFrom(const QVariant &value)
{
    QStringList roles;
    const QString text = value.toString();
    if (text == QLatin1String("[]"))
        return roles; // most users hold no role: skip the JSON parser on every request
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &role : array)
        roles.append(role.toString());
    return roles;
}

} // namespace

QDateTime RowCodec::timeFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QUuid RowCodec::uuidFrom(const QVariant &value)
{
    return value.isNull() ? QUuid() : QUuid::fromString(value.toString());
}

// Most rows hold "{}": those skip the JSON parser.
QJsonObject RowCodec::objectFrom(const QVariant &value)
{
    const QString text = value.toString();
    if (text.size() <= 2)
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

const QString RowCodec::userColumns = QStringLiteral(
    "id, email, username, name, hashed_password, status, rbac_roles, login_type, created_at, "
    "updated_at, last_seen_at, deleted");
// The authentication fields first: authKey() reads them, apiKey() reads those and the rest.
const QString RowCodec::authKeyColumns = QStringLiteral(
    "id, hashed_secret, user_id, login_type, scope, lifetime_seconds, last_used, expires_at");
const QString RowCodec::apiKeyColumns =
    authKeyColumns + QStringLiteral(", token_name, ip_address, created_at, updated_at");
const QString RowCodec::auditColumns = QStringLiteral(
    "id, time, user_id, ip_address, user_agent, resource_type, resource_id, resource_target, "
    "action, diff, status_code, request_id, additional_fields");

QVariant RowCodec::text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant RowCodec::bytes(const QByteArray &value)
{
    return value.isNull() ? QVariant(QByteArray("", 0)) : QVariant(value);
}

QVariant RowCodec::uuid(const QUuid &value)
{
    return value.toString(QUuid::WithoutBraces);
}

QVariant RowCodec::optionalUuid(const QUuid &value)
{
    return value.isNull() ? QVariant() : uuid(value);
}

QVariant RowCodec::millis(const QDateTime &value)
{
    return value.isValid() ? QVariant(value.toMSecsSinceEpoch()) : QVariant();
}

QString RowCodec::json(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString RowCodec::rolesJson(const QStringList &roles)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(roles)).toJson(QJsonDocument::Compact));
}

QDateTime RowCodec::utc(const QDateTime &value)
{
    return value.isValid() ? QDateTime::fromMSecsSinceEpoch(value.toMSecsSinceEpoch(), Qt::UTC)
                           : QDateTime();
}

QString RowCodec::qualified(const QString &columns, const QString &alias)
{
    QStringList list = columns.split(QStringLiteral(", "));
    for (QString &column : list)
        column.prepend(alias + u'.');
    return list.join(QStringLiteral(", "));
}

User RowCodec::user(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    User user;
    user.id = uuidFrom(q(0));
    user.email = q(1).toString();
    user.username = q(2).toString();
    user.name = q(3).toString();
    user.hashedPassword = q(4).toByteArray();
    user.status = q(5).toString();
    user.roles = rolesFrom(q(6));
    user.loginType = q(7).toString();
    user.createdAt = timeFrom(q(8));
    user.updatedAt = timeFrom(q(9));
    user.lastSeenAt = timeFrom(q(10));
    user.deleted = q(11).toBool();
    return user;
}

ApiKey RowCodec::authKey(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    ApiKey key;
    key.id = q(0).toString();
    key.hashedSecret = q(1).toByteArray();
    key.userId = uuidFrom(q(2));
    key.loginType = q(3).toString();
    key.scope = q(4).toString();
    key.lifetimeSeconds = q(5).toLongLong();
    key.lastUsed = timeFrom(q(6));
    key.expiresAt = timeFrom(q(7));
    return key;
}

ApiKey RowCodec::apiKey(const QSqlQuery &row, int first)
{
    ApiKey key = authKey(row, first);
    const auto q = [&row, first](int i) { return row.value(first + authKeyColumnCount + i); };
    key.tokenName = q(0).toString();
    key.ipAddress = q(1).toString();
    key.createdAt = timeFrom(q(2));
    key.updatedAt = timeFrom(q(3));
    return key;
}

AuditLog RowCodec::auditLog(const QSqlQuery &q)
{
    AuditLog entry;
    entry.id = uuidFrom(q.value(0));
    entry.time = timeFrom(q.value(1));
    entry.userId = uuidFrom(q.value(2));
    entry.ipAddress = q.value(3).toString();
    entry.userAgent = q.value(4).toString();
    entry.resourceType = q.value(5).toString();
    entry.resourceId = q.value(6).toString();
    entry.resourceTarget = q.value(7).toString();
    entry.action = q.value(8).toString();
    entry.diff = objectFrom(q.value(9));
    entry.statusCode = q.value(10).toInt();
    entry.requestId = q.value(11).toString();
    entry.additionalFields = objectFrom(q.value(12));
    return entry;
}

} // namespace coder::server
