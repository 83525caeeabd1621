// JobStore: provisioner jobs, their logs and resources, provisioner daemons.
#include "job_store.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

namespace coder::server {

namespace {

using C = RowCodec;
using P = ProvisioningRowCodec;
using sql::conflict;
using sql::notFound;

const auto decodeJob = [](const QSqlQuery &q) { return P::job(q); };
const auto decodeLog = [](const QSqlQuery &q) { return P::jobLog(q); };
const auto decodeDaemon = [](const QSqlQuery &q) { return P::daemon(q); };

const QString kHeartbeatTimeout = QStringLiteral("HEARTBEAT_TIMEOUT");

QDateTime nowUtc()
{
    // Milliseconds, as a read returns it.
    return QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
}

QString jobSelect()
{
    return QStringLiteral("SELECT ") + P::jobColumns + QStringLiteral(" FROM provisioner_jobs");
}

} // namespace

StoreResult<ProvisionerJob> JobStore::insertWith(QSqlDatabase &db, const ProvisionerJob &input,
                                                 Transaction &transaction)
{
    ProvisionerJob job = input;
    if (job.id.isNull())
        job.id = QUuid::createUuid();
    job.createdAt = C::utc(job.createdAt.isValid() ? job.createdAt : nowUtc());
    job.updatedAt = C::utc(job.updatedAt.isValid() ? job.updatedAt : job.createdAt);
    job.startedAt = C::utc(job.startedAt);
    job.completedAt = C::utc(job.completedAt);
    job.canceledAt = C::utc(job.canceledAt);
    job.heartbeatAt = C::utc(job.heartbeatAt);
    job.status = P::jobStatus(job);
    auto query = m_db.exec(
        db,
        QStringLiteral("INSERT INTO provisioner_jobs (") + P::jobColumns +
            QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?)"),
        {C::uuid(job.id), C::millis(job.createdAt), C::millis(job.updatedAt),
         C::millis(job.startedAt), C::millis(job.completedAt), C::millis(job.canceledAt),
         C::millis(job.heartbeatAt), job.status, C::text(job.error), C::text(job.errorCode),
         C::uuid(job.organizationId), C::optionalUuid(job.initiatorId), C::text(job.provisioner),
         C::text(job.type), C::optionalUuid(job.fileId), P::tagsJson(job.tags),
         C::optionalUuid(job.workerId), C::json(job.input)},
        &transaction);
    if (!query)
        return query.error();
    return job;
}

StoreResult<ProvisionerJob> JobStore::lock(QSqlDatabase &db, const QUuid &id,
                                           Transaction &transaction)
{
    return m_db.selectOne(
        db, jobSelect() + QStringLiteral(" WHERE id = ?") + m_db.dialect().updateLockSuffix(),
        {C::uuid(id)}, QStringLiteral("Provisioner job"), decodeJob, &transaction);
}

StoreResult<ProvisionerJob> JobStore::lockRunning(QSqlDatabase &db, const QUuid &id,
                                                  const QUuid &workerId, Transaction &transaction)
{
    auto job = lock(db, id, transaction);
    if (!job)
        return job;
    if (job->completedAt.isValid() || !job->startedAt.isValid() || job->workerId != workerId)
        return conflict(QStringLiteral("job"),
                        QStringLiteral("The job is not running on this provisioner daemon (it "
                                       "is %1).")
                            .arg(job->status));
    return job;
}

StoreResult<ProvisionerJob> JobStore::write(QSqlDatabase &db, ProvisionerJob job,
                                            Transaction &transaction)
{
    job.updatedAt = nowUtc();
    auto query = m_db.exec(
        db,
        QStringLiteral("UPDATE provisioner_jobs SET updated_at = ?, started_at = ?, "
                       "completed_at = ?, canceled_at = ?, heartbeat_at = ?, "
                       "status = ?, error = ?, error_code = ?, worker_id = ? "
                       "WHERE id = ?"),
        {C::millis(job.updatedAt), C::millis(job.startedAt), C::millis(job.completedAt),
         C::millis(job.canceledAt), C::millis(job.heartbeatAt), job.status, C::text(job.error),
         C::text(job.errorCode), C::optionalUuid(job.workerId), C::uuid(job.id)},
        &transaction);
    if (!query)
        return query.error();
    return job;
}

