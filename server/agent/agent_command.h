#pragma once

namespace CLI {
class App;
}

namespace coder::server::agent {

// `coder agent [--url U] [--token T]` (CODER_AGENT_URL, CODER_AGENT_TOKEN): runs the workspace
// agent until SIGTERM or SIGINT.
void registerAgentCommand(CLI::App &app);
// The same options and action on a given command: the lean `coder-agent` executable's own app.
void defineAgentCommand(CLI::App &command);

} // namespace coder::server::agent
