#pragma once

#include "core/result.h"
#include "pubsub.h"
#include "store_factory.h"

#include <memory>

namespace coder::server {

// The pubsub that goes with the database: in-process for SQLite (one coderd), LISTEN/NOTIFY
// for PostgreSQL (replicas share it). The error is fit for the user and has no password.
core::Result<std::unique_ptr<Pubsub>, QString> openPubsub(const DatabaseConfig &config);

} // namespace coder::server