StoreResult<core::Ok> JobStore::insertResources(QSqlDatabase &db, const QUuid &jobId,
                                                const QString &transition,
                                                const QList<WorkspaceResource> &resources,
                                                Transaction &transaction)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int r = 0; r < resources.size(); ++r) {
        const WorkspaceResource &resource = resources[r];
        const QUuid resourceId = resource.id.isNull() ? QUuid::createUuid() : resource.id;
        {
            auto query = m_db.exec(
                db,
                QStringLiteral("INSERT INTO workspace_resources (id, job_id, ordinal, transition, "
                               "type, name, persistent, hide, icon, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {C::uuid(resourceId), C::uuid(jobId), r,
                 C::text(resource.transition.isEmpty() ? transition : resource.transition),
                 C::text(resource.type), C::text(resource.name), resource.persistent, resource.hide,
                 C::text(resource.icon),
                 resource.createdAt.isValid() ? C::millis(resource.createdAt) : QVariant(now)},
                &transaction);
            if (!query)
                return query.error();
        }
        for (int a = 0; a < resource.agents.size(); ++a) {
            const WorkspaceAgent &agent = resource.agents[a];
            const QUuid agentId = agent.id.isNull() ? QUuid::createUuid() : agent.id;
            {
                auto query = m_db.exec(
                    db,
                    QStringLiteral(
                        "INSERT INTO workspace_agents (id, resource_id, ordinal, name, "
                        "auth_token_hash, operating_system, architecture, directory, "
                        "environment_variables, startup_script, startup_script_timeout_seconds, "
                        "shutdown_script, shutdown_script_timeout_seconds, metadata_definitions, "
                        "lifecycle_state, first_connected_at, last_connected_at, "
                        "disconnected_at, created_at, updated_at, connection_timeout_seconds) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {C::uuid(agentId),
                     C::uuid(resourceId),
                     a,
                     C::text(agent.name),
                     P::optionalBytes(agent.authTokenHash),
                     C::text(agent.operatingSystem),
                     C::text(agent.architecture),
                     C::text(agent.directory),
                     C::json(agent.environmentVariables),
                     C::text(agent.startupScript),
                     agent.startupScriptTimeoutSeconds,
                     C::text(agent.shutdownScript),
                     agent.shutdownScriptTimeoutSeconds,
                     P::arrayJson(agent.metadataDefinitions),
                     C::text(agent.lifecycleState),
                     C::millis(agent.firstConnectedAt),
                     C::millis(agent.lastConnectedAt),
                     C::millis(agent.disconnectedAt),
                     now,
                     now,
                     agent.connectionTimeoutSeconds},
                    &transaction);
                if (!query)
                    return query.error();
            }
            for (int p = 0; p < agent.apps.size(); ++p) {
                const WorkspaceApp &app = agent.apps[p];
                auto query = m_db.exec(
                    db,
                    QStringLiteral("INSERT INTO workspace_apps (id, agent_id, ordinal, slug, "
                                   "display_name, icon, url, command, sharing_level, subdomain, "
                                   "healthcheck, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {C::uuid(app.id.isNull() ? QUuid::createUuid() : app.id), C::uuid(agentId), p,
                     C::text(app.slug), C::text(app.displayName), C::text(app.icon),
                     C::text(app.url), C::text(app.command), C::text(app.sharingLevel),
                     app.subdomain, C::json(app.healthcheck), now},
                    &transaction);
                if (!query)
                    return query.error();
            }
        }
    }
    return core::Ok{};
}

StoreResult<ProvisionerJob> JobStore::byId(const QUuid &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db, jobSelect() + QStringLiteral(" WHERE id = ?"), {C::uuid(id)},
                          QStringLiteral("Provisioner job"), decodeJob);
}

