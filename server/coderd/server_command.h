#pragma once

namespace CLI {
class App;
}

namespace coder::server {

// Adds `coder server` to the CLI: flags with CODER_* environment equivalents, runs coderd
// until SIGINT/SIGTERM, then shuts down gracefully.
void registerServerCommand(CLI::App &app);

} // namespace coder::server
