#include "core/cli/client_commands.h"
#include "server/agent/agent_command.h"
#include "server/coderd/server_command.h"
#include "server/provisioner/provisionerd_command.h"
#include "unix_event_dispatcher.h"

#include <CLI/CLI.hpp>
#include <QCoreApplication>

int main(int argc, char **argv)
{
    coder::app::preferUnixEventDispatcher();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("coder"));
    CLI::App cli{"coder: self-hosted remote development environments"};
    cli.set_version_flag("--version", CODER_VERSION);
    cli.require_subcommand(1);
    coder::server::registerServerCommand(cli);
    coder::server::registerProvisionerdCommand(cli);
    coder::server::agent::registerAgentCommand(cli);
    coder::core::cli::registerClientCommands(cli);
    CLI11_PARSE(cli, argc, argv);
    return 0;
}
