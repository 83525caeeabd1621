#pragma once

namespace CLI {
class App;
}

namespace coder::server {

// `coder provisionerd start --url U --psk K [--tag k=v]...`: an external provisioner daemon.
void registerProvisionerdCommand(CLI::App &app);

} // namespace coder::server
