#include "sql_store.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_store_detail.h"

#include <optional>

namespace coder::server {

namespace {

using C = RowCodec;
using sql::likePattern;
using sql::limitValue;
using sql::notFound;

} // namespace

SqlStore::SqlStore(const QString &driver)
    : m_connections(
          driver, [this](QSqlDatabase &db) { configureConnection(db); },
          [this](QSqlDatabase &db) { return prepareConnection(db); })
{}

SqlStore::~SqlStore() = default;

void SqlStore::closeThreadConnection()
{
    m_connections.closeCurrent();
}

StoreResult<QSqlDatabase> SqlStore::connection()
{
    auto connection = m_connections.current();
    if (!connection)
        return unavailable(connection.error());
    return (*connection)->db;
}

StoreError SqlStore::unavailable(const QString &detail) const
{
    return StoreError{
        StoreError::Unavailable,
        redact(
            QStringLiteral("Cannot reach the database %1: %2").arg(describe(), detail.trimmed())),
        {}};
}

core::Result<int, QString> SqlStore::migrate(const QString &directory)
{
    auto db = connection();
    if (!db)
        return db.error().message;
    auto applied = MigrationRunner(directory, migrationDialect()).apply(*db);
    if (!applied)
        return redact(applied.error());
    return applied;
}

SqlStore::Statement::~Statement()
{
    if (!m_owner || m_owner->session != m_session || !m_owner->db.isOpen())
        return; // prepared on a connection that is gone
    finish();
    // A statement of the same SQL may have been prepared meanwhile (a nested call); one kept
    // is enough.
    if (!m_owner->idleStatements.contains(m_sql))
        m_owner->idleStatements.insert(m_sql, std::move(static_cast<QSqlQuery &>(*this)));
}

StoreResult<SqlStore::Statement> SqlStore::exec(QSqlDatabase &db, const QString &sql,
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

StoreResult<SqlStore::Statement> SqlStore::execOnce(QSqlDatabase &db, const QString &sql,
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
        query->setForwardOnly(forwardOnlyQueries());
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

StoreError SqlStore::errorFrom(const QSqlError &error, const QSqlDatabase &db) const
{
    // The drivers close a connection the database dropped (QPSQL checks it after each error).
    if (!db.isOpen())
        return unavailable(error.text());
    return errorFrom(error);
}

StoreError SqlStore::errorFrom(const QSqlError &error) const
{
    if (isUniqueViolation(error)) {
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
    if (isForeignKeyViolation(error))
        return StoreError{
            StoreError::NotFound, QStringLiteral("The referenced row does not exist."), {}};
    return StoreError{StoreError::Internal, redact(error.text().trimmed()), {}};
}

// ---- users ----

StoreResult<User> SqlStore::insertUserWith(QSqlDatabase &db, const User &input,
                                           Transaction *transaction)
{
    User user = input;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (user.id.isNull())
        user.id = QUuid::createUuid();
    user.createdAt = C::utc(user.createdAt.isValid() ? user.createdAt : now);
    user.updatedAt = C::utc(user.updatedAt.isValid() ? user.updatedAt : user.createdAt);
    user.lastSeenAt = C::utc(user.lastSeenAt);
    auto query = exec(db,
                      QStringLiteral("INSERT INTO users (") + C::userColumns +
                          QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      {C::uuid(user.id), C::text(user.email), C::text(user.username),
                       C::text(user.name), C::bytes(user.hashedPassword), C::text(user.status),
                       C::rolesJson(user.roles), C::text(user.loginType), C::millis(user.createdAt),
                       C::millis(user.updatedAt), C::millis(user.lastSeenAt), user.deleted},
                      transaction);
    if (!query)
        return query.error();
    return user;
}

StoreResult<User> SqlStore::insertUser(const User &user)
{
    auto db = connection();
    if (!db)
        return db.error();
    return insertUserWith(*db, user);
}

StoreResult<User> SqlStore::insertFirstUser(const User &user)
{
    return inWriteTransaction<User>([&](QSqlDatabase &db,
                                        Transaction &transaction) -> StoreResult<User> {
        if (const QString lock = firstUserLockStatement(); !lock.isEmpty()) {
            if (auto locked = exec(db, lock, {}, &transaction); !locked)
                return locked.error();
        }
        {
            auto count = exec(db, QStringLiteral("SELECT count(*) FROM users"), {}, &transaction);
            if (!count)
                return count.error();
            if (!count->next())
                return errorFrom(count->lastError());
            if (count->value(0).toLongLong() > 0)
                return StoreError{StoreError::Conflict,
                                  QStringLiteral("The first user has already been created."),
                                  {}};
        }
        return insertUserWith(db, user, &transaction);
    });
}

StoreResult<User> SqlStore::userWhere(const QString &condition, const QVariant &value)
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(*db,
                      QStringLiteral("SELECT ") + C::userColumns +
                          QStringLiteral(" FROM users WHERE deleted = FALSE AND ") + condition,
                      {value});
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("User"));
    return C::user(*query);
}

StoreResult<User> SqlStore::userById(const QUuid &id)
{
    return userWhere(QStringLiteral("id = ?"), C::uuid(id));
}

StoreResult<User> SqlStore::userByUsername(const QString &username)
{
    return userWhere(QStringLiteral("lower(username) = lower(?)"), C::text(username));
}

StoreResult<User> SqlStore::userByEmail(const QString &email)
{
    return userWhere(QStringLiteral("lower(email) = lower(?)"), C::text(email));
}

QString SqlStore::userFilterSql(const UserFilter &filter, QVariantList &values)
{
    QString where = QStringLiteral(" WHERE deleted = FALSE");
    if (!filter.search.isEmpty()) {
        where += QStringLiteral(" AND (lower(username) LIKE lower(?) ESCAPE '!'"
                                " OR lower(email) LIKE lower(?) ESCAPE '!')");
        values << likePattern(filter.search) << likePattern(filter.search);
    }
    if (!filter.status.isEmpty()) {
        where += QStringLiteral(" AND status = ?");
        values << filter.status;
    }
    if (!filter.id.isNull()) {
        where += QStringLiteral(" AND id = ?");
        values << C::uuid(filter.id);
    }
    return where;
}

StoreResult<QList<User>> SqlStore::listUsers(const UserFilter &filter)
{
    auto db = connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString where = userFilterSql(filter, values);
    values << limitValue(filter.limit) << qMax(0, filter.offset);
    auto query = exec(*db,
                      QStringLiteral("SELECT ") + C::userColumns + QStringLiteral(" FROM users") +
                          where + QStringLiteral(" ORDER BY lower(username), id LIMIT ? OFFSET ?"),
                      values);
    if (!query)
        return query.error();
    QList<User> users;
    while (query->next())
        users.append(C::user(*query));
    return users;
}

StoreResult<qint64> SqlStore::countUsers(const UserFilter &filter)
{
    auto db = connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString where = userFilterSql(filter, values);
    auto query = exec(*db, QStringLiteral("SELECT count(*) FROM users") + where, values);
    if (!query)
        return query.error();
    if (!query->next())
        return errorFrom(query->lastError());
    return query->value(0).toLongLong();
}

StoreResult<User> SqlStore::updateUserColumn(const QUuid &id, const QString &assignment,
                                             const QVariant &value, Transaction *transaction)
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(*db,
                      QStringLiteral("UPDATE users SET ") + assignment +
                          QStringLiteral(", updated_at = ? WHERE id = ? AND deleted = FALSE "
                                         "RETURNING ") +
                          C::userColumns,
                      {value, QDateTime::currentMSecsSinceEpoch(), C::uuid(id)}, transaction);
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("User"));
    User user = C::user(*query);
    // SQLite keeps an autocommit write open until a RETURNING statement is reset.
    query->finish();
    return user;
}

