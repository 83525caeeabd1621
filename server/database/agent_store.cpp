// AgentStore: workspace agents' state and logs.
#include "agent_store.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

namespace coder::server {

namespace {

using C = RowCodec;
using P = ProvisioningRowCodec;
using sql::notFound;

const QString kAgent = QStringLiteral("Workspace agent");

} // namespace

StoreResult<AgentPlacement> AgentStore::byTokenHash(const QByteArray &tokenHash)
{
    return placement(QStringLiteral("a.auth_token_hash = ?"), C::bytes(tokenHash));
}

StoreResult<AgentPlacement> AgentStore::byId(const QUuid &agentId)
{
    return placement(QStringLiteral("a.id = ?"), C::uuid(agentId));
}

StoreResult<AgentPlacement> AgentStore::placement(const QString &condition, const QVariant &value)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    // The agent with its build and workspace, and that workspace's latest build, in one read.
    constexpr int kAfterAgent = P::agentColumnCount;
    return m_db.selectOne(
        *db,
        QStringLiteral("SELECT ") + C::qualified(P::agentColumns, QStringLiteral("a")) +
            QStringLiteral(
                ", w.id, w.name, w.deleted, w.owner_id, w.owner_username, b.id, b.build_number, "
                "b.transition, l.build_number, l.transition, lj.completed_at "
                "FROM workspace_agents a "
                "JOIN workspace_resources r ON r.id = a.resource_id "
                "JOIN workspace_builds b ON b.job_id = r.job_id "
                "JOIN workspaces w ON w.id = b.workspace_id "
                "JOIN workspace_builds l ON l.workspace_id = w.id AND l.build_number = "
                "(SELECT MAX(build_number) FROM workspace_builds WHERE workspace_id = w.id) "
                "JOIN provisioner_jobs lj ON lj.id = l.job_id WHERE ") +
            condition,
        {value}, kAgent, [](const QSqlQuery &q) {
            AgentPlacement p;
            p.agent = P::agent(q);
            const auto v = [&q](int i) { return q.value(kAfterAgent + i); };
            p.workspaceId = C::uuidFrom(v(0));
            p.workspaceName = v(1).toString();
            p.workspaceDeleted = v(2).toBool();
            p.ownerId = C::uuidFrom(v(3));
            p.ownerName = v(4).toString();
            p.buildId = C::uuidFrom(v(5));
            p.buildNumber = v(6).toInt();
            p.buildTransition = v(7).toString();
            p.latestBuildNumber = v(8).toInt();
            p.latestBuildTransition = v(9).toString();
            p.latestBuildCompleted = !v(10).isNull();
            return p;
        });
}

StoreResult<core::Ok> AgentStore::update(const QString &assignments, const QVariantList &values)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db,
                           QStringLiteral("UPDATE workspace_agents SET ") + assignments +
                               QStringLiteral(" WHERE id = ?"),
                           values);
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return notFound(kAgent);
    return core::Ok{};
}

StoreResult<core::Ok> AgentStore::markConnected(const QUuid &agentId, const QDateTime &at,
                                                const QString &version, int heartbeatIntervalMs)
{
    const QVariant when = C::millis(at);
    return update(QStringLiteral("first_connected_at = COALESCE(first_connected_at, ?), "
                                 "last_connected_at = ?, disconnected_at = NULL, version = ?, "
                                 "heartbeat_interval_ms = ?, updated_at = ?"),
                  {when, when, C::text(version), heartbeatIntervalMs, when, C::uuid(agentId)});
}

StoreResult<core::Ok> AgentStore::markDisconnected(const QUuid &agentId, const QDateTime &at)
{
    const QVariant when = C::millis(at);
    return update(QStringLiteral("disconnected_at = ?, updated_at = ?"),
                  {when, when, C::uuid(agentId)});
}

StoreResult<core::Ok> AgentStore::setLifecycle(const QUuid &agentId, const QString &state,
                                               const QDateTime &changedAt)
{
    const QVariant when = C::millis(changedAt);
    const bool starting = state == QLatin1String("starting");
    const bool startEnded = state == QLatin1String("ready") ||
                            state == QLatin1String("start_timeout") ||
                            state == QLatin1String("start_error");
    return update(QStringLiteral("lifecycle_state = ?, started_at = CASE WHEN ? THEN ? ELSE "
                                 "started_at END, ready_at = CASE WHEN ? THEN ? ELSE ready_at "
                                 "END, updated_at = ?"),
                  {C::text(state), starting, when, startEnded, when,
                   QDateTime::currentMSecsSinceEpoch(), C::uuid(agentId)});
}

