#pragma once

// The unit of work of the Store (SqlDatabase::Transaction) and SqlDatabase's templates; included
// by sql_database.h.

#include "sql_database.h"

namespace coder::server {

// One write transaction that operations on several aggregates share (a workspace with its first
// build and that build's job, a job's completion with its build and resources): rolls back
// unless committed, so every early return leaves the connection clean.
class SqlDatabase::Transaction
{
public:
    explicit Transaction(const QSqlDatabase &db) : m_db(db) {}
    ~Transaction()
    {
        if (m_active)
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        m_failed.clear();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    QSqlError begin(const QString &statement) { return run(statement, true); }
    QSqlError commit() { return run(QStringLiteral("COMMIT"), false); }
    void keepUntilRollback(QSqlQuery query) { m_failed.append(std::move(query)); }

private:
    QSqlError run(const QString &statement, bool activeAfter)
    {
        QSqlQuery query(m_db);
        if (!query.exec(statement))
            return query.lastError();
        m_active = activeAfter;
        return {};
    }

    QSqlDatabase m_db;
    bool m_active = false;
    QList<QSqlQuery> m_failed;
};

template <typename T>
StoreResult<T>
SqlDatabase::write(const std::function<StoreResult<T>(QSqlDatabase &, Transaction &)> &body)
{
    auto db = connection();
    if (!db)
        return db.error();
    Transaction transaction(*db);
    if (QSqlError error = transaction.begin(m_dialect->beginWriteStatement()); error.isValid()) {
        if (db->isOpen())
            return errorFrom(error);
        // The connection was gone before anything ran: once more on a new one.
        db = connection();
        if (!db)
            return db.error();
        if (error = transaction.begin(m_dialect->beginWriteStatement()); error.isValid())
            return errorFrom(error, *db);
    }
    StoreResult<T> result = body(*db, transaction);
    if (!result)
        return result; // the Transaction rolls back
    if (QSqlError error = transaction.commit(); error.isValid())
        return errorFrom(error, *db);
    return result;
}

template <typename Decode>
auto SqlDatabase::selectOne(QSqlDatabase &db, const QString &sql, const QVariantList &values,
                            const QString &what, Decode decode, Transaction *transaction)
    -> StoreResult<decltype(decode(std::declval<const QSqlQuery &>()))>
{
    auto query = exec(db, sql, values, transaction);
    if (!query)
        return query.error();
    if (!query->next()) {
        if (query->lastError().isValid())
            return errorFrom(query->lastError(), db);
        return StoreError{StoreError::NotFound, what + QStringLiteral(" not found."), {}};
    }
    return decode(*query);
}

template <typename Decode>
auto SqlDatabase::selectAll(QSqlDatabase &db, const QString &sql, const QVariantList &values,
                            Decode decode, Transaction *transaction)
    -> StoreResult<QList<decltype(decode(std::declval<const QSqlQuery &>()))>>
{
    auto query = exec(db, sql, values, transaction);
    if (!query)
        return query.error();
    QList<decltype(decode(std::declval<const QSqlQuery &>()))> rows;
    while (query->next())
        rows.append(decode(*query));
    if (query->lastError().isValid())
        return errorFrom(query->lastError(), db);
    return rows;
}

} // namespace coder::server
