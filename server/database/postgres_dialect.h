#pragma once

#include "core/result.h"
#include "postgres_url.h"
#include "sql_dialect.h"

#include <memory>

namespace coder::server {

// The scale-out backend: several coderd replicas may share one PostgreSQL database.
class PostgresDialect final : public SqlDialect
{
public:
    // Parses the URL; the error never contains the password.
    static core::Result<std::unique_ptr<PostgresDialect>, QString> create(const QString &url);

    QString backendName() const override { return QStringLiteral("postgres"); }
    QString driver() const override { return QStringLiteral("QPSQL"); }
    QString describe() const override;
    QString redact(const QString &text) const override { return m_url.redact(text); }

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

private:
    explicit PostgresDialect(PostgresUrl url);

    PostgresUrl m_url;
};

} // namespace coder::server
