#include "sql_database.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

#include <optional>

namespace coder::server {

SqlDatabase::SqlDatabase(std::unique_ptr<SqlDialect> dialect)
    : m_dialect(std::move(dialect)),
      m_connections(
          m_dialect->driver(), [this](QSqlDatabase &db) { m_dialect->configureConnection(db); },
          [this](QSqlDatabase &db) { return m_dialect->prepareConnection(db); })
{}

SqlDatabase::~SqlDatabase() = default;

void SqlDatabase::closeThreadConnection()
{
    m_connections.closeCurrent();
}

StoreResult<QSqlDatabase> SqlDatabase::connection()
{
    auto connection = m_connections.current();
    if (!connection)
        return unavailable(connection.error());
    return (*connection)->db;
}

SqlDatabase::Statement::~Statement()
{
    if (!m_owner || m_owner->session != m_session || !m_owner->db.isOpen())
        return; // prepared on a connection that is gone
    finish();
    // A statement of the same SQL may have been prepared meanwhile (a nested call); one kept
    // is enough.
    if (!m_owner->idleStatements.contains(m_sql))
        m_owner->idleStatements.insert(m_sql, std::move(static_cast<QSqlQuery &>(*this)));
}

StoreError SqlDatabase::unavailable(const QString &detail) const
{
    return StoreError{StoreError::Unavailable,
                      m_dialect->redact(QStringLiteral("Cannot reach the database %1: %2")
                                            .arg(m_dialect->describe(), detail.trimmed())),
                      {}};
}

core::Result<int, QString> SqlDatabase::migrate(const QString &directory)
{
    auto db = connection();
    if (!db)
        return db.error().message;
    auto applied = MigrationRunner(directory, m_dialect->migrationDialect()).apply(*db);
    if (!applied)
        return m_dialect->redact(applied.error());
    return applied;
}

StoreResult<SqlDatabase::Statement> SqlDatabase::exec(QSqlDatabase &db, const QString &sql,
                                                      const QVariantList &values,
                                                      Transaction *transaction)
{
    auto result = execOnce(db, sql, values, transaction);
    const bool read =
        sql.startsWith(QLatin1String("SELECT ")) || sql.startsWith(QLatin1String("WITH "));
    if (result || result.error().kind != StoreError::Unavailable || transaction || !read)
        return result;
    // A read is safe to repeat: once, on the connection opened again (db shares its handle).
    if (auto reopened = m_connections.current(); !reopened)
        return unavailable(reopened.error());
    return execOnce(db, sql, values, nullptr);
}

StoreResult<SqlDatabase::Statement> SqlDatabase::execOnce(QSqlDatabase &db, const QString &sql,
                                                          const QVariantList &values,
                                                          Transaction *transaction)
{
    // Statements with values, and queries, are prepared once per connection and kept; the
    // others run unprepared, since some (LOCK TABLE) cannot be prepared on PostgreSQL.
    const bool prepared = !values.isEmpty() || sql.startsWith(QLatin1String("SELECT "));
    ThreadConnections::Connection *owner = nullptr;
    if (prepared) {
        auto connection = m_connections.current();
        if (connection && (*connection)->db.connectionName() == db.connectionName())
            owner = *connection;
    }
    std::optional<QSqlQuery> query;
    if (owner) {
        auto idle = owner->idleStatements.find(sql);
        if (idle != owner->idleStatements.end()) {
            query.emplace(std::move(idle.value()));
            owner->idleStatements.erase(idle);
        }
    }
    bool done = false;
    if (query) {
        for (int i = 0; i < values.size(); ++i)
            query->bindValue(i, values[i]);
        done = query->exec();
    } else {
        query.emplace(db);
        query->setForwardOnly(m_dialect->forwardOnlyQueries());
        if (!prepared) {
            done = query->exec(sql);
        } else if (query->prepare(sql)) {
            for (int i = 0; i < values.size(); ++i)
                query->bindValue(i, values[i]);
            done = query->exec();
        }
    }
    if (done)
        return Statement(std::move(*query), owner, sql);
    const StoreError error = errorFrom(query->lastError(), db);
    if (transaction)
        transaction->keepUntilRollback(std::move(*query));
    return error;
}

StoreError SqlDatabase::errorFrom(const QSqlError &error, const QSqlDatabase &db) const
{
    // The drivers close a connection the database dropped (QPSQL checks it after each error).
    if (!db.isOpen())
        return unavailable(error.text());
    return errorFrom(error);
}

StoreError SqlDatabase::errorFrom(const QSqlError &error) const
{
    if (m_dialect->isUniqueViolation(error)) {
        // Only the first line names the index; PostgreSQL's DETAIL line quotes the values.
        const QString first = error.databaseText().section(u'\n', 0, 0);
        // PostgreSQL names the index; SQLite names an expression index, or else the columns.
        struct Index
        {
            QLatin1String name;
            QLatin1String columns;
            QLatin1String field;
            QLatin1String message;
        };
        static const Index indexes[] = {
            {QLatin1String("users_username_uniq"),
             {},
             QLatin1String("username"),
             QLatin1String("A user with this username already exists.")},
            {QLatin1String("users_email_uniq"),
             {},
             QLatin1String("email"),
             QLatin1String("A user with this email already exists.")},
            {QLatin1String("api_keys_token_name_uniq"),
             QLatin1String("api_keys.user_id, api_keys.token_name"), QLatin1String("token_name"),
             QLatin1String("A token with this name already exists.")},
        };
        for (const Index &index : indexes) {
            if (first.contains(index.name) ||
                (!index.columns.isEmpty() && first.contains(index.columns)))
                return StoreError{StoreError::Conflict, index.message, index.field};
        }
        if (auto conflict = ProvisioningRowCodec::uniqueConflict(first))
            return *conflict;
        return StoreError{StoreError::Conflict,
                          QStringLiteral("A row with this id already exists."),
                          QStringLiteral("id")};
    }
    if (m_dialect->isForeignKeyViolation(error))
        return StoreError{
            StoreError::NotFound, QStringLiteral("The referenced row does not exist."), {}};
    return StoreError{StoreError::Internal, m_dialect->redact(error.text().trimmed()), {}};
}

StoreResult<core::Ok> SqlDatabase::forIdChunks(QSqlDatabase &db, const QString &sqlWithList,
                                               const QVariantList &leading, const QList<QUuid> &ids,
                                               const std::function<void(const QSqlQuery &)> &onRow)
{
    QVariantList all;
    all.reserve(ids.size());
    for (const QUuid &id : ids)
        all.append(RowCodec::uuid(id));
    for (qsizetype from = 0; from < all.size(); from += sql::kMaxInList) {
        const int size = sql::inListSize(all.size() - from);
        auto query = exec(db, sqlWithList.arg(sql::placeholders(size)),
                          leading + sql::padded(all, from, size));
        if (!query)
            return query.error();
        while (query->next())
            onRow(*query);
        if (query->lastError().isValid())
            return errorFrom(query->lastError());
    }
    return core::Ok{};
}

} // namespace coder::server
