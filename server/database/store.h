#pragma once

#include "core/result.h"
#include "models.h"

#include <QList>
#include <QString>

namespace coder::server {

struct StoreError
{
    enum Kind { NotFound, Conflict, Internal } kind = Internal;
    QString message; // for Conflict: what clashed; for Internal: the driver's text (never a secret)
    QString field;   // for Conflict: the field that must be unique ("username", "email", ...)
};

template <typename T> using StoreResult = core::Result<T, StoreError>;

// The one interface to coderd's database (ARCHITECTURE.md §3). Every method may be called from
// any thread; each thread uses its own connection. Lookups never return deleted users.
class Store
{
public:
    virtual ~Store() = default;

    virtual QString backendName() const = 0; // "sqlite" | "postgres"
    // Releases the calling thread's connection; call it in a thread before that thread ends.
    virtual void closeThreadConnection() = 0;

    // Users
    virtual StoreResult<User> insertUser(const User &user) = 0;
    // Inserts only while the table holds no user at all; Conflict otherwise. Atomic.
    virtual StoreResult<User> insertFirstUser(const User &user) = 0;
    virtual StoreResult<User> userById(const QUuid &id) = 0;
    virtual StoreResult<User> userByUsername(const QString &username) = 0; // case-insensitive
    virtual StoreResult<User> userByEmail(const QString &email) = 0;       // case-insensitive
    virtual StoreResult<QList<User>> listUsers(const UserFilter &filter) = 0;
    virtual StoreResult<qint64> countUsers(const UserFilter &filter) = 0; // ignores limit/offset
    virtual StoreResult<User> updateUserStatus(const QUuid &id, const QString &status) = 0;
    virtual StoreResult<User> updateUserRoles(const QUuid &id, const QStringList &roles) = 0;
    // Sets the password and, in the same transaction, ends every session (login type
    // "password") of the user except keepSessionId: a new password must lock out old logins.
    virtual StoreResult<User> updateUserPassword(const QUuid &id, const QByteArray &hash,
                                                 const QString &keepSessionId) = 0;
    virtual StoreResult<core::Ok> updateUserLastSeen(const QUuid &id, const QDateTime &at) = 0;
    // Soft delete: the row stays for the audit log, its name and email become free again.
    virtual StoreResult<core::Ok> deleteUser(const QUuid &id) = 0;

    // API keys (sessions and tokens)
    virtual StoreResult<ApiKey> insertApiKey(const ApiKey &key) = 0; // Conflict on token_name
    virtual StoreResult<ApiKey> apiKeyById(const QString &id) = 0;
    // What authenticating a request needs in one read: the key's id, hashed secret, user, login
    // type, scope, lifetime, last use and expiry (its other fields stay empty) with its whole user.
    // NotFound when either is missing or the user is deleted.
    virtual StoreResult<ApiKeyWithUser> apiKeyWithUser(const QString &id) = 0;
    // loginType empty: all of the user's keys
    virtual StoreResult<QList<ApiKey>> listApiKeys(const QUuid &userId,
                                                   const QString &loginType) = 0;
    virtual StoreResult<core::Ok> updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                                    const QDateTime &expiresAt,
                                                    const QString &ipAddress) = 0;
    virtual StoreResult<core::Ok> deleteApiKey(const QString &id) = 0;
    virtual StoreResult<core::Ok> deleteApiKeysOfUser(const QUuid &userId) = 0;

    // Audit log, newest first
    virtual StoreResult<core::Ok> insertAuditLog(const AuditLog &entry) = 0;
    virtual StoreResult<QList<AuditLog>> listAuditLogs(int limit, int offset) = 0;
    virtual StoreResult<qint64> countAuditLogs() = 0;
};

} // namespace coder::server
