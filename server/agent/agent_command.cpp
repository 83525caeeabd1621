#include "agent_command.h"

#include "agent.h"
#include "core/unix_signal_watcher.h"

#include <CLI/CLI.hpp>
#include <QCoreApplication>
#include <csignal>
#include <cstdio>

namespace coder::server::agent {

namespace {

struct Options
{
    std::string url;
    std::string token;
    double keepAliveSeconds = 15;
};

int runAgent(const Options &options)
{
    const QUrl url(QString::fromStdString(options.url));
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        std::fprintf(stderr, "error: --url must be coderd's http:// or https:// URL, not \"%s\"\n",
                     options.url.c_str());
        return 1;
    }
    if (options.token.empty()) {
        std::fprintf(stderr, "error: no agent token: set CODER_AGENT_TOKEN (or --token)\n");
        return 1;
    }
    // The token stays out of the environment of everything the agent starts.
    qunsetenv("CODER_AGENT_TOKEN");

    core::UnixSignalWatcher signals({SIGINT, SIGTERM});
    Agent::Options agentOptions;
    agentOptions.url = url;
    agentOptions.token = QString::fromStdString(options.token);
    agentOptions.keepAliveMs = int(options.keepAliveSeconds * 1000);
    Agent agent(agentOptions);
    QObject::connect(&signals, &core::UnixSignalWatcher::received, &agent, [&agent](int) {
        std::fprintf(stderr, "Shutting down...\n");
        agent.stop();
    });
    QObject::connect(&agent, &Agent::finished, &agent, [] { QCoreApplication::exit(0); });
    agent.start();
    return QCoreApplication::exec();
}

} // namespace

void registerAgentCommand(CLI::App &app)
{
    defineAgentCommand(
        *app.add_subcommand("agent", "Run the workspace agent (inside a workspace)"));
}

void defineAgentCommand(CLI::App &app)
{
    auto options = std::make_shared<Options>();
    CLI::App *command = &app;
    command->add_option("--url", options->url, "URL of the deployment (coderd)")
        ->envname("CODER_AGENT_URL")
        ->required();
    command->add_option("--token", options->token, "The agent's token")
        ->envname("CODER_AGENT_TOKEN");
    command
        ->add_option("--keepalive", options->keepAliveSeconds,
                     "Seconds between pings of the tunnel; a silent coderd is left after two")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    command->callback([options] { throw CLI::RuntimeError(runAgent(*options)); });
}

} // namespace coder::server::agent
