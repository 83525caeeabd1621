#pragma once

#include "sql_store.h"

#include <memory>

namespace coder::server {

// The embedded backend: one SQLite file in WAL mode, readable only by its owner.
class SqliteStore final : public SqlStore
{
public:
    // Creates the directory and the file (mode 0600) when missing and opens it in WAL mode.
    static core::Result<std::unique_ptr<SqliteStore>, QString> open(const QString &path);

    QString backendName() const override { return QStringLiteral("sqlite"); }
    QString path() const { return m_path; }

    // How long a writer waits for another one before giving up.
    static constexpr int busyTimeoutMs = 10'000;

protected:
    void configureConnection(QSqlDatabase &db) const override;
    QString prepareConnection(QSqlDatabase &db) const override;
    QString beginWriteStatement() const override;
    QString firstUserLockStatement() const override { return {}; }
    QString shareLockSuffix() const override { return {}; }
    QString updateLockSuffix() const override { return {}; }
    QString skipLockedSuffix() const override { return {}; }
    QString jobTagsSubsetCondition() const override;
    QString latestBuildJoins() const override;
    bool forwardOnlyQueries() const override;
    MigrationRunner::Dialect migrationDialect() const override;
    bool isUniqueViolation(const QSqlError &error) const override;
    bool isForeignKeyViolation(const QSqlError &error) const override;
    QString describe() const override { return m_path; }

private:
    explicit SqliteStore(QString path);

    QString m_path;
};

} // namespace coder::server
