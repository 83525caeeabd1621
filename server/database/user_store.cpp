// UserStore: users and API keys.
#include "user_store.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

namespace coder::server {

namespace {

using C = RowCodec;
using sql::likePattern;
using sql::limitValue;
using sql::notFound;

} // namespace

StoreResult<User> UserStore::insertWith(QSqlDatabase &db, const User &input,
                                        Transaction *transaction)
{
    User user = input;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (user.id.isNull())
        user.id = QUuid::createUuid();
    user.createdAt = C::utc(user.createdAt.isValid() ? user.createdAt : now);
    user.updatedAt = C::utc(user.updatedAt.isValid() ? user.updatedAt : user.createdAt);
    user.lastSeenAt = C::utc(user.lastSeenAt);
    auto query =
        m_db.exec(db,
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

StoreResult<User> UserStore::insert(const User &user)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return insertWith(*db, user);
}

StoreResult<User> UserStore::insertFirst(const User &user)
{
    return m_db.write<User>([&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<User> {
        if (const QString lock = m_db.dialect().firstUserLockStatement(); !lock.isEmpty()) {
            if (auto locked = m_db.exec(db, lock, {}, &transaction); !locked)
                return locked.error();
        }
        {
            auto count =
                m_db.exec(db, QStringLiteral("SELECT count(*) FROM users"), {}, &transaction);
            if (!count)
                return count.error();
            if (!count->next())
                return m_db.errorFrom(count->lastError());
            if (count->value(0).toLongLong() > 0)
                return StoreError{StoreError::Conflict,
                                  QStringLiteral("The first user has already been created."),
                                  {}};
        }
        return insertWith(db, user, &transaction);
    });
}

StoreResult<User> UserStore::where(const QString &condition, const QVariant &value)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db,
                           QStringLiteral("SELECT ") + C::userColumns +
                               QStringLiteral(" FROM users WHERE deleted = FALSE AND ") + condition,
                           {value});
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("User"));
    return C::user(*query);
}

StoreResult<User> UserStore::byId(const QUuid &id)
{
    return where(QStringLiteral("id = ?"), C::uuid(id));
}

StoreResult<User> UserStore::byUsername(const QString &username)
{
    return where(QStringLiteral("lower(username) = lower(?)"), C::text(username));
}

StoreResult<User> UserStore::byEmail(const QString &email)
{
    return where(QStringLiteral("lower(email) = lower(?)"), C::text(email));
}

QString UserStore::filterSql(const UserFilter &filter, QVariantList &values)
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

StoreResult<QList<User>> UserStore::list(const UserFilter &filter)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString where = filterSql(filter, values);
    values << limitValue(filter.limit) << qMax(0, filter.offset);
    auto query =
        m_db.exec(*db,
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

StoreResult<qint64> UserStore::count(const UserFilter &filter)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString where = filterSql(filter, values);
    auto query = m_db.exec(*db, QStringLiteral("SELECT count(*) FROM users") + where, values);
    if (!query)
        return query.error();
    if (!query->next())
        return m_db.errorFrom(query->lastError());
    return query->value(0).toLongLong();
}

StoreResult<User> UserStore::updateColumn(const QUuid &id, const QString &assignment,
                                          const QVariant &value, Transaction *transaction)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db,
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

StoreResult<User> UserStore::updateStatus(const QUuid &id, const QString &status)
{
    return updateColumn(id, QStringLiteral("status = ?"), C::text(status));
}

StoreResult<User> UserStore::updateRoles(const QUuid &id, const QStringList &roles)
{
    return updateColumn(id, QStringLiteral("rbac_roles = ?"), C::rolesJson(roles));
}

StoreResult<User> UserStore::updatePassword(const QUuid &id, const QByteArray &hash,
                                            const QString &keepSessionId)
{
    return m_db.write<User>([&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<User> {
        StoreResult<User> user =
            updateColumn(id, QStringLiteral("hashed_password = ?"), C::bytes(hash), &transaction);
        if (!user)
            return user.error();
        {
            auto query = m_db.exec(db,
                                   QStringLiteral("DELETE FROM api_keys WHERE user_id = ? AND "
                                                  "login_type = 'password' AND id <> ?"),
                                   {C::uuid(id), C::text(keepSessionId)}, &transaction);
            if (!query)
                return query.error();
        }
        return user;
    });
}

StoreResult<core::Ok> UserStore::updateLastSeen(const QUuid &id, const QDateTime &at)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(
        *db, QStringLiteral("UPDATE users SET last_seen_at = ? WHERE id = ? AND deleted = FALSE"),
        {C::millis(at), C::uuid(id)});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return notFound(QStringLiteral("User"));
    return core::Ok{};
}

