#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace coder::server {

// Applies numbered SQL files (NNNN_name.sql) of a directory in numeric order. Each file runs in
// one transaction together with its row in schema_migrations(version, applied_at), so a file is
// either fully applied and recorded or not at all; recorded versions are skipped.
class MigrationRunner
{
public:
    struct Dialect
    {
        QString begin; // starts a transaction that writes ("BEGIN IMMEDIATE" on SQLite)
        QString lock;  // run first in each transaction so concurrent runners queue; may be ""
    };

    MigrationRunner(QString directory, Dialect dialect);

    // Returns how many files were applied now. The error names the failing file.
    core::Result<int, QString> apply(QSqlDatabase &db) const;

    struct Migration
    {
        qint64 version = 0;
        QString fileName;
        QString sql;
    };
    // The directory's migrations sorted by version; an error for a misnamed or duplicate file.
    core::Result<QList<Migration>, QString> load() const;

    // Splits a script into statements at top-level semicolons, keeping quoted strings,
    // identifiers, comments, PostgreSQL dollar-quoted bodies and SQLite trigger bodies
    // (BEGIN ... END) intact. Drops empty statements.
    static QStringList splitStatements(const QString &sql);

private:
    core::Result<bool, QString> applyOne(QSqlDatabase &db, const Migration &migration) const;

    QString m_directory;
    Dialect m_dialect;
};

} // namespace coder::server
