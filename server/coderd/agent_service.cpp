#include "agent_service.h"

#include "api_objects.h"
#include "provisioner_job_server.h"
#include "server/database/pubsub.h"
#include "server/database/store.h"

#include <QCryptographicHash>
#include <QSet>

namespace coder::server {

namespace {

const QString kAgent = QStringLiteral("Workspace agent");

DomainError tokenRefused()
{
    return DomainError::unauthorized(QStringLiteral(
        "The agent token is invalid, or belongs to a build that is no longer the workspace's "
        "current one."));
}

// A token is good while its build is the workspace's latest, and while a stop or delete that
// follows it still runs (the agent reports its shutdown meanwhile).
bool isCurrent(const AgentPlacement &p)
{
    if (p.workspaceDeleted || p.buildTransition != QLatin1String("start"))
        return false;
    if (p.latestBuildNumber == p.buildNumber)
        return true;
    return p.latestBuildNumber == p.buildNumber + 1 &&
           p.latestBuildTransition != QLatin1String("start") && !p.latestBuildCompleted;
}

// A placement read by token or by id, refused unless its agent is still current.
Outcome<AgentPlacement> current(StoreResult<AgentPlacement> placement)
{
    if (!placement) {
        if (placement.error().kind == StoreError::NotFound)
            return tokenRefused();
        return DomainError::fromStore(placement.error(), kAgent);
    }
    if (!isCurrent(*placement))
        return tokenRefused();
    return std::move(*placement);
}

} // namespace

Outcome<AgentPlacement> AgentService::authenticate(const QByteArray &token)
{
    if (token.isEmpty())
        return DomainError::unauthorized(
            QStringLiteral("No agent token was given (header Coder-Session-Token)."));
    return current(
        m_store.agents().byTokenHash(QCryptographicHash::hash(token, QCryptographicHash::Sha256)));
}

core::AgentManifest AgentService::manifest(const AgentPlacement &p) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const core::WorkspaceAgent shown = apiAgent(p.agent, now);
    core::AgentManifest manifest;
    manifest.agentId = p.agent.id;
    manifest.agentName = p.agent.name;
    manifest.ownerName = p.ownerName;
    manifest.workspaceId = p.workspaceId;
    manifest.workspaceName = p.workspaceName;
    manifest.directory = p.agent.directory;
    manifest.environmentVariables = shown.environmentVariables;
    manifest.startupScript = p.agent.startupScript;
    manifest.startupScriptTimeoutSeconds = p.agent.startupScriptTimeoutSeconds;
    manifest.shutdownScript = p.agent.shutdownScript;
    manifest.shutdownScriptTimeoutSeconds = p.agent.shutdownScriptTimeoutSeconds;
    for (const core::WorkspaceAgentMetadata &item : shown.metadata)
        manifest.metadata.append(item.description);
    manifest.apps = shown.apps;
    return manifest;
}

Outcome<core::Ok> AgentService::reportLifecycle(const AgentPlacement &agent,
                                                const core::PostLifecycleRequest &request)
{
    if (!core::PostLifecycleRequest::isState(request.state))
        return DomainError::invalidField(
            QStringLiteral("state"),
            QStringLiteral("\"%1\" is not a lifecycle state (created, starting, start_timeout, "
                           "start_error, ready, shutting_down, shutdown_timeout, "
                           "shutdown_error, off).")
                .arg(request.state));
    const QDateTime at =
        request.changedAt.isValid() ? request.changedAt : QDateTime::currentDateTimeUtc();
    auto done = m_store.agents().setLifecycle(agent.agent.id, request.state, at);
    if (!done)
        return DomainError::fromStore(done.error(), kAgent);
    announce(agent);
    return core::Ok{};
}

