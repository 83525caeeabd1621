#pragma once

#include "core/result.h"
#include "store.h"

#include <memory>

namespace coder::server {

struct DatabaseConfig
{
    enum class Backend { Sqlite, Postgres } backend = Backend::Sqlite;
    QString sqlitePath;  // the database file; created 0600 with its WAL files
    QString postgresUrl; // postgres://user:password@host:port/dbname?host=/socket/dir
    // Numbered .sql files to apply instead of the built-in ones (tests of the migration runner).
    QString migrationsDirectory;
};

// Opens the database, applies pending migrations in a transaction and returns the Store.
// The error is a message fit for the user (it never contains a password).
core::Result<std::unique_ptr<Store>, QString> openStore(const DatabaseConfig &config);

} // namespace coder::server