StoreResult<QList<ProvisionerJob>> JobStore::byIds(const QList<QUuid> &ids)
{
    QList<ProvisionerJob> jobs;
    if (ids.isEmpty())
        return jobs;
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QHash<QUuid, ProvisionerJob> found;
    auto done = m_db.forIdChunks(*db, jobSelect() + QStringLiteral(" WHERE id IN (%1)"), {}, ids,
                                 [&](const QSqlQuery &q) {
                                     ProvisionerJob job = P::job(q);
                                     found.insert(job.id, std::move(job));
                                 });
    if (!done)
        return done.error();
    // In the order asked for; ids that name no job are left out.
    for (const QUuid &id : ids) {
        if (auto it = found.constFind(id); it != found.constEnd())
            jobs.append(*it);
    }
    return jobs;
}

StoreResult<std::optional<ProvisionerJob>> JobStore::acquire(const JobAcquireRequest &request)
{
    using Acquired = std::optional<ProvisionerJob>;
    if (request.provisioners.isEmpty())
        return Acquired();
    QVariantList provisioners;
    for (const QString &provisioner : request.provisioners)
        provisioners.append(C::text(provisioner));
    const int listSize = sql::inListSize(provisioners.size());
    // One statement picks the oldest pending job this daemon may run and marks it running, in
    // a write transaction: SQLite's BEGIN IMMEDIATE lets one writer at a time pick; PostgreSQL
    // locks the picked row and lets concurrent pickers skip it (FOR UPDATE SKIP LOCKED).
    const QString statement =
        QStringLiteral("UPDATE provisioner_jobs SET status = 'running', started_at = ?, "
                       "updated_at = ?, heartbeat_at = ?, worker_id = ? WHERE id = ("
                       "SELECT id FROM provisioner_jobs WHERE status = 'pending' AND "
                       "provisioner IN (%1) AND ")
            .arg(sql::placeholders(listSize)) +
        m_db.dialect().jobTagsSubsetCondition() +
        QStringLiteral(" ORDER BY created_at, id LIMIT 1") + m_db.dialect().skipLockedSuffix() +
        QStringLiteral(") AND status = 'pending' RETURNING ") + P::jobColumns;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVariantList values{now, now, now, C::uuid(request.workerId)};
    values += sql::padded(provisioners, 0, listSize);
    values.append(P::tagsJson(request.tags));

    return m_db.write<Acquired>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<Acquired> {
            auto query = m_db.exec(db, statement, values, &transaction);
            if (!query)
                return query.error();
            if (!query->next()) {
                if (query->lastError().isValid())
                    return m_db.errorFrom(query->lastError());
                return Acquired();
            }
            return Acquired(P::job(*query));
        });
}

StoreResult<ProvisionerJob> JobStore::heartbeat(const QUuid &jobId, const QUuid &workerId)
{
    return m_db.write<ProvisionerJob>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<ProvisionerJob> {
            auto job = lockRunning(db, jobId, workerId, transaction);
            if (!job)
                return job;
            job->heartbeatAt = nowUtc();
            return write(db, *job, transaction);
        });
}

StoreResult<QList<ProvisionerJobLog>> JobStore::appendLogs(const QUuid &jobId,
                                                           const QList<ProvisionerJobLog> &input)
{
    return m_db.write<QList<ProvisionerJobLog>>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<QList<ProvisionerJobLog>> {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            // Updating the job first holds its row, so on PostgreSQL the appends of one job take
            // their ids one transaction after the other and a reader's "after id" misses none.
            {
                auto query =
                    m_db.exec(db,
                              QStringLiteral("UPDATE provisioner_jobs SET heartbeat_at = CASE WHEN "
                                             "completed_at IS NULL THEN ? ELSE heartbeat_at END, "
                                             "updated_at = ? WHERE id = ?"),
                              {now, now, C::uuid(jobId)}, &transaction);
                if (!query)
                    return query.error();
                if (query->numRowsAffected() == 0)
                    return notFound(QStringLiteral("Provisioner job"));
            }
            QList<ProvisionerJobLog> logs = input;
            for (ProvisionerJobLog &log : logs) {
                log.jobId = jobId;
                log.createdAt = log.createdAt.isValid()
                                    ? C::utc(log.createdAt)
                                    : QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
                auto id = m_db.selectOne(
                    db,
                    QStringLiteral("INSERT INTO provisioner_job_logs (job_id, created_at, source, "
                                   "level, stage, output) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
                    {C::uuid(jobId), C::millis(log.createdAt), C::text(log.source),
                     C::text(log.level), C::text(log.stage), C::text(log.output)},
                    QStringLiteral("Log"),
                    [](const QSqlQuery &q) { return q.value(0).toLongLong(); }, &transaction);
                if (!id)
                    return id.error();
                log.id = *id;
            }
            return logs;
        });
}

