#include "client_commands.h"

#include "core/cli/client_context.h"
#include "core/cli/create_command.h"
#include "core/cli/login_command.h"
#include "core/cli/logout_command.h"
#include "core/cli/port_forward_command.h"
#include "core/cli/schedule_command.h"
#include "core/cli/show_command.h"
#include "core/cli/templates_command.h"
#include "core/cli/tokens_command.h"
#include "core/cli/users_command.h"
#include "core/cli/whoami_command.h"
#include "core/cli/workspace_build_command.h"
#include "core/cli/workspace_list_command.h"

#include <CLI/CLI.hpp>

namespace coder::core::cli {

void registerClientCommands(CLI::App &root)
{
    // The CLI::App keeps the commands (and through them the context) alive via their callbacks.
    auto context = std::make_shared<ClientContext>();
    context->addGlobalOptions(root);
    LoginCommand::add(root, context);
    LogoutCommand::add(root, context);
    WhoamiCommand::add(root, context);
    UsersCommand::add(root, context);
    TokensCommand::add(root, context);
    TemplatesCommand::add(root, context);
    CreateCommand::add(root, context);
    WorkspaceListCommand::add(root, context);
    ShowCommand::add(root, context);
    WorkspaceBuildCommand::add(root, context);
    ScheduleCommand::add(root, context);
    PortForwardCommand::add(root, context);
}

} // namespace coder::core::cli