StoreResult<User> SqlStore::updateUserStatus(const QUuid &id, const QString &status)
{
    return updateUserColumn(id, QStringLiteral("status = ?"), C::text(status));
}

StoreResult<User> SqlStore::updateUserRoles(const QUuid &id, const QStringList &roles)
{
    return updateUserColumn(id, QStringLiteral("rbac_roles = ?"), C::rolesJson(roles));
}

StoreResult<User> SqlStore::updateUserPassword(const QUuid &id, const QByteArray &hash,
                                               const QString &keepSessionId)
{
    return inWriteTransaction<User>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<User> {
            StoreResult<User> user = updateUserColumn(id, QStringLiteral("hashed_password = ?"),
                                                      C::bytes(hash), &transaction);
            if (!user)
                return user.error();
            {
                auto query = exec(db,
                                  QStringLiteral("DELETE FROM api_keys WHERE user_id = ? AND "
                                                 "login_type = 'password' AND id <> ?"),
                                  {C::uuid(id), C::text(keepSessionId)}, &transaction);
                if (!query)
                    return query.error();
            }
            return user;
        });
}

StoreResult<core::Ok> SqlStore::updateUserLastSeen(const QUuid &id, const QDateTime &at)
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(
        *db, QStringLiteral("UPDATE users SET last_seen_at = ? WHERE id = ? AND deleted = FALSE"),
        {C::millis(at), C::uuid(id)});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return notFound(QStringLiteral("User"));
    return core::Ok{};
}