StoreResult<QList<ProvisionerJobLog>> JobStore::logs(const QUuid &jobId, qint64 afterId, int limit)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(
        *db,
        QStringLiteral("SELECT ") + P::jobLogColumns +
            QStringLiteral(" FROM provisioner_job_logs WHERE job_id = ? AND id > ? "
                           "ORDER BY id LIMIT ?"),
        {C::uuid(jobId), afterId, sql::limitValue(limit)}, decodeLog);
}

StoreResult<ProvisionerJob> JobStore::cancel(const QUuid &jobId)
{
    return m_db.write<ProvisionerJob>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<ProvisionerJob> {
            auto job = lock(db, jobId, transaction);
            if (!job)
                return job;
            if (job->completedAt.isValid())
                return conflict(
                    QStringLiteral("job"),
                    QStringLiteral("The job has already completed (it is %1).").arg(job->status));
            if (job->canceledAt.isValid())
                return job; // already canceling
            job->canceledAt = nowUtc();
            if (!job->startedAt.isValid())
                job->completedAt = job->canceledAt; // no daemon has it: canceled at once
            job->status = P::jobStatus(*job);
            return write(db, *job, transaction);
        });
}

StoreResult<QList<ProvisionerJob>> JobStore::failStale(const QDateTime &before,
                                                       const QString &message)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString error =
        message.isEmpty()
            ? QStringLiteral("The provisioner daemon running the job stopped responding.")
            : message;
    // One statement: on PostgreSQL a heartbeat committed meanwhile makes the row no longer
    // match when the UPDATE re-checks it, so a live job is never failed.
    return m_db.write<QList<ProvisionerJob>>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<QList<ProvisionerJob>> {
            return m_db.selectAll(
                db,
                QStringLiteral("UPDATE provisioner_jobs SET status = 'failed', error = ?, "
                               "error_code = ?, completed_at = ?, updated_at = ? "
                               "WHERE status IN ('running', 'canceling') AND "
                               "COALESCE(heartbeat_at, started_at) < ? RETURNING ") +
                    P::jobColumns,
                {error, kHeartbeatTimeout, now, now, C::millis(before)}, decodeJob, &transaction);
        });
}

StoreResult<QList<WorkspaceResource>> JobStore::resourcesByJobIds(const QList<QUuid> &jobIds)
{
    QList<WorkspaceResource> resources;
    if (jobIds.isEmpty())
        return resources;
    auto db = m_db.connection();
    if (!db)
        return db.error();
    // Decoding a job's resources cost a workspace listing more than anything else, and they
    // never change once written: kept ones cost only their agents' state.
    QList<QUuid> missing;
    QHash<QUuid, QList<WorkspaceResource>> byJob = m_resources.lookup(jobIds, missing);
    if (auto refreshed = refreshAgentStates(*db, byJob); !refreshed)
        return refreshed.error();
    if (!missing.isEmpty()) {
        auto loaded = loadResources(*db, missing);
        if (!loaded)
            return loaded.error();
        QHash<QUuid, QList<WorkspaceResource>> loadedByJob;
        for (const WorkspaceResource &resource : std::as_const(*loaded))
            loadedByJob[resource.jobId].append(resource);
        for (auto it = loadedByJob.cbegin(); it != loadedByJob.cend(); ++it) {
            m_resources.keep(it.key(), it.value());
            byJob.insert(it.key(), it.value());
        }
    }
    // Jobs in the order their resources were created, each job's in the provisioner's order.
    const auto createdAt = [&byJob](const QUuid &job) {
        return byJob.constFind(job)->constFirst().createdAt.toMSecsSinceEpoch();
    };
    QList<QUuid> jobs = byJob.keys();
    std::sort(jobs.begin(), jobs.end(), [&createdAt](const QUuid &a, const QUuid &b) {
        const qint64 ta = createdAt(a);
        const qint64 tb = createdAt(b);
        return ta != tb ? ta < tb : a < b;
    });
    for (const QUuid &job : std::as_const(jobs))
        resources += byJob.value(job);
    return resources;
}