StoreResult<core::Ok> UserStore::remove(const QUuid &id)
{
    return m_db.write<core::Ok>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<core::Ok> {
            {
                auto query =
                    m_db.exec(db,
                              QStringLiteral("UPDATE users SET deleted = TRUE, updated_at = ? "
                                             "WHERE id = ? AND deleted = FALSE"),
                              {QDateTime::currentMSecsSinceEpoch(), C::uuid(id)}, &transaction);
                if (!query)
                    return query.error();
                if (query->numRowsAffected() == 0)
                    return notFound(QStringLiteral("User"));
            }
            {
                auto query = m_db.exec(db, QStringLiteral("DELETE FROM api_keys WHERE user_id = ?"),
                                       {C::uuid(id)}, &transaction);
                if (!query)
                    return query.error();
            }
            return core::Ok{};
        });
}

StoreResult<ApiKey> UserStore::insertApiKey(const ApiKey &input)
{
    ApiKey key = input;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    key.createdAt = C::utc(key.createdAt.isValid() ? key.createdAt : now);
    key.updatedAt = C::utc(key.updatedAt.isValid() ? key.updatedAt : key.createdAt);
    key.lastUsed = C::utc(key.lastUsed);
    key.expiresAt = C::utc(key.expiresAt);

    // The user check and the insert share a transaction that holds the user row, so a
    // concurrent deleteUser cannot leave a key behind for a deleted user.
    return m_db.write<ApiKey>([&](QSqlDatabase &db,
                                  Transaction &transaction) -> StoreResult<ApiKey> {
        {
            auto owner =
                m_db.exec(db,
                          QStringLiteral("SELECT 1 FROM users WHERE id = ? AND deleted = FALSE") +
                              m_db.dialect().shareLockSuffix(),
                          {C::uuid(key.userId)}, &transaction);
            if (!owner)
                return owner.error();
            if (!owner->next())
                return notFound(QStringLiteral("User"));
        }
        {
            auto query = m_db.exec(
                db,
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

StoreResult<ApiKey> UserStore::apiKeyById(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db,
                           QStringLiteral("SELECT ") + C::apiKeyColumns +
                               QStringLiteral(" FROM api_keys WHERE id = ?"),
                           {C::text(id)});
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("API key"));
    return C::apiKey(*query);
}

StoreResult<ApiKeyWithUser> UserStore::apiKeyWithUser(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    static const QString sql =
        QStringLiteral("SELECT ") + C::qualified(C::authKeyColumns, QStringLiteral("k")) +
        QStringLiteral(", ") + C::qualified(C::userColumns, QStringLiteral("u")) +
        QStringLiteral(" FROM api_keys k JOIN users u ON u.id = k.user_id"
                       " WHERE k.id = ? AND u.deleted = FALSE");
    auto query = m_db.exec(*db, sql, {C::text(id)});
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(QStringLiteral("API key"));
    return ApiKeyWithUser{C::authKey(*query), C::user(*query, C::authKeyColumnCount)};
}

StoreResult<QList<ApiKey>> UserStore::listApiKeys(const QUuid &userId, const QString &loginType)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QString sql = QStringLiteral("SELECT ") + C::apiKeyColumns +
                  QStringLiteral(" FROM api_keys WHERE user_id = ?");
    QVariantList values{C::uuid(userId)};
    if (!loginType.isEmpty()) {
        sql += QStringLiteral(" AND login_type = ?");
        values << loginType;
    }
    auto query = m_db.exec(*db, sql + QStringLiteral(" ORDER BY created_at, id"), values);
    if (!query)
        return query.error();
    QList<ApiKey> keys;
    while (query->next())
        keys.append(C::apiKey(*query));
    return keys;
}

StoreResult<core::Ok> UserStore::changeApiKeys(const QString &sql, const QVariantList &values,
                                               bool mustExist)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db, sql, values);
    if (!query)
        return query.error();
    if (mustExist && query->numRowsAffected() == 0)
        return notFound(QStringLiteral("API key"));
    return core::Ok{};
}

StoreResult<core::Ok> UserStore::updateApiKeyUsage(const QString &id, const QDateTime &lastUsed,
                                                   const QDateTime &expiresAt,
                                                   const QString &ipAddress)
{
    return changeApiKeys(QStringLiteral("UPDATE api_keys SET last_used = ?, expires_at = ?, "
                                        "ip_address = ?, updated_at = ? WHERE id = ?"),
                         {C::millis(lastUsed), C::millis(expiresAt), C::text(ipAddress),
                          QDateTime::currentMSecsSinceEpoch(), C::text(id)},
                         true);
}

StoreResult<core::Ok> UserStore::deleteApiKey(const QString &id)
{
    return changeApiKeys(QStringLiteral("DELETE FROM api_keys WHERE id = ?"), {C::text(id)}, true);
}

StoreResult<core::Ok> UserStore::deleteApiKeysOfUser(const QUuid &userId)
{
    return changeApiKeys(QStringLiteral("DELETE FROM api_keys WHERE user_id = ?"),
                         {C::uuid(userId)}, false);
}

} // namespace coder::server
