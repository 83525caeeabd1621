#include "postgres_dialect.h"

#include <QSqlQuery>

namespace coder::server {

namespace {

// pg_advisory_xact_lock key that serialises migration runs of all replicas ("coder" in ASCII).
const qint64 kMigrationLockKey = 0x636f646572;

} // namespace

PostgresDialect::PostgresDialect(PostgresUrl url) : m_url(std::move(url)) {}

core::Result<std::unique_ptr<PostgresDialect>, QString> PostgresDialect::create(const QString &url)
{
    auto parsed = PostgresUrl::parse(url);
    if (!parsed)
        return parsed.error();
    return std::unique_ptr<PostgresDialect>(new PostgresDialect(std::move(*parsed)));
}

QString PostgresDialect::describe() const
{
    return QStringLiteral("PostgreSQL at ") + m_url.describe();
}

void PostgresDialect::configureConnection(QSqlDatabase &db) const
{
    if (!m_url.host.isEmpty())
        db.setHostName(m_url.host);
    db.setPort(m_url.port);
    if (!m_url.user.isEmpty())
        db.setUserName(m_url.user);
    if (!m_url.password.isEmpty())
        db.setPassword(m_url.password);
    if (!m_url.database.isEmpty())
        db.setDatabaseName(m_url.database);
    db.setConnectOptions(m_url.connectOptions());
}

QString PostgresDialect::prepareConnection(QSqlDatabase &db) const
{
    // Keeps NOTICEs such as "relation already exists, skipping" out of coderd's log.
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SET client_min_messages TO WARNING")))
        return redact(query.lastError().text());
    // Every statement is prepared once per connection and run with many values, and none has
    // a plan that depends on them (lookups by key, pages by index). PostgreSQL's default keeps
    // planning such a statement afresh on every run when the generic plan's estimate looks
    // worse (a LIMIT given as a parameter is enough): 3 ms of planning for the workspace
    // list's 1 ms of work. Servers before 12 lack the setting and keep their default.
    if (!query.exec(QStringLiteral("SET plan_cache_mode TO force_generic_plan")) &&
        query.lastError().nativeErrorCode() != QLatin1String("42704")) // undefined_object
        return redact(query.lastError().text());
    return {};
}

// Conflicts with itself and with every insert, but not with readers: concurrent first-user
// attempts queue here and the later ones see the row the first inserted.
QString PostgresDialect::firstUserLockStatement() const
{
    return QStringLiteral("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE");
}

// QPSQL reads a forward-only query in libpq's single-row mode: a PGresult allocated, filled
// and freed per row (an eighth of a listing's time in coderd). Otherwise the rows come as one
// PGresult. A kept statement holds its last result until its next run, so memory stays
// bounded by one result per statement and thread.
bool PostgresDialect::forwardOnlyQueries() const
{
    return false;
}

// Given SQLite's form (a join on build_number = the correlated max), PostgreSQL hashes every
// build of every workspace even for a page of 25; LATERAL keeps it to one index step per row.
QString PostgresDialect::latestBuildJoins() const
{
    return QStringLiteral(" JOIN LATERAL (SELECT * FROM workspace_builds lb"
                          " WHERE lb.workspace_id = w.id ORDER BY lb.build_number DESC LIMIT 1)"
                          " b ON TRUE JOIN provisioner_jobs j ON j.id = b.job_id");
}

// jsonb containment of flat objects is exactly "every key/value of the job's is the daemon's".
QString PostgresDialect::jobTagsSubsetCondition() const
{
    return QStringLiteral("CAST(provisioner_jobs.tags AS jsonb) <@ CAST(? AS jsonb)");
}

MigrationRunner::Dialect PostgresDialect::migrationDialect() const
{
    return {QStringLiteral("BEGIN"),
            QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kMigrationLockKey)};
}

bool PostgresDialect::isUniqueViolation(const QSqlError &error) const
{
    return error.nativeErrorCode() == QLatin1String("23505");
}

bool PostgresDialect::isForeignKeyViolation(const QSqlError &error) const
{
    return error.nativeErrorCode() == QLatin1String("23503");
}

} // namespace coder::server