StoreResult<core::Ok> SqlStore::deleteUser(const QUuid &id)
{
    return inWriteTransaction<core::Ok>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<core::Ok> {
            {
                auto query = exec(db,
                                  QStringLiteral("UPDATE users SET deleted = TRUE, updated_at = ? "
                                                 "WHERE id = ? AND deleted = FALSE"),
                                  {QDateTime::currentMSecsSinceEpoch(), C::uuid(id)}, &transaction);
                if (!query)
                    return query.error();
                if (query->numRowsAffected() == 0)
                    return notFound(QStringLiteral("User"));
            }
            {
                auto query = exec(db, QStringLiteral("DELETE FROM api_keys WHERE user_id = ?"),
                                  {C::uuid(id)}, &transaction);
                if (!query)
                    return query.error();
            }
            return core::Ok{};
        });
}

// ---- API keys ----

StoreResult<ApiKey> SqlStore::insertApiKey(const ApiKey &input)
{
    ApiKey key = input;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    key.createdAt = C::utc(key.createdAt.isValid() ? key.createdAt : now);
    key.updatedAt = C::utc(key.updatedAt.isValid() ? key.updatedAt : key.createdAt);
    key.lastUsed = C::utc(key.lastUsed);
    key.expiresAt = C::utc(key.expiresAt);

    // The user check and the insert share a transaction that holds the user row, so a
    // concurrent deleteUser cannot leave a key behind for a deleted user.
    return inWriteTransaction<ApiKey>([&](QSqlDatabase &db,
                                          Transaction &transaction) -> StoreResult<ApiKey> {
        {
            auto owner =
                exec(db,
                     QStringLiteral("SELECT 1 FROM users WHERE id = ? AND deleted = FALSE") +
                         shareLockSuffix(),
                     {C::uuid(key.userId)}, &transaction);
            if (!owner)
                return owner.error();
            if (!owner->next())
                return notFound(QStringLiteral("User"));
        }
        {
            auto query =
                exec(db,
                     QStringLiteral("INSERT INTO api_keys (") + C::apiKeyColumns +
                         QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     {C::text(key.id), C::bytes(key.hashedSecret), C::uuid(key.userId),
                      C::text(key.loginType), C::text(key.scope), key.lifetimeSeconds,
                      C::millis(key.lastUsed), C::millis(key.expiresAt), C::text(key.tokenName),
                      C::text(key.ipAddress), C::millis(key.createdAt), C::millis(key.updatedAt)},
                     &transaction);
            if (!query)
                return query.error();
        }
        return key;
    });
}

StoreResult<ApiKey> SqlStore::apiKeyById(const QString &id)
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(*db,
                      QStringLiteral("SELECT ") + C::apiKeyColumns +
                          QStringLiteral(" FROM api_keys WHERE id = ?"),
                      {C::text(id)});
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("API key"));
    return C::apiKey(*query);
}

StoreResult<ApiKeyWithUser> SqlStore::apiKeyWithUser(const QString &id)
{
    auto db = connection();
    if (!db)
        return db.error();
    static const QString sql =
        QStringLiteral("SELECT ") + C::qualified(C::authKeyColumns, QStringLiteral("k")) +
        QStringLiteral(", ") + C::qualified(C::userColumns, QStringLiteral("u")) +
        QStringLiteral(" FROM api_keys k JOIN users u ON u.id = k.user_id"
                       " WHERE k.id = ? AND u.deleted = FALSE");
    auto query = exec(*db, sql, {C::text(id)});
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("API key"));
    return ApiKeyWithUser{C::authKey(*query), C::user(*query, C::authKeyColumnCount)};
}

