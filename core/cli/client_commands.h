#pragma once

#include "core/cli/template_tools.h"

namespace CLI {
class App;
}

namespace coder::core::cli {

// Adds the global --url/--token flags and the client commands (login, logout, whoami, users,
// tokens, templates, create, list, show, start, stop, restart, delete, schedule) to the root
// command. Each command runs on the Qt event loop once app.exec() starts and ends it with
// QCoreApplication::exit(code). `templateTools` serve `templates init` and `templates push`.
void registerClientCommands(CLI::App &root, const TemplateTools &templateTools = {});

} // namespace coder::core::cli