Outcome<core::Ok> AgentService::appendLogs(const AgentPlacement &agent,
                                           const core::PatchLogsRequest &request)
{
    static const QStringList levels{QStringLiteral("trace"), QStringLiteral("debug"),
                                    QStringLiteral("info"), QStringLiteral("warn"),
                                    QStringLiteral("error")};
    QList<AgentLog> logs;
    logs.reserve(request.logs.size());
    for (qsizetype i = 0; i < request.logs.size(); ++i) {
        const core::WorkspaceAgentLog &line = request.logs.at(i);
        if (!levels.contains(line.level))
            return DomainError::invalidField(
                QStringLiteral("logs[%1].level").arg(i),
                QStringLiteral("\"%1\" is not a log level (trace, debug, info, warn, error).")
                    .arg(line.level));
        logs.append({0, agent.agent.id, line.createdAt, line.level, line.output});
    }
    if (logs.isEmpty())
        return core::Ok{};
    auto appended = m_store.agents().appendLogs(agent.agent.id, logs, kMaxLogBytes);
    if (!appended)
        return DomainError::fromStore(appended.error(), kAgent);
    announce(agent);
    if (appended->overflowed)
        return DomainError::tooLarge(
            QStringLiteral("Logs limit exceeded"),
            QStringLiteral("An agent may log at most %1 bytes; the rest is dropped.")
                .arg(kMaxLogBytes));
    return core::Ok{};
}

Outcome<core::Ok> AgentService::reportMetadata(const AgentPlacement &agent,
                                               const core::PostMetadataRequest &request)
{
    QSet<QString> known;
    for (const QJsonValue &definition : agent.agent.metadataDefinitions)
        known.insert(definition.toObject().value(QLatin1String("key")).toString());
    QJsonObject results;
    for (qsizetype i = 0; i < request.metadata.size(); ++i) {
        const core::AgentMetadataReport &item = request.metadata.at(i);
        if (!known.contains(item.key))
            return DomainError::invalidField(
                QStringLiteral("metadata[%1].key").arg(i),
                QStringLiteral("\"%1\" is not a metadata key of this agent.").arg(item.key));
        // Values are shown, not stored for history: a runaway script cannot fill the database.
        results.insert(item.key,
                       QJsonObject{{QStringLiteral("value"), item.value.left(kMaxMetadataValue)},
                                   {QStringLiteral("error"), item.error.left(kMaxMetadataValue)},
                                   {QStringLiteral("collected_at"),
                                    core::formatApiTime(item.collectedAt.isValid()
                                                            ? item.collectedAt
                                                            : QDateTime::currentDateTimeUtc())}});
    }
    if (results.isEmpty())
        return core::Ok{};
    auto done = m_store.agents().mergeMetadataResults(agent.agent.id, results);
    if (!done)
        return DomainError::fromStore(done.error(), kAgent);
    announce(agent);
    return core::Ok{};
}

Outcome<core::Ok>
AgentService::reportListeningPorts(const AgentPlacement &agent,
                                   const core::WorkspaceAgentListeningPortsResponse &ports)
{
    if (ports.ports.size() > kMaxListeningPorts)
        return DomainError::invalidField(
            QStringLiteral("ports"), QStringLiteral("At most %1 ports.").arg(kMaxListeningPorts));
    for (qsizetype i = 0; i < ports.ports.size(); ++i)
        if (ports.ports[i].port < 1 || ports.ports[i].port > 65535)
            return DomainError::invalidField(QStringLiteral("ports[%1].port").arg(i),
                                             QStringLiteral("A port is 1 to 65535."));
    auto done = m_store.agents().setListeningPorts(agent.agent.id,
                                                   core::json::toJsonValue(ports.ports).toArray());
    if (!done)
        return DomainError::fromStore(done.error(), kAgent);
    announce(agent);
    return core::Ok{};
}

Outcome<core::Ok> AgentService::reportStats(const AgentPlacement &agent,
                                            const core::AgentStats &stats)
{
    auto done =
        m_store.agents().setStats(agent.agent.id, core::json::toJsonValue(stats).toObject());
    if (!done)
        return DomainError::fromStore(done.error(), kAgent);
    return core::Ok{};
}

