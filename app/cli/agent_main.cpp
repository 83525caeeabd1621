// `coder-agent`: the workspace agent alone, what the provisioners start in every workspace.
// The same command as `coder agent`, in an executable that links only the agent, the tunnel and
// core (no server, database, Docker or keychain libraries), so an idle agent stays small.
#include "server/agent/agent_command.h"
#include "unix_event_dispatcher.h"

#include <CLI/CLI.hpp>
#include <QCoreApplication>

int main(int argc, char **argv)
{
    coder::app::preferUnixEventDispatcher();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("coder-agent"));
    CLI::App cli{"coder-agent: the workspace agent (inside a workspace)"};
    cli.set_version_flag("--version", CODER_VERSION);
    coder::server::agent::defineAgentCommand(cli);
    CLI11_PARSE(cli, argc, argv);
    return 0;
}
