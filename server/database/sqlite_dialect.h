#pragma once

#include "core/result.h"
#include "sql_dialect.h"

#include <memory>

namespace coder::server {

// The embedded backend: one SQLite file in WAL mode, readable only by its owner.
class SqliteDialect final : public SqlDialect
{
public:
    // Creates the directory and the file (mode 0600) when missing.
    static core::Result<std::unique_ptr<SqliteDialect>, QString> create(const QString &path);

    QString backendName() const override { return QStringLiteral("sqlite"); }
    QString driver() const override { return QStringLiteral("QSQLITE"); }
    QString describe() const override { return m_path; }
    QString path() const { return m_path; }

    // How long a writer waits for another one before giving up.
    static constexpr int busyTimeoutMs = 10'000;

    void configureConnection(QSqlDatabase &db) const override;
    QString prepareConnection(QSqlDatabase &db) const override;
    QString initialize(QSqlDatabase &db) const override;
    QString beginWriteStatement() const override;
    QString jobTagsSubsetCondition() const override;
    QString latestBuildJoins() const override;
    bool forwardOnlyQueries() const override;
    MigrationRunner::Dialect migrationDialect() const override;
    bool isUniqueViolation(const QSqlError &error) const override;
    bool isForeignKeyViolation(const QSqlError &error) const override;

private:
    explicit SqliteDialect(QString path);

    QString m_path;
};

} // namespace coder::server
