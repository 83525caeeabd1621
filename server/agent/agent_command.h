#pragma once

namespace CLI {
class App;
}

namespace coder::server::agent {

// `coder agent [--url U] [--token T]` (CODER_AGENT_URL, CODER_AGENT_TOKEN): runs the workspace
// agent until SIGTERM or SIGINT.
void registerAgentCommand(CLI::App &app);

} // namespace coder::server::agent
