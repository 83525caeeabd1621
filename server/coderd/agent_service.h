#pragma once

#include "actor.h"
#include "core/agent_types.h"
#include "domain_error.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class Pubsub;
class Store;

// Workspace agents, for the agents themselves (authenticated by their token: manifest,
// lifecycle, logs, their tunnel coming and going) and for users (an agent read, its logs, the
// right to open its tunnel). Each change is announced on the workspace's channel, so watches
// push it.
class AgentService
{
public:
    static constexpr qint64 kMaxLogBytes = 1024 * 1024;  // per agent, as Coder caps them
    static constexpr qsizetype kMaxMetadataValue = 4096; // characters of a value or error
    static constexpr qsizetype kMaxListeningPorts = 1000;

    AgentService(Store &store, Pubsub &pubsub) : m_store(store), m_pubsub(pubsub) {}

    // The agent whose token this is, while it belongs to the workspace's current build (or the
    // build just before a stop or delete still running): Unauthorized otherwise, so a token is
    // refused from the next start build on.
    Outcome<AgentPlacement> authenticate(const QByteArray &token);

    core::AgentManifest manifest(const AgentPlacement &agent) const;
    Outcome<core::Ok> reportLifecycle(const AgentPlacement &agent,
                                      const core::PostLifecycleRequest &request);
    // TooLarge once the agent's output passes kMaxLogBytes (the agent then stops sending).
    Outcome<core::Ok> appendLogs(const AgentPlacement &agent,
                                 const core::PatchLogsRequest &request);
    Outcome<core::Ok> reportMetadata(const AgentPlacement &agent,
                                     const core::PostMetadataRequest &request);
    Outcome<core::Ok> reportListeningPorts(const AgentPlacement &agent,
                                           const core::WorkspaceAgentListeningPortsResponse &ports);
    Outcome<core::Ok> reportStats(const AgentPlacement &agent, const core::AgentStats &stats);

    // The agent's tunnel came up or went down; announced. heartbeatMs: how often this replica
    // says the tunnel is still up.
    Outcome<core::Ok> connected(const AgentPlacement &agent, const QString &version,
                                int heartbeatMs);
    // The tunnel is still up (its connection time moves on); nothing to announce. Unauthorized
    // once a later build replaced the agent: its tunnel must end.
    Outcome<core::Ok> heartbeat(const AgentPlacement &agent, const QString &version,
                                int heartbeatMs);
    Outcome<core::Ok> disconnected(const AgentPlacement &agent);

    // An agent as the actor may see it: NotFound unless they may read its workspace.
    Outcome<core::WorkspaceAgent> get(const Actor &actor, const QUuid &agentId);
    Outcome<QList<core::WorkspaceAgentLog>> logs(const Actor &actor, const QUuid &agentId,
                                                 qint64 after);
    // For following an agent's logs (the actor's right checked when the follow began): those
    // after `after`, and whether they are all there will be, as the agent can send no more (its
    // token is no longer good: a newer build, or its stop has ended).
    struct LogBatch
    {
        QList<core::WorkspaceAgentLog> logs;
        bool ended = false;
    };
    Outcome<LogBatch> logBatch(const QUuid &agentId, qint64 after);
    Outcome<core::WorkspaceAgentListeningPortsResponse> listeningPorts(const Actor &actor,
                                                                       const QUuid &agentId);
    // The agent, when the actor may read its workspace.
    Outcome<AgentPlacement> findToRead(const Actor &actor, const QUuid &agentId);
    // The agent, when the actor may reach into its workspace (Action::Connect): its owner and
    // the deployment's owners. NotFound for an agent the actor may not even read.
    Outcome<AgentPlacement> findToConnect(const Actor &actor, const QUuid &agentId);

private:
    Outcome<AgentPlacement> find(const Actor &actor, const QUuid &agentId, Action action);
    void announce(const AgentPlacement &agent);
    Outcome<QList<core::WorkspaceAgentLog>> readLogs(const QUuid &agentId, qint64 after);

    Store &m_store;
    Pubsub &m_pubsub;
};

} // namespace coder::server
