#pragma once

#include "postgres_url.h"
#include "sql_store.h"

#include <memory>

namespace coder::server {

// The scale-out backend: several coderd replicas may share one PostgreSQL database.
class PostgresStore final : public SqlStore
{
public:
    // Parses the URL and connects; the error never contains the password.
    static core::Result<std::unique_ptr<PostgresStore>, QString> open(const QString &url);

    QString backendName() const override { return QStringLiteral("postgres"); }

protected:
    void configureConnection(QSqlDatabase &db) const override;
    QString prepareConnection(QSqlDatabase &db) const override;
    QString beginWriteStatement() const override { return QStringLiteral("BEGIN"); }
    QString firstUserLockStatement() const override;
    QString shareLockSuffix() const override { return QStringLiteral(" FOR SHARE"); }
    QString updateLockSuffix() const override { return QStringLiteral(" FOR UPDATE"); }
    QString skipLockedSuffix() const override { return QStringLiteral(" FOR UPDATE SKIP LOCKED"); }
    QString jobTagsSubsetCondition() const override;
    QString latestBuildJoins() const override;
    bool forwardOnlyQueries() const override;
    MigrationRunner::Dialect migrationDialect() const override;
    bool isUniqueViolation(const QSqlError &error) const override;
    bool isForeignKeyViolation(const QSqlError &error) const override;
    QString redact(const QString &text) const override { return m_url.redact(text); }
    QString describe() const override;

private:
    explicit PostgresStore(PostgresUrl url);

    PostgresUrl m_url;
};

} // namespace coder::server
