#pragma once

#include "core/workspace_types.h"

// What a workspace agent and coderd say to each other over /api/v2/workspaceagents/me/...
// (Coder's agentsdk shapes), and an agent's logs as clients read them; each with its one field
// list (json_mapping.h), written by one end and read by the other.
namespace coder::core {

// POST /workspaceagents/me/metadata: values the agent collected since its last report.
struct AgentMetadataReport
{
    QString key;
    QString value;
    QString error;
    QDateTime collectedAt;

    static auto jsonFields()
    {
        using R = AgentMetadataReport;
        return std::make_tuple(field("key", &R::key, Required), field("value", &R::value),
                               field("error", &R::error), field("collected_at", &R::collectedAt));
    }
};

struct PostMetadataRequest
{
    QList<AgentMetadataReport> metadata;

    static auto jsonFields()
    {
        return std::make_tuple(field("metadata", &PostMetadataRequest::metadata));
    }
};

// A TCP port listening in the workspace (Coder's WorkspaceAgentListeningPort).
struct WorkspaceAgentListeningPort
{
    QString processName; // "" when the agent may not see the process
    QString network = QStringLiteral("tcp");
    qint64 port = 0;

    static auto jsonFields()
    {
        using P = WorkspaceAgentListeningPort;
        return std::make_tuple(field("process_name", &P::processName),
                               field("network", &P::network), field("port", &P::port, Required));
    }
};

// GET /workspaceagents/{id}/listening-ports; also what the agent posts to
// /workspaceagents/me/listening-ports when the set changes.
struct WorkspaceAgentListeningPortsResponse
{
    QList<WorkspaceAgentListeningPort> ports;

    static auto jsonFields()
    {
        return std::make_tuple(field("ports", &WorkspaceAgentListeningPortsResponse::ports));
    }
};

// GET /workspaceagents/me/manifest: what the agent needs to do its work.
struct AgentManifest
{
    QUuid agentId;
    QString agentName;
    QString ownerName;
    QUuid workspaceId;
    QString workspaceName;
    QString directory; // where scripts and sessions start; "" or "~...": the home directory
    QMap<QString, QString> environmentVariables;
    QString startupScript;
    qint64 startupScriptTimeoutSeconds = 0; // 0: none
    QString shutdownScript;
    qint64 shutdownScriptTimeoutSeconds = 0;
    QList<WorkspaceAgentMetadataDescription> metadata;
    QList<WorkspaceApp> apps;

    static auto jsonFields()
    {
        using M = AgentManifest;
        return std::make_tuple(
            field("agent_id", &M::agentId, Required), field("agent_name", &M::agentName),
            field("owner_name", &M::ownerName), field("workspace_id", &M::workspaceId),
            field("workspace_name", &M::workspaceName), field("directory", &M::directory),
            field("environment_variables", &M::environmentVariables),
            field("startup_script", &M::startupScript),
            field("startup_script_timeout", &M::startupScriptTimeoutSeconds),
            field("shutdown_script", &M::shutdownScript),
            field("shutdown_script_timeout", &M::shutdownScriptTimeoutSeconds),
            field("metadata", &M::metadata), field("apps", &M::apps));
    }
};

// POST /workspaceagents/me/report-lifecycle.
struct PostLifecycleRequest
{
    // created | starting | start_timeout | start_error | ready | shutting_down |
    // shutdown_timeout | shutdown_error | off
    QString state;
    QDateTime changedAt;

    static bool isState(const QString &state);

    static auto jsonFields()
    {
        return std::make_tuple(field("state", &PostLifecycleRequest::state, Required),
                               field("changed_at", &PostLifecycleRequest::changedAt));
    }
};

// One line of an agent's output: sent in PATCH /workspaceagents/me/logs, read back from
// GET /workspaceagents/{id}/logs (with its id).
struct WorkspaceAgentLog
{
    qint64 id = 0;
    QDateTime createdAt;
    QString output;
    QString level = QStringLiteral("info"); // trace | debug | info | warn | error

    static auto jsonFields()
    {
        using L = WorkspaceAgentLog;
        return std::make_tuple(field("id", &L::id), field("created_at", &L::createdAt),
                               field("output", &L::output, Required), field("level", &L::level));
    }
};

struct PatchLogsRequest
{
    QList<WorkspaceAgentLog> logs;

    static auto jsonFields() { return std::make_tuple(field("logs", &PatchLogsRequest::logs)); }
};

} // namespace coder::core
