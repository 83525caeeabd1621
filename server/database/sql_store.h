#pragma once

#include "migration_runner.h"
#include "store.h"
#include "thread_connections.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>
#include <functional>

namespace coder::server {

// The Store on Qt SQL, shared by both backends; SqliteStore and PostgresStore supply what
// differs (connection setup, how a write transaction starts, how errors are recognised).
// All SQL here is portable between SQLite 3.40 and PostgreSQL 15 and binds every value.
class SqlStore : public Store
{
public:
    ~SqlStore() override;

    void closeThreadConnection() override;

    // Applies the numbered migrations of a directory (see MigrationRunner).
    core::Result<int, QString> migrate(const QString &directory);
    // The calling thread's connection, opened on first use.
    StoreResult<QSqlDatabase> connection();
    // How many threads currently hold a connection.
    int openConnectionCount() const { return m_connections.openCount(); }

    StoreResult<User> insertUser(const User &user) override;
    StoreResult<User> insertFirstUser(const User &user) override;
    StoreResult<User> userById(const QUuid &id) override;
    StoreResult<User> userByUsername(const QString &username) override;
    StoreResult<User> userByEmail(const QString &email) override;
    StoreResult<QList<User>> listUsers(const UserFilter &filter) override;
    StoreResult<qint64> countUsers(const UserFilter &filter) override;
    StoreResult<User> updateUserStatus(const QUuid &id, const QString &status) override;
    StoreResult<User> updateUserRoles(const QUuid &id, const QStringList &roles) override;
    StoreResult<User> updateUserPassword(const QUuid &id, const QByteArray &hash,
                                         const QString &keepSessionId) override;
    StoreResult<core::Ok> updateUserLastSeen(const QUuid &id, const QDateTime &at) override;
    StoreResult<core::Ok> deleteUser(const QUuid &id) override;

    StoreResult<ApiKey> insertApiKey(const ApiKey &key) override;
    StoreResult<ApiKey> apiKeyById(const QString &id) override;
    StoreResult<ApiKeyWithUser> apiKeyWithUser(const QString &id) override;
    StoreResult<QList<ApiKey>> listApiKeys(const QUuid &userId, const QString &loginType) override;
    StoreResult<core::Ok> updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                            const QDateTime &expiresAt,
                                            const QString &ipAddress) override;
    StoreResult<core::Ok> deleteApiKey(const QString &id) override;
    StoreResult<core::Ok> deleteApiKeysOfUser(const QUuid &userId) override;

    StoreResult<core::Ok> insertAuditLog(const AuditLog &entry) override;
    StoreResult<QList<AuditLog>> listAuditLogs(int limit, int offset) override;
    StoreResult<qint64> countAuditLogs() override;

protected:
    explicit SqlStore(const QString &driver);

    // Sets the driver's parameters on a new connection.
    virtual void configureConnection(QSqlDatabase &db) const = 0;
    // Runs on a freshly opened connection; returns an error or "".
    virtual QString prepareConnection(QSqlDatabase &db) const = 0;
    // Starts a transaction that will write.
    virtual QString beginWriteStatement() const = 0;
    // Run inside insertFirstUser's transaction before counting; "" when BEGIN already locks.
    virtual QString firstUserLockStatement() const = 0;
    // Appended to a SELECT inside a transaction to hold the rows until it ends ("" on SQLite,
    // whose write transactions already exclude each other).
    virtual QString shareLockSuffix() const = 0;
    virtual MigrationRunner::Dialect migrationDialect() const = 0;
    virtual bool isUniqueViolation(const QSqlError &error) const = 0;
    virtual bool isForeignKeyViolation(const QSqlError &error) const = 0;
    // Removes secrets from a driver message before it leaves the store.
    virtual QString redact(const QString &text) const { return text; }
    // Names the database in messages ("/path/coder.db", "PostgreSQL at user@host:5432/db").
    virtual QString describe() const = 0;

private:
    class Transaction;

    // A prepared statement lent by the thread's connection for one call. When the caller is
    // done it is reset (finish()), so no SQLite read snapshot outlives the call, and goes back
    // to the connection for the next call with the same SQL.
    class Statement : public QSqlQuery
    {
    public:
        Statement(QSqlQuery &&query, ThreadConnections::Connection *owner, QString sql)
            : QSqlQuery(std::move(query)), m_owner(owner), m_sql(std::move(sql))
        {}
        Statement(Statement &&other) noexcept
            : QSqlQuery(std::move(other)), m_owner(std::exchange(other.m_owner, nullptr)),
              m_sql(std::move(other.m_sql))
        {}
        Statement &operator=(Statement &&) = delete;
        ~Statement();

    private:
        ThreadConnections::Connection *m_owner; // null: moved from, or not to be kept
        QString m_sql;
    };

    // Runs sql with the values bound. A statement that fails inside a transaction is handed to
    // it, so it is freed after the rollback (PostgreSQL refuses DEALLOCATE in a failed one).
    StoreResult<Statement> exec(QSqlDatabase &db, const QString &sql,
                                const QVariantList &values = {},
                                Transaction *transaction = nullptr);
    StoreError errorFrom(const QSqlError &error) const;
    // Runs body in one write transaction on this thread's connection: committed when body
    // succeeds, rolled back when it fails.
    template <typename T>
    StoreResult<T>
    inWriteTransaction(const std::function<StoreResult<T>(QSqlDatabase &, Transaction &)> &body);
    StoreResult<User> insertUserWith(QSqlDatabase &db, const User &user,
                                     Transaction *transaction = nullptr);
    StoreResult<User> userWhere(const QString &condition, const QVariant &value);
    StoreResult<User> updateUserColumn(const QUuid &id, const QString &assignment,
                                       const QVariant &value, Transaction *transaction = nullptr);
    StoreResult<core::Ok> changeApiKeys(const QString &sql, const QVariantList &values,
                                        bool mustExist);
    static QString userFilterSql(const UserFilter &filter, QVariantList &values);

    ThreadConnections m_connections;
};

} // namespace coder::server
