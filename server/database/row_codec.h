#pragma once

#include "models.h"

#include <QSqlQuery>
#include <QVariant>

namespace coder::server {

// Turns model values into bound parameters and result rows back into models, the same way
// for both backends. Times travel as milliseconds since the epoch, UTC.
class RowCodec
{
public:
    static const QString userColumns;
    static const QString apiKeyColumns;
    static const QString auditColumns;
    // The fields of a key that authenticating a request needs: fewer columns, since the
    // driver's per-column cost dominates that hottest query.
    static const QString authKeyColumns;

    // Both drivers bind a null QString/QByteArray as SQL NULL; NOT NULL columns want "".
    static QVariant text(const QString &value);
    static QVariant bytes(const QByteArray &value);
    static QVariant uuid(const QUuid &value);
    static QVariant optionalUuid(const QUuid &value); // null: SQL NULL
    static QVariant millis(const QDateTime &value);   // invalid: SQL NULL
    static QString json(const QJsonObject &object);
    static QString rolesJson(const QStringList &roles);
    // The value as a read returns it: UTC, milliseconds.
    static QDateTime utc(const QDateTime &value);

    // Column values back to types (SQL NULL: an invalid time, a null UUID, an empty object).
    static QDateTime timeFrom(const QVariant &value);
    static QUuid uuidFrom(const QVariant &value);
    static QJsonObject objectFrom(const QVariant &value);

    // A column list with each column prefixed by a table alias ("k.id, k.hashed_secret, ...").
    static QString qualified(const QString &columns, const QString &alias);

    // Rows selected with the matching column list, in that order, starting at column first.
    static User user(const QSqlQuery &query, int first = 0);
    static ApiKey apiKey(const QSqlQuery &query, int first = 0);
    static ApiKey authKey(const QSqlQuery &query, int first = 0);
    static constexpr int authKeyColumnCount = 8;
    static AuditLog auditLog(const QSqlQuery &query);
};

} // namespace coder::server