StoreResult<core::Ok> JobStore::refreshAgentStates(QSqlDatabase &db,
                                                   QHash<QUuid, QList<WorkspaceResource>> &byJob)
{
    QHash<QUuid, WorkspaceAgent *> agents;
    for (QList<WorkspaceResource> &resources : byJob) {
        // Writing copies the kept list: only where there is an agent to write to.
        if (std::none_of(resources.cbegin(), resources.cend(),
                         [](const WorkspaceResource &r) { return !r.agents.isEmpty(); }))
            continue;
        for (WorkspaceResource &resource : resources) {
            for (WorkspaceAgent &agent : resource.agents)
                agents.insert(agent.id, &agent);
        }
    }
    if (agents.isEmpty())
        return core::Ok{};
    return m_db.forIdChunks(db,
                            QStringLiteral("SELECT id, ") + P::agentStateColumns +
                                QStringLiteral(" FROM workspace_agents WHERE id IN (%1)"),
                            {}, agents.keys(), [&agents](const QSqlQuery &q) {
                                if (WorkspaceAgent *agent = agents.value(C::uuidFrom(q.value(0))))
                                    P::agentState(*agent, q, 1);
                            });
}

StoreResult<QList<WorkspaceResource>> JobStore::loadResources(QSqlDatabase &db,
                                                              const QList<QUuid> &jobIds)
{
    QList<WorkspaceResource> resources;
    // One query for the resources, their agents and the agents' apps (LEFT JOINs: a resource
    // without agents comes once with NULL agent columns, an agent without apps likewise), so a
    // page of workspaces costs one statement; rows carry their ordinal for the final order.
    struct Ordered
    {
        qint64 createdAt;
        int ordinal;
        int index;
    };
    QList<Ordered> order;
    QHash<QUuid, int> resourceIndex;
    struct AgentRow
    {
        WorkspaceAgent agent;
        int ordinal;
    };
    QList<AgentRow> agents;
    QSet<QUuid> agentIds;
    struct AppRow
    {
        WorkspaceApp app;
        int ordinal;
    };
    QList<AppRow> apps;
    constexpr int kResourceOrdinal = 9; // after P::resourceColumns
    constexpr int kAgentFirst = 10;     // P::agentColumns, then the agent's ordinal
    constexpr int kAgentOrdinal = kAgentFirst + P::agentColumnCount;
    constexpr int kAppFirst = kAgentOrdinal + 1; // P::appColumns, then the app's ordinal
    constexpr int kAppOrdinal = kAppFirst + 11;
    auto done = m_db.forIdChunks(
        db,
        QStringLiteral("SELECT ") + C::qualified(P::resourceColumns, QStringLiteral("r")) +
            QStringLiteral(", r.ordinal, ") + C::qualified(P::agentColumns, QStringLiteral("a")) +
            QStringLiteral(", a.ordinal, ") + C::qualified(P::appColumns, QStringLiteral("p")) +
            QStringLiteral(", p.ordinal FROM workspace_resources r LEFT JOIN workspace_agents a "
                           "ON a.resource_id = r.id LEFT JOIN workspace_apps p ON p.agent_id = "
                           "a.id WHERE r.job_id IN (%1)"),
        {}, jobIds, [&](const QSqlQuery &q) {
            const QUuid resourceId = C::uuidFrom(q.value(0));
            if (!resourceIndex.contains(resourceId)) {
                WorkspaceResource resource = P::resource(q);
                order.append({resource.createdAt.toMSecsSinceEpoch(),
                              q.value(kResourceOrdinal).toInt(), int(resources.size())});
                resourceIndex.insert(resourceId, int(resources.size()));
                resources.append(std::move(resource));
            }
            if (q.isNull(kAgentFirst))
                return;
            const QUuid agentId = C::uuidFrom(q.value(kAgentFirst));
            if (!agentIds.contains(agentId)) {
                agentIds.insert(agentId);
                agents.append({P::agent(q, kAgentFirst), q.value(kAgentOrdinal).toInt()});
            }
            if (!q.isNull(kAppFirst))
                apps.append({P::app(q, kAppFirst), q.value(kAppOrdinal).toInt()});
        });
    if (!done)
        return done.error();
    if (resources.isEmpty())
        return resources;

    std::stable_sort(apps.begin(), apps.end(),
                     [](const AppRow &a, const AppRow &b) { return a.ordinal < b.ordinal; });
    QHash<QUuid, QList<WorkspaceApp>> appsByAgent;
    for (AppRow &row : apps)
        appsByAgent[row.app.agentId].append(std::move(row.app));
    std::stable_sort(agents.begin(), agents.end(),
                     [](const AgentRow &a, const AgentRow &b) { return a.ordinal < b.ordinal; });
    for (AgentRow &row : agents) {
        row.agent.apps = appsByAgent.value(row.agent.id);
        if (auto it = resourceIndex.constFind(row.agent.resourceId); it != resourceIndex.constEnd())
            resources[*it].agents.append(std::move(row.agent));
    }
    std::sort(order.begin(), order.end(), [&](const Ordered &a, const Ordered &b) {
        if (a.createdAt != b.createdAt)
            return a.createdAt < b.createdAt;
        if (a.ordinal != b.ordinal)
            return a.ordinal < b.ordinal;
        return resources[a.index].id.toString() < resources[b.index].id.toString();
    });
    QList<WorkspaceResource> sorted;
    sorted.reserve(resources.size());
    for (const Ordered &o : order)
        sorted.append(std::move(resources[o.index]));
    return sorted;
}

