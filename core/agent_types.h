#pragma once

#include "core/workspace_types.h"

// What a workspace agent and coderd say to each other over /api/v2/workspaceagents/me/...
// (Coder's agentsdk shapes), and an agent's logs as clients read them; each with its one field
// list (json_mapping.h), written by one end and read by the other.
namespace coder::core {

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
            field("apps", &M::apps));
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
