#include "store_factory.h"

#include "postgres_dialect.h"
#include "sqlite_dialect.h"

namespace coder::server {

namespace {

core::Result<std::unique_ptr<SqlDialect>, QString> dialectFor(const DatabaseConfig &config)
{
    switch (config.backend) {
    case DatabaseConfig::Backend::Sqlite: {
        auto dialect = SqliteDialect::create(config.sqlitePath);
        if (!dialect)
            return dialect.error();
        return std::unique_ptr<SqlDialect>(std::move(*dialect));
    }
    case DatabaseConfig::Backend::Postgres: {
        auto dialect = PostgresDialect::create(config.postgresUrl);
        if (!dialect)
            return dialect.error();
        return std::unique_ptr<SqlDialect>(std::move(*dialect));
    }
    }
    return QStringLiteral("Unknown database backend.");
}

} // namespace

core::Result<std::unique_ptr<Store>, QString> openStore(const DatabaseConfig &config)
{
    auto dialect = dialectFor(config);
    if (!dialect)
        return dialect.error();
    auto store = std::make_unique<Store>(std::move(*dialect));
    SqlDatabase &database = store->database();
    auto db = database.connection();
    if (!db)
        return db.error().message;
    if (QString problem = database.dialect().initialize(*db); !problem.isEmpty())
        return problem;
    const QString directory = config.migrationsDirectory.isEmpty()
                                  ? QStringLiteral(":/migrations/") + store->backendName()
                                  : config.migrationsDirectory;
    auto applied = store->migrate(directory);
    if (!applied)
        return QString(QStringLiteral("Cannot migrate the database: ") + applied.error());
    return store;
}

} // namespace coder::server
