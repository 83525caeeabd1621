#pragma once

// What the SqlStore source files (sql_store*.cpp) share; not for other users of the store.

#include "sql_store.h"

#include <QSqlQuery>
#include <limits>

namespace coder::server {

// Rolls back unless committed, so every early return leaves the connection clean.
class SqlStore::Transaction
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
StoreResult<T> SqlStore::inWriteTransaction(
    const std::function<StoreResult<T>(QSqlDatabase &, Transaction &)> &body)
{
    auto db = connection();
    if (!db)
        return db.error();
    Transaction transaction(*db);
    if (QSqlError error = transaction.begin(beginWriteStatement()); error.isValid()) {
        if (db->isOpen())
            return errorFrom(error);
        // The connection was gone before anything ran: once more on a new one.
        db = connection();
        if (!db)
            return db.error();
        if (error = transaction.begin(beginWriteStatement()); error.isValid())
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
auto SqlStore::selectOne(QSqlDatabase &db, const QString &sql, const QVariantList &values,
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
auto SqlStore::selectAll(QSqlDatabase &db, const QString &sql, const QVariantList &values,
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

namespace sql {

// LIKE with '!' as the escape character, so user input matches literally.
inline QString likePattern(const QString &search)
{
    QString escaped;
    for (QChar c : search) {
        if (c == u'!' || c == u'%' || c == u'_')
            escaped.append(u'!');
        escaped.append(c);
    }
    return u'%' + escaped + u'%';
}

inline qint64 limitValue(int limit)
{
    return limit > 0 ? qint64(limit) : std::numeric_limits<qint64>::max();
}

inline StoreError notFound(const QString &what)
{
    return StoreError{StoreError::NotFound, what + QStringLiteral(" not found."), {}};
}

inline StoreError conflict(const QString &field, const QString &message)
{
    return StoreError{StoreError::Conflict, message, field};
}

// "?, ?, ?" for an IN list of count values, rounded up to a power of two so the prepared
// statements a connection keeps stay few (nine sizes) and a page of 25 binds 32 values, not
// 64; fill the extra places with padded().
inline constexpr int kMaxInList = 256;
inline int inListSize(qsizetype count)
{
    int size = 1;
    while (size < count && size < kMaxInList)
        size *= 2;
    return qMin(size, kMaxInList);
}
inline QString placeholders(int count)
{
    QString list;
    list.reserve(count * 3);
    for (int i = 0; i < count; ++i)
        list += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    return list;
}
// values[from, from + size) with the last value repeated up to size (IN ignores duplicates).
inline QVariantList padded(const QVariantList &values, qsizetype from, int size)
{
    QVariantList chunk = values.mid(from, size);
    while (chunk.size() < size)
        chunk.append(chunk.last());
    return chunk;
}

} // namespace sql

} // namespace coder::server
