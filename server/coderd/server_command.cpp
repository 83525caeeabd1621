#include "server_command.h"

#include "coderd.h"
#include "core/unix_signal_watcher.h"
#include "server/provisioner/process_sandbox.h"

#include <CLI/CLI.hpp>
#include <QCoreApplication>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <memory>

namespace coder::server {

namespace {

struct ServerOptions
{
    std::string httpAddress = "127.0.0.1:3000";
    std::string accessUrl;
    std::string dataDir;
    std::string postgresUrl;
    std::string tlsCertFile;
    std::string tlsKeyFile;
    int threads = 0;
    int loginRateLimit = 30;
    int provisionerDaemons = 3;
    std::string provisionerDaemonPsk;
    std::string processSandbox = "auto";
    bool allowUnsandboxedRoot = false;
    std::string dockerHost;
    double heartbeatIntervalSeconds = 5;
    double heartbeatTimeoutSeconds = 60;
    double autobuildPollSeconds = 60;
    double agentHeartbeatSeconds = 15;
    double tunnelAccessCheckSeconds = 30;
};

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

int runServer(const ServerOptions &options)
{
    CoderdConfig config;
    config.httpAddress = q(options.httpAddress);
    config.accessUrl = QUrl(q(options.accessUrl));
    config.dataDir = q(options.dataDir);
    config.postgresUrl = q(options.postgresUrl);
    config.tlsCertFile = q(options.tlsCertFile);
    config.tlsKeyFile = q(options.tlsKeyFile);
    config.threads = options.threads;
    config.loginRateLimit = options.loginRateLimit;
    config.provisionerDaemons = options.provisionerDaemons;
    config.provisionerDaemonPsk = q(options.provisionerDaemonPsk);
    config.processSandbox = q(options.processSandbox);
    config.allowUnsandboxedRoot = options.allowUnsandboxedRoot;
    QString dockerHost = q(options.dockerHost);
    if (dockerHost.startsWith(QLatin1String("unix://")))
        dockerHost = dockerHost.mid(7);
    config.dockerHost = dockerHost;
    config.provisionerHeartbeatIntervalMs = int(options.heartbeatIntervalSeconds * 1000);
    config.provisionerHeartbeatTimeoutMs = int(options.heartbeatTimeoutSeconds * 1000);
    config.autobuildPollIntervalMs = int(options.autobuildPollSeconds * 1000);
    config.agentHeartbeatIntervalMs = int(options.agentHeartbeatSeconds * 1000);
    config.tunnelAccessCheckIntervalMs = int(options.tunnelAccessCheckSeconds * 1000);

    std::signal(SIGPIPE, SIG_IGN);
    core::UnixSignalWatcher signalWatcher({SIGINT, SIGTERM});
    Coderd coderd;
    QObject::connect(&coderd, &Coderd::ready, &coderd, [&coderd, &config] {
        const bool tls = coderd.listenUrl().scheme() == QLatin1String("https");
        std::printf("Started %s listener at %s\n", tls ? "HTTPS" : "HTTP",
                    qPrintable(coderd.listenUrl().toString()));
        std::printf("Database: %s\n", qPrintable(coderd.databaseDescription()));
        std::printf("Access URL: %s\n", qPrintable(coderd.accessUrl().toString()));
        if (ProcessSandbox::resolve(config.processSandbox, config.allowUnsandboxedRoot).name ==
            QLatin1String("none"))
            std::fprintf(stderr, "%s\n",
                         qPrintable(ProcessSandbox::unsandboxedWarning(config.dataDir)));
        std::fflush(stdout);
    });
    QObject::connect(&coderd, &Coderd::failed, &coderd, [](const QString &reason) {
        std::fprintf(stderr, "error: %s\n", qPrintable(reason));
        QCoreApplication::exit(1);
    });
    QObject::connect(&coderd, &Coderd::stopped, &coderd, [] {
        std::printf("Stopped.\n");
        std::fflush(stdout);
        QCoreApplication::exit(0);
    });
    QObject::connect(&signalWatcher, &core::UnixSignalWatcher::received, &coderd, [&coderd](int) {
        std::printf("Shutting down: finishing requests in flight...\n");
        std::fflush(stdout);
        coderd.stop();
    });
    coderd.start(config);
    return QCoreApplication::exec();
}

} // namespace

void registerServerCommand(CLI::App &app)
{
    auto options = std::make_shared<ServerOptions>();
    CLI::App *cmd = app.add_subcommand("server", "Start a Coder server (coderd)");
    cmd->add_option("--http-address", options->httpAddress,
                    "HOST:PORT to serve HTTP on; port 0 picks a free one")
        ->envname("CODER_HTTP_ADDRESS")
        ->capture_default_str();
    cmd->add_option("--access-url", options->accessUrl,
                    "The URL users reach this deployment at (default: the listener's URL)")
        ->envname("CODER_ACCESS_URL");
    cmd->add_option("--data-dir", options->dataDir,
                    "Where the SQLite database and server state live (default: "
                    "$XDG_DATA_HOME/coder)")
        ->envname("CODER_DATA_DIR");
    cmd->add_option("--postgres-url", options->postgresUrl,
                    "Use this PostgreSQL database instead of SQLite, e.g. "
                    "postgres://user:pass@host:5432/coder")
        ->envname("CODER_PG_CONNECTION_URL");
    cmd->add_option("--tls-cert-file", options->tlsCertFile, "PEM certificate chain: serve HTTPS")
        ->envname("CODER_TLS_CERT_FILE");
    cmd->add_option("--tls-key-file", options->tlsKeyFile, "PEM private key of the certificate")
        ->envname("CODER_TLS_KEY_FILE");
    cmd->add_option("--threads", options->threads, "HTTP event-loop threads (0: one per core)")
        ->envname("CODER_HTTP_THREADS")
        ->check(CLI::Range(0, 256));
    cmd->add_option("--login-rate-limit", options->loginRateLimit,
                    "Login attempts allowed per minute per client address (0: unlimited)")
        ->envname("CODER_LOGIN_RATE_LIMIT")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000000));
    cmd->add_option("--provisioner-daemons", options->provisionerDaemons,
                    "Built-in provisioner daemons, each running one build at a time")
        ->envname("CODER_PROVISIONER_DAEMONS")
        ->capture_default_str()
        ->check(CLI::Range(0, 64));
    cmd->add_option("--provisioner-daemon-psk", options->provisionerDaemonPsk,
                    "Pre-shared key external provisioner daemons connect with (unset: none may)")
        ->envname("CODER_PROVISIONER_DAEMON_PSK");
    cmd->add_option("--process-sandbox", options->processSandbox,
                    "How the process provisioner runs workspaces: auto (bwrap where installed), "
                    "bwrap (bubblewrap), or none (coder server warns)")
        ->envname("CODER_PROCESS_SANDBOX")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "none", "bwrap"}));
    cmd->add_flag("--allow-unsandboxed-root", options->allowUnsandboxedRoot,
                  "Run workspaces without a sandbox even when this server runs as root")
        ->envname("CODER_ALLOW_UNSANDBOXED_ROOT");
    cmd->add_option("--docker-host", options->dockerHost,
                    "Docker daemon socket for the docker provisioner (default: "
                    "unix:///var/run/docker.sock)")
        ->envname("DOCKER_HOST");
    cmd->add_option("--provisioner-heartbeat-interval", options->heartbeatIntervalSeconds,
                    "Seconds between heartbeats of a running job")
        ->envname("CODER_PROVISIONER_HEARTBEAT_INTERVAL")
        ->capture_default_str()
        ->check(CLI::Range(0.05, 3600.0));
    cmd->add_option("--provisioner-heartbeat-timeout", options->heartbeatTimeoutSeconds,
                    "Seconds without a heartbeat after which a running job is failed")
        ->envname("CODER_PROVISIONER_HEARTBEAT_TIMEOUT")
        ->capture_default_str()
        ->check(CLI::Range(0.2, 86400.0));
    cmd->add_option("--autobuild-poll-interval", options->autobuildPollSeconds,
                    "Seconds between checks for workspaces to autostart or autostop")
        ->envname("CODER_AUTOBUILD_POLL_INTERVAL")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 86400.0));
    cmd->add_option("--agent-heartbeat-interval", options->agentHeartbeatSeconds,
                    "Seconds between pings of each agent's tunnel; an agent silent for two is "
                    "disconnected")
        ->envname("CODER_AGENT_HEARTBEAT_INTERVAL")
        ->capture_default_str()
        ->check(CLI::Range(0.2, 3600.0));
    cmd->add_option("--tunnel-access-check-interval", options->tunnelAccessCheckSeconds,
                    "Seconds between checks of the token and access of open tunnels, log "
                    "follows and watches; a revoked token, a suspended user or lost access "
                    "ends them")
        ->envname("CODER_TUNNEL_ACCESS_CHECK_INTERVAL")
        ->capture_default_str()
        ->check(CLI::Range(0.2, 3600.0));
    cmd->callback([options] { throw CLI::RuntimeError(runServer(*options)); });
}

} // namespace coder::server
