#include "store_factory.h"

#include "postgres_store.h"
#include "sqlite_store.h"

namespace coder::server {

namespace {

core::Result<std::unique_ptr<Store>, QString> migrated(std::unique_ptr<SqlStore> store,
                                                       const DatabaseConfig &config)
{
    const QString directory = config.migrationsDirectory.isEmpty()
                                  ? QStringLiteral(":/migrations/") + store->backendName()
                                  : config.migrationsDirectory;
    auto applied = store->migrate(directory);
    if (!applied)
        return QString(QStringLiteral("Cannot migrate the database: ") + applied.error());
    return std::unique_ptr<Store>(std::move(store));
}

} // namespace

core::Result<std::unique_ptr<Store>, QString> openStore(const DatabaseConfig &config)
{
    switch (config.backend) {
    case DatabaseConfig::Backend::Sqlite: {
        auto store = SqliteStore::open(config.sqlitePath);
        if (!store)
            return store.error();
        return migrated(std::move(*store), config);
    }
    case DatabaseConfig::Backend::Postgres: {
        auto store = PostgresStore::open(config.postgresUrl);
        if (!store)
            return store.error();
        return migrated(std::move(*store), config);
    }
    }
    return QStringLiteral("Unknown database backend.");
}

} // namespace coder::server
