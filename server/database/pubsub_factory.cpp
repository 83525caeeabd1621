#include "pubsub_factory.h"

#include "in_process_pubsub.h"
#include "postgres_pubsub.h"

namespace coder::server {

core::Result<std::unique_ptr<Pubsub>, QString> openPubsub(const DatabaseConfig &config)
{
    switch (config.backend) {
    case DatabaseConfig::Backend::Sqlite:
        return std::unique_ptr<Pubsub>(std::make_unique<InProcessPubsub>());
    case DatabaseConfig::Backend::Postgres: {
        auto pubsub = PostgresPubsub::open(config.postgresUrl);
        if (!pubsub)
            return pubsub.error();
        return std::unique_ptr<Pubsub>(std::move(*pubsub));
    }
    }
    return QStringLiteral("Unknown database backend.");
}

} // namespace coder::server
