#pragma once

#include "models.h"
#include "sql_database.h"

#include <QList>

namespace coder::server {

// Users and their API keys (sessions and tokens): the SQL of the users and api_keys tables.
// Lookups never return deleted users.
class UserStore
{
public:
    explicit UserStore(SqlDatabase &db) : m_db(db) {}

    StoreResult<User> insert(const User &user);
    // Inserts only while the table holds no user at all; Conflict otherwise. Atomic.
    StoreResult<User> insertFirst(const User &user);
    StoreResult<User> byId(const QUuid &id);
    StoreResult<User> byUsername(const QString &username); // case-insensitive
    StoreResult<User> byEmail(const QString &email);       // case-insensitive
    StoreResult<QList<User>> list(const UserFilter &filter);
    StoreResult<qint64> count(const UserFilter &filter); // ignores limit/offset
    StoreResult<User> updateStatus(const QUuid &id, const QString &status);
    StoreResult<User> updateRoles(const QUuid &id, const QStringList &roles);
    // Sets the password and, in the same transaction, ends every session (login type
    // "password") of the user except keepSessionId: a new password must lock out old logins.
    StoreResult<User> updatePassword(const QUuid &id, const QByteArray &hash,
                                     const QString &keepSessionId);
    StoreResult<core::Ok> updateLastSeen(const QUuid &id, const QDateTime &at);
    // Soft delete: the row stays for the audit log, its name and email become free again.
    StoreResult<core::Ok> remove(const QUuid &id);

    StoreResult<ApiKey> insertApiKey(const ApiKey &key); // Conflict on token_name
    StoreResult<ApiKey> apiKeyById(const QString &id);
    // What authenticating a request needs in one read: the key's id, hashed secret, user, login
    // type, scope, lifetime, last use and expiry (its other fields stay empty) with its whole user.
    // NotFound when either is missing or the user is deleted.
    StoreResult<ApiKeyWithUser> apiKeyWithUser(const QString &id);
    // loginType empty: all of the user's keys
    StoreResult<QList<ApiKey>> listApiKeys(const QUuid &userId, const QString &loginType);
    StoreResult<core::Ok> updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                            const QDateTime &expiresAt, const QString &ipAddress);
    StoreResult<core::Ok> deleteApiKey(const QString &id);
    StoreResult<core::Ok> deleteApiKeysOfUser(const QUuid &userId);

private:
    using Transaction = SqlDatabase::Transaction;

    StoreResult<User> insertWith(QSqlDatabase &db, const User &user,
                                 Transaction *transaction = nullptr);
    StoreResult<User> where(const QString &condition, const QVariant &value);
    StoreResult<User> updateColumn(const QUuid &id, const QString &assignment,
                                   const QVariant &value, Transaction *transaction = nullptr);
    StoreResult<core::Ok> changeApiKeys(const QString &sql, const QVariantList &values,
                                        bool mustExist);
    static QString filterSql(const UserFilter &filter, QVariantList &values);

    SqlDatabase &m_db;
};

} // namespace coder::server
