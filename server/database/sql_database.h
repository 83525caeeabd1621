#pragma once

#include "sql_dialect.h"
#include "store_error.h"
#include "thread_connections.h"

#include <QSqlQuery>
#include <QVariantList>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace coder::server {

// What every aggregate of the Store runs on (ARCHITECTURE.md §3): one connection per thread,
// prepared statements kept per connection, driver errors turned into StoreErrors, and the one
// unit of work, a write transaction (write()), that operations spanning aggregates share. A
// connection the database dropped (a restart) is opened again on the next call; a read outside
// a transaction that met it, or a transaction whose BEGIN did, runs once more.
class SqlDatabase
{
public:
    class Transaction;

    // A prepared statement lent by the thread's connection for one call. When the caller is
    // done it is reset (finish()), so no SQLite read snapshot outlives the call, and goes back
    // to the connection for the next call with the same SQL.
    class Statement : public QSqlQuery
    {
    public:
        Statement(QSqlQuery &&query, ThreadConnections::Connection *owner, QString sql)
            : QSqlQuery(std::move(query)), m_owner(owner), m_sql(std::move(sql)),
              m_session(owner ? owner->session : 0)
        {}
        Statement(Statement &&other) noexcept
            : QSqlQuery(std::move(other)), m_owner(std::exchange(other.m_owner, nullptr)),
              m_sql(std::move(other.m_sql)), m_session(other.m_session)
        {}
        Statement &operator=(Statement &&) = delete;
        ~Statement();

    private:
        ThreadConnections::Connection *m_owner; // null: moved from, or not to be kept
        QString m_sql;
        quint64 m_session; // the owner's session it was prepared in
    };

    explicit SqlDatabase(std::unique_ptr<SqlDialect> dialect);
    ~SqlDatabase();
    SqlDatabase(const SqlDatabase &) = delete;
    SqlDatabase &operator=(const SqlDatabase &) = delete;

    const SqlDialect &dialect() const { return *m_dialect; }

    // The calling thread's connection (refused on an event-loop thread).
    StoreResult<QSqlDatabase> connection();
    // Releases the calling thread's connection; call it in a thread before that thread ends.
    void closeThreadConnection();
    int openConnectionCount() const { return m_connections.openCount(); }
    // Applies the pending migrations of directory; returns how many ran.
    core::Result<int, QString> migrate(const QString &directory);

    // Runs sql with the values bound. A statement that fails inside a transaction is handed to
    // it, so it is freed after the rollback (PostgreSQL refuses DEALLOCATE in a failed one).
    StoreResult<Statement> exec(QSqlDatabase &db, const QString &sql,
                                const QVariantList &values = {},
                                Transaction *transaction = nullptr);
    // The error of a failed statement: Unavailable when it lost the connection (the drivers
    // close it then).
    StoreError errorFrom(const QSqlError &error, const QSqlDatabase &db) const;
    StoreError errorFrom(const QSqlError &error) const;
    StoreError unavailable(const QString &detail) const;

    // Runs body in one write transaction on this thread's connection: committed when body
    // succeeds, rolled back when it fails.
    template <typename T>
    StoreResult<T> write(const std::function<StoreResult<T>(QSqlDatabase &, Transaction &)> &body);
    // select* run sql and decode rows with decode(query).
    template <typename Decode>
    auto selectOne(QSqlDatabase &db, const QString &sql, const QVariantList &values,
                   const QString &what, Decode decode, Transaction *transaction = nullptr)
        -> StoreResult<decltype(decode(std::declval<const QSqlQuery &>()))>;
    template <typename Decode>
    auto selectAll(QSqlDatabase &db, const QString &sql, const QVariantList &values, Decode decode,
                   Transaction *transaction = nullptr)
        -> StoreResult<QList<decltype(decode(std::declval<const QSqlQuery &>()))>>;
    // Runs sqlWithList (its "%1" replaced by an IN list of placeholders) over ids in chunks,
    // after the leading values; calls onRow for each row.
    StoreResult<core::Ok> forIdChunks(QSqlDatabase &db, const QString &sqlWithList,
                                      const QVariantList &leading, const QList<QUuid> &ids,
                                      const std::function<void(const QSqlQuery &)> &onRow);

private:
    StoreResult<Statement> execOnce(QSqlDatabase &db, const QString &sql,
                                    const QVariantList &values, Transaction *transaction);

    std::unique_ptr<SqlDialect> m_dialect;
    ThreadConnections m_connections;
};

} // namespace coder::server

#include "sql_transaction.h"