Outcome<core::WorkspaceAgentListeningPortsResponse>
AgentService::listeningPorts(const Actor &actor, const QUuid &agentId)
{
    auto placement = find(actor, agentId, Action::Read);
    if (!placement)
        return placement.error();
    core::WorkspaceAgentListeningPortsResponse response;
    if (auto problem =
            core::json::read(QJsonValue(placement->agent.listeningPorts), response.ports);
        !problem.isEmpty())
        return DomainError::internal(QStringLiteral("Stored listening ports are unreadable."),
                                     problem);
    return response;
}

Outcome<core::Ok> AgentService::connected(const AgentPlacement &agent, const QString &version,
                                          int heartbeatMs)
{
    auto done = heartbeat(agent, version, heartbeatMs);
    if (done)
        announce(agent);
    return done;
}

Outcome<core::Ok> AgentService::heartbeat(const AgentPlacement &agent, const QString &version,
                                          int heartbeatMs)
{
    // A build since the tunnel came up may have replaced the agent: its token is refused from
    // then on, and so is the tunnel it holds.
    if (auto now = current(m_store.agents().byId(agent.agent.id)); !now)
        return now.error();
    auto done = m_store.agents().markConnected(agent.agent.id, QDateTime::currentDateTimeUtc(),
                                               version.left(64), heartbeatMs);
    if (!done)
        return DomainError::fromStore(done.error(), kAgent);
    return core::Ok{};
}

Outcome<core::Ok> AgentService::disconnected(const AgentPlacement &agent)
{
    auto done = m_store.agents().markDisconnected(agent.agent.id, QDateTime::currentDateTimeUtc());
    if (!done)
        return DomainError::fromStore(done.error(), kAgent);
    announce(agent);
    return core::Ok{};
}

Outcome<AgentPlacement> AgentService::find(const Actor &actor, const QUuid &agentId, Action action)
{
    auto placement = m_store.agents().byId(agentId);
    if (!placement)
        return DomainError::fromStore(placement.error(), kAgent);
    if (auto denied =
            requireAccess(actor.subject(), action, {Resource::Workspace, placement->ownerId, {}}))
        return *denied;
    return *placement;
}

Outcome<core::WorkspaceAgent> AgentService::get(const Actor &actor, const QUuid &agentId)
{
    auto placement = find(actor, agentId, Action::Read);
    if (!placement)
        return placement.error();
    return apiAgent(placement->agent, QDateTime::currentDateTimeUtc());
}

Outcome<QList<core::WorkspaceAgentLog>> AgentService::logs(const Actor &actor, const QUuid &agentId,
                                                           qint64 after)
{
    auto placement = find(actor, agentId, Action::Read);
    if (!placement)
        return placement.error();
    return readLogs(agentId, after);
}

Outcome<AgentService::LogBatch> AgentService::logBatch(const QUuid &agentId, qint64 after)
{
    // Whether it has ended is read first: logs stored before that moment are in the read below.
    auto placement = m_store.agents().byId(agentId);
    if (!placement && placement.error().kind != StoreError::NotFound)
        return DomainError::fromStore(placement.error(), kAgent);
    const bool ended = !placement || !isCurrent(*placement);
    auto logs = readLogs(agentId, after);
    if (!logs)
        return logs.error();
    return LogBatch{std::move(*logs), ended};
}

Outcome<QList<core::WorkspaceAgentLog>> AgentService::readLogs(const QUuid &agentId, qint64 after)
{
    auto logs = m_store.agents().logs(agentId, after);
    if (!logs)
        return DomainError::fromStore(logs.error(), kAgent);
    QList<core::WorkspaceAgentLog> out;
    out.reserve(logs->size());
    for (const AgentLog &log : *logs)
        out.append({log.id, log.createdAt, log.output, log.level});
    return out;
}

Outcome<AgentPlacement> AgentService::findToRead(const Actor &actor, const QUuid &agentId)
{
    return find(actor, agentId, Action::Read);
}

Outcome<AgentPlacement> AgentService::findToConnect(const Actor &actor, const QUuid &agentId)
{
    return find(actor, agentId, Action::Connect);
}

void AgentService::announce(const AgentPlacement &agent)
{
    channels::workspaceChanged(m_pubsub, agent.workspaceId, "agent");
}

} // namespace coder::server
