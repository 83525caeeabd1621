#pragma once

#include "provisioning_models.h"
#include "sql_database.h"

#include <QList>

namespace coder::server {

// Workspace agents once they run: found by their token's hash or id with the workspace and
// builds around them, their connection times, lifecycle and logs (the SQL of workspace_agents'
// state and workspace_agent_logs). The agents themselves are inserted with their build's
// resources (JobStore).
class AgentStore
{
public:
    explicit AgentStore(SqlDatabase &db) : m_db(db) {}

    StoreResult<AgentPlacement> byTokenHash(const QByteArray &tokenHash);
    StoreResult<AgentPlacement> byId(const QUuid &agentId);

    // The tunnel came up: first_connected_at set once, last_connected_at now, disconnected_at
    // cleared, the holding replica's heartbeat interval. Also the heartbeat of a connected agent.
    StoreResult<core::Ok> markConnected(const QUuid &agentId, const QDateTime &at,
                                        const QString &version, int heartbeatIntervalMs);
    StoreResult<core::Ok> markDisconnected(const QUuid &agentId, const QDateTime &at);
    // started_at with "starting"; ready_at with the state that ends the startup script.
    StoreResult<core::Ok> setLifecycle(const QUuid &agentId, const QString &state,
                                       const QDateTime &changedAt);

    // Merges results ({key: {"value","error","collected_at"}}) into the agent's latest ones.
    StoreResult<core::Ok> mergeMetadataResults(const QUuid &agentId, const QJsonObject &results);
    StoreResult<core::Ok> setListeningPorts(const QUuid &agentId, const QJsonArray &ports);
    StoreResult<core::Ok> setStats(const QUuid &agentId, const QJsonObject &stats);

    struct Appended
    {
        QList<AgentLog> logs; // with their ids; empty when they did not fit
        bool overflowed = false;
    };
    // Appends logs unless they would take the agent's output past maxBytes; then none is kept
    // and the agent is marked overflowed (once marked, every later append is refused too).
    StoreResult<Appended> appendLogs(const QUuid &agentId, const QList<AgentLog> &logs,
                                     qint64 maxBytes);
    // Logs with id > afterId, oldest first; limit 0: all.
    StoreResult<QList<AgentLog>> logs(const QUuid &agentId, qint64 afterId, int limit = 0);

private:
    using Transaction = SqlDatabase::Transaction;
    StoreResult<AgentPlacement> placement(const QString &condition, const QVariant &value);
    StoreResult<core::Ok> update(const QString &assignments, const QVariantList &values);

    SqlDatabase &m_db;
};

} // namespace coder::server
