#pragma once

#include <QString>
#include <QUrl>

namespace coder::server {

// Everything `coder server` can be told (flags with CODER_* environment equivalents).
struct CoderdConfig
{
    QString httpAddress = QStringLiteral("127.0.0.1:3000"); // host:port; port 0 picks a free one
    QUrl accessUrl;      // how users reach this deployment; defaults to the listener's URL
    QString dataDir;     // SQLite database and server state; created 0700
    QString postgresUrl; // set: PostgreSQL instead of SQLite
    QString tlsCertFile; // both set: HTTPS only
    QString tlsKeyFile;
    int threads = 0;         // HTTP event-loop threads; 0: one per core
    int databaseThreads = 0; // threads (and connections) for database work; 0: 2 per core, >= 4
    int loginRateLimit = 30; // login attempts per minute per client address; 0: unlimited

    // Provisioning
    int provisionerDaemons = 3;   // built-in daemons, each running one job at a time
    QString provisionerDaemonPsk; // set: external daemons may connect with this key
    // auto (bwrap where installed) | bwrap | none: how the process provisioner runs workspaces
    QString processSandbox = QStringLiteral("auto");
    bool allowUnsandboxedRoot = false; // run workspaces as root without a sandbox
    QString dockerHost;                // unix socket of the Docker daemon; empty: default
    // The workspace agent's executable (coder-agent) that provisioners start; empty: the one
    // beside the running program (AgentProgram::installed()). The desktop app sets it.
    QString agentProgram;
    int provisionerHeartbeatIntervalMs = 5000;
    int provisionerHeartbeatTimeoutMs = 60000; // a running job without heartbeat is failed
    int autobuildPollIntervalMs = 60000;       // how often autostart/autostop are checked
    // Agents: coderd pings each agent's tunnel this often and drops one silent for two
    // intervals; a connected agent's last_connected_at moves on as often.
    int agentHeartbeatIntervalMs = 15000;
    // Long-lived connections (tunnels, log follows, workspace watches) check their token and
    // access again this often (AccessWatch): revoked, expired or suspended, or access lost, ends
    // them.
    int tunnelAccessCheckIntervalMs = 30000;
};

} // namespace coder::server