StoreResult<ProvisionerDaemon> JobStore::upsertDaemon(const ProvisionerDaemon &input)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    ProvisionerDaemon d = input;
    if (d.id.isNull())
        d.id = QUuid::createUuid();
    const QDateTime now = nowUtc();
    d.createdAt = C::utc(d.createdAt.isValid() ? d.createdAt : now);
    d.lastSeenAt = C::utc(d.lastSeenAt.isValid() ? d.lastSeenAt : now);
    // A daemon reconnecting under its name keeps its row and id; what it offers is replaced.
    return m_db.selectOne(*db,
                          QStringLiteral("INSERT INTO provisioner_daemons (") + P::daemonColumns +
                              QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO "
                                             "UPDATE SET provisioners = excluded.provisioners, "
                                             "tags = excluded.tags, version = excluded.version, "
                                             "last_seen_at = excluded.last_seen_at RETURNING ") +
                              P::daemonColumns,
                          {C::uuid(d.id), C::text(d.name), P::stringListJson(d.provisioners),
                           P::tagsJson(d.tags), C::text(d.version), C::millis(d.createdAt),
                           C::millis(d.lastSeenAt)},
                          QStringLiteral("Provisioner daemon"), decodeDaemon);
}

StoreResult<core::Ok> JobStore::touchDaemon(const QUuid &id, const QDateTime &at)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(
        *db, QStringLiteral("UPDATE provisioner_daemons SET last_seen_at = ? WHERE id = ?"),
        {C::millis(at.isValid() ? at : nowUtc()), C::uuid(id)});
    if (!query)
        return query.error();
    if (query->numRowsAffected() == 0)
        return notFound(QStringLiteral("Provisioner daemon"));
    return core::Ok{};
}

StoreResult<QList<ProvisionerDaemon>> JobStore::listDaemons()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(*db,
                          QStringLiteral("SELECT ") + P::daemonColumns +
                              QStringLiteral(" FROM provisioner_daemons ORDER BY name"),
                          {}, decodeDaemon);
}

} // namespace coder::server
