#pragma once

namespace CLI {
class App;
}

namespace coder::core::cli {

// Adds the global --url/--token flags and the client commands (login, logout, whoami, users,
// tokens, templates, create, list, show, start, stop, restart, delete, schedule) to the root
// command. Each command runs on the Qt event loop once app.exec() starts and ends it with
// QCoreApplication::exit(code).
void registerClientCommands(CLI::App &root);

} // namespace coder::core::cli