StoreResult<core::Ok> AgentStore::mergeMetadataResults(const QUuid &agentId,
                                                       const QJsonObject &results)
{
    return m_db.write<core::Ok>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<core::Ok> {
            // Read and written in one transaction that holds the row: reports never lose each
            // other.
            auto current = m_db.selectOne(
                db,
                QStringLiteral("UPDATE workspace_agents SET updated_at = ? WHERE id = ? "
                               "RETURNING metadata_results"),
                {QDateTime::currentMSecsSinceEpoch(), C::uuid(agentId)}, kAgent,
                [](const QSqlQuery &q) { return C::objectFrom(q.value(0)); }, &transaction);
            if (!current)
                return current.error();
            QJsonObject merged = *current;
            for (auto it = results.begin(); it != results.end(); ++it)
                merged.insert(it.key(), it.value());
            auto written = m_db.exec(
                db, QStringLiteral("UPDATE workspace_agents SET metadata_results = ? WHERE id = ?"),
                {C::json(merged), C::uuid(agentId)}, &transaction);
            if (!written)
                return written.error();
            return core::Ok{};
        });
}

StoreResult<core::Ok> AgentStore::setListeningPorts(const QUuid &agentId, const QJsonArray &ports)
{
    return update(QStringLiteral("listening_ports = ?"), {P::arrayJson(ports), C::uuid(agentId)});
}

StoreResult<core::Ok> AgentStore::setStats(const QUuid &agentId, const QJsonObject &stats)
{
    return update(QStringLiteral("stats = ?"), {C::json(stats), C::uuid(agentId)});
}

StoreResult<AgentStore::Appended>
AgentStore::appendLogs(const QUuid &agentId, const QList<AgentLog> &input, qint64 maxBytes)
{
    qint64 bytes = 0;
    for (const AgentLog &log : input)
        bytes += log.output.toUtf8().size();
    return m_db.write<Appended>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<Appended> {
            // Counting first holds the agent's row, so concurrent appends cannot both fit and
            // together pass the limit, and their ids come one transaction after the other.
            auto counted = m_db.selectOne(
                db,
                QStringLiteral("UPDATE workspace_agents SET logs_length = logs_length + ?, "
                               "logs_overflowed = (logs_overflowed OR logs_length + ? > ?) "
                               "WHERE id = ? RETURNING logs_overflowed"),
                {bytes, bytes, maxBytes, C::uuid(agentId)}, kAgent,
                [](const QSqlQuery &q) { return q.value(0).toBool(); }, &transaction);
            if (!counted)
                return counted.error();
            if (*counted) {
                // Nothing of this batch is kept: undo its count, keep the mark.
                auto undone = m_db.exec(db,
                                        QStringLiteral("UPDATE workspace_agents SET logs_length = "
                                                       "logs_length - ? WHERE id = ?"),
                                        {bytes, C::uuid(agentId)}, &transaction);
                if (!undone)
                    return undone.error();
                return Appended{{}, true};
            }
            const QDateTime now = C::utc(QDateTime::currentDateTimeUtc());
            QList<AgentLog> logs = input;
            for (AgentLog &log : logs) {
                log.agentId = agentId;
                log.createdAt = log.createdAt.isValid() ? C::utc(log.createdAt) : now;
                auto id = m_db.selectOne(
                    db,
                    QStringLiteral("INSERT INTO workspace_agent_logs (agent_id, created_at, level, "
                                   "output) VALUES (?, ?, ?, ?) RETURNING id"),
                    {C::uuid(agentId), C::millis(log.createdAt), C::text(log.level),
                     C::text(log.output)},
                    QStringLiteral("Log"),
                    [](const QSqlQuery &q) { return q.value(0).toLongLong(); }, &transaction);
                if (!id)
                    return id.error();
                log.id = *id;
            }
            return Appended{logs, false};
        });
}

StoreResult<QList<AgentLog>> AgentStore::logs(const QUuid &agentId, qint64 afterId, int limit)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(*db,
                          QStringLiteral("SELECT ") + P::agentLogColumns +
                              QStringLiteral(" FROM workspace_agent_logs WHERE agent_id = ? AND "
                                             "id > ? ORDER BY id LIMIT ?"),
                          {C::uuid(agentId), afterId, sql::limitValue(limit)},
                          [](const QSqlQuery &q) { return P::agentLog(q); });
}

} // namespace coder::server
