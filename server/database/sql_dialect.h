#pragma once

#include "migration_runner.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

namespace coder::server {

// What differs between the two backends of the Store: how a connection is set up, how a write
// transaction starts and rows are locked, a few SQL forms, and how errors are recognised. All
// other SQL is portable between SQLite 3.40 and PostgreSQL 15.
class SqlDialect
{
public:
    virtual ~SqlDialect() = default;

    virtual QString backendName() const = 0; // "sqlite" | "postgres"
    virtual QString driver() const = 0;      // the Qt SQL driver
    // Names the database in messages ("/path/coder.db", "PostgreSQL at user@host:5432/db").
    virtual QString describe() const = 0;
    // Removes secrets from a driver message before it leaves the store.
    virtual QString redact(const QString &text) const { return text; }

    // Sets the driver's parameters on a new connection.
    virtual void configureConnection(QSqlDatabase &db) const = 0;
    // Runs on a freshly opened connection; returns an error or "".
    virtual QString prepareConnection(QSqlDatabase &db) const = 0;
    // Runs once on the first connection when the store opens (SQLite's WAL mode); an error or "".
    virtual QString initialize(QSqlDatabase &db) const
    {
        Q_UNUSED(db)
        return {};
    }

    // Starts a transaction that will write.
    virtual QString beginWriteStatement() const = 0;
    // Run inside insertFirstUser's transaction before counting; "" when BEGIN already locks.
    virtual QString firstUserLockStatement() const { return {}; }
    // Appended to a SELECT inside a transaction to hold the rows until it ends ("" on SQLite,
    // whose write transactions already exclude each other).
    virtual QString shareLockSuffix() const { return {}; }
    // Likewise, to hold rows that will be changed (" FOR UPDATE"; "" on SQLite).
    virtual QString updateLockSuffix() const { return {}; }
    // Appended to the SELECT that picks a pending job, so replicas acquiring at the same time
    // pass over each other's candidates instead of queueing (" FOR UPDATE SKIP LOCKED").
    virtual QString skipLockedSuffix() const { return {}; }
    // A condition on provisioner_jobs.tags with one placeholder, bound to a daemon's tags as a
    // JSON object: true when every tag of the job is among them with the same value.
    virtual QString jobTagsSubsetCondition() const = 0;
    // Joins each workspace w to its latest build b (the highest build number) and that
    // build's job j, as one index step per workspace.
    virtual QString latestBuildJoins() const = 0;
    // Whether queries read their rows one at a time (QSqlQuery::setForwardOnly). Every read
    // here collects all of its rows, so this is about what the driver does per row.
    virtual bool forwardOnlyQueries() const = 0;
    virtual MigrationRunner::Dialect migrationDialect() const = 0;
    virtual bool isUniqueViolation(const QSqlError &error) const = 0;
    virtual bool isForeignKeyViolation(const QSqlError &error) const = 0;
};

} // namespace coder::server