StoreResult<QList<ApiKey>> SqlStore::listApiKeys(const QUuid &userId, const QString &loginType)
{
    auto db = connection();
    if (!db)
        return db.error();
    QString sql = QStringLiteral("SELECT ") + C::apiKeyColumns +
                  QStringLiteral(" FROM api_keys WHERE user_id = ?");
    QVariantList values{C::uuid(userId)};
    if (!loginType.isEmpty()) {
        sql += QStringLiteral(" AND login_type = ?");
        values << loginType;
    }
    auto query = exec(*db, sql + QStringLiteral(" ORDER BY created_at, id"), values);
    if (!query)
        return query.error();
    QList<ApiKey> keys;
    while (query->next())
        keys.append(C::apiKey(*query));
    return keys;
}

StoreResult<core::Ok> SqlStore::changeApiKeys(const QString &sql, const QVariantList &values,
                                              bool mustExist)
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(*db, sql, values);
    if (!query)
        return query.error();
    if (mustExist && query->numRowsAffected() == 0)
        return notFound(QStringLiteral("API key"));
    return core::Ok{};
}

StoreResult<core::Ok> SqlStore::updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                                  const QDateTime &expiresAt,
                                                  const QString &ipAddress)
{
    return changeApiKeys(QStringLiteral("UPDATE api_keys SET last_used = ?, expires_at = ?, "
                                        "ip_address = ?, updated_at = ? WHERE id = ?"),
                         {C::millis(lastUsed), C::millis(expiresAt), C::text(ipAddress),
                          QDateTime::currentMSecsSinceEpoch(), C::text(id)},
                         true);
}

StoreResult<core::Ok> SqlStore::deleteApiKey(const QString &id)
{
    return changeApiKeys(QStringLiteral("DELETE FROM api_keys WHERE id = ?"), {C::text(id)}, true);
}

StoreResult<core::Ok> SqlStore::deleteApiKeysOfUser(const QUuid &userId)
{
    return changeApiKeys(QStringLiteral("DELETE FROM api_keys WHERE user_id = ?"),
                         {C::uuid(userId)}, false);
}

// ---- audit log ----

StoreResult<core::Ok> SqlStore::insertAuditLog(const AuditLog &entry)
{
    auto db = connection();
    if (!db)
        return db.error();
    const QUuid id = entry.id.isNull() ? QUuid::createUuid() : entry.id;
    const QDateTime time = entry.time.isValid() ? entry.time : QDateTime::currentDateTimeUtc();
    auto query =
        exec(*db,
             QStringLiteral("INSERT INTO audit_logs (") + C::auditColumns +
                 QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {C::uuid(id), C::millis(time), C::optionalUuid(entry.userId), C::text(entry.ipAddress),
              C::text(entry.userAgent), C::text(entry.resourceType), C::text(entry.resourceId),
              C::text(entry.resourceTarget), C::text(entry.action), C::json(entry.diff),
              entry.statusCode, C::text(entry.requestId), C::json(entry.additionalFields)});
    if (!query)
        return query.error();
    return core::Ok{};
}

StoreResult<QList<AuditLog>> SqlStore::listAuditLogs(int limit, int offset)
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(*db,
                      QStringLiteral("SELECT ") + C::auditColumns +
                          QStringLiteral(" FROM audit_logs ORDER BY time DESC, id DESC "
                                         "LIMIT ? OFFSET ?"),
                      {limitValue(limit), qMax(0, offset)});
    if (!query)
        return query.error();
    QList<AuditLog> entries;
    while (query->next())
        entries.append(C::auditLog(*query));
    return entries;
}

StoreResult<qint64> SqlStore::countAuditLogs()
{
    auto db = connection();
    if (!db)
        return db.error();
    auto query = exec(*db, QStringLiteral("SELECT count(*) FROM audit_logs"));
    if (!query)
        return query.error();
    if (!query->next())
        return errorFrom(query->lastError());
    return query->value(0).toLongLong();
}

} // namespace coder::server
