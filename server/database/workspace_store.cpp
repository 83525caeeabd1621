// WorkspaceStore: workspaces and their builds.
#include "workspace_store.h"

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

const auto decodeBuild = [](const QSqlQuery &q) { return P::build(q); };

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

namespace {

QDateTime nowUtc()
{
    // Milliseconds, as a read returns it.
    return QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
}

} // namespace

StoreResult<ProvisionerJob>
WorkspaceStore::completeBuildJob(const QUuid &jobId, const QUuid &workerId,
                                 const QByteArray &provisionerState,
                                 const QList<WorkspaceResource> &resources)
{
    return m_db.write<ProvisionerJob>([&](QSqlDatabase &db,
                                          Transaction &transaction) -> StoreResult<ProvisionerJob> {
        auto job = m_jobs.lockRunning(db, jobId, workerId, transaction);
        if (!job)
            return job;
        struct Build
        {
            QString id;
            QString workspaceId;
            QString transition;
        };
        auto build = m_db.selectOne(
            db,
            QStringLiteral(
                "SELECT id, workspace_id, transition FROM workspace_builds WHERE job_id = ?"),
            {C::uuid(jobId)}, QStringLiteral("Workspace build"),
            [](const QSqlQuery &q) {
                return Build{q.value(0).toString(), q.value(1).toString(), q.value(2).toString()};
            },
            &transaction);
        if (!build)
            return build.error();
        job->completedAt = nowUtc();
        job->status = P::jobStatus(*job);
        auto written = m_jobs.write(db, *job, transaction);
        if (!written)
            return written;
        const qint64 now = written->updatedAt.toMSecsSinceEpoch();
        {
            auto query =
                m_db.exec(db,
                          QStringLiteral("UPDATE workspace_builds SET provisioner_state = ?, "
                                         "updated_at = ? WHERE id = ?"),
                          {C::bytes(provisionerState), now, build->id}, &transaction);
            if (!query)
                return query.error();
        }
        if (auto stored =
                m_jobs.insertResources(db, jobId, build->transition, resources, transaction);
            !stored)
            return stored.error();
        // What a delete build removed is gone even if the job was canceled meanwhile.
        if (build->transition == transition::remove) {
            auto query = m_db.exec(db,
                                   QStringLiteral("UPDATE workspaces SET deleted = TRUE, "
                                                  "updated_at = ? WHERE id = ?"),
                                   {now, build->workspaceId}, &transaction);
            if (!query)
                return query.error();
        }
        return written;
    });
}

StoreResult<core::Ok> WorkspaceStore::checkpointBuildState(const QUuid &jobId,
                                                           const QUuid &workerId,
                                                           const QByteArray &state)
{
    return m_db.write<core::Ok>([&](QSqlDatabase &db,
                                    Transaction &transaction) -> StoreResult<core::Ok> {
        auto job = m_jobs.lockRunning(db, jobId, workerId, transaction);
        if (!job)
            return job.error();
        auto query = m_db.exec(
            db,
            QStringLiteral("UPDATE workspace_builds SET provisioner_state = ?, "
                           "updated_at = ? WHERE job_id = ?"),
            {C::bytes(state), QDateTime::currentMSecsSinceEpoch(), C::uuid(jobId)}, &transaction);
        if (!query)
            return query.error();
        if (query->numRowsAffected() == 0)
            return notFound(QStringLiteral("Workspace build"));
        return core::Ok{};
    });
}

StoreResult<ProvisionerJob>
WorkspaceStore::failJob(const QUuid &jobId, const QUuid &workerId, const QString &error,
                        const QString &errorCode, const std::optional<QByteArray> &provisionerState)
{
    return m_db.write<ProvisionerJob>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<ProvisionerJob> {
            auto job = m_jobs.lock(db, jobId, transaction);
            if (!job)
                return job;
            if (job->completedAt.isValid())
                return conflict(
                    QStringLiteral("job"),
                    QStringLiteral("The job has already completed (it is %1).").arg(job->status));
            if (!workerId.isNull() && job->workerId != workerId)
                return conflict(QStringLiteral("job"),
                                QStringLiteral("The job is not running on this provisioner "
                                               "daemon (it is %1).")
                                    .arg(job->status));
            job->completedAt = nowUtc();
            job->error = error.isEmpty() ? QStringLiteral("The job failed.") : error;
            job->errorCode = errorCode;
            // A job that was asked to stop and then ended with an error ended because it was
            // asked to: canceled, with the error kept for the log.
            job->status = job->canceledAt.isValid() ? job_status::canceled : job_status::failed;
            auto written = m_jobs.write(db, *job, transaction);
            if (!written)
                return written;
            if (provisionerState) {
                auto query = m_db.exec(
                    db,
                    QStringLiteral("UPDATE workspace_builds SET "
                                   "provisioner_state = ?, updated_at = ? "
                                   "WHERE job_id = ?"),
                    {C::bytes(*provisionerState), C::millis(written->updatedAt), C::uuid(jobId)},
                    &transaction);
                if (!query)
                    return query.error();
            }
            return written;
        });
}

StoreResult<QMap<QUuid, qint64>> WorkspaceStore::ownerCountsByTemplate(const QList<QUuid> &ids)
{
    QMap<QUuid, qint64> counts;
    for (const QUuid &id : ids)
        counts.insert(id, 0);
    if (ids.isEmpty())
        return counts;
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto done = m_db.forIdChunks(
        *db,
        QStringLiteral("SELECT template_id, count(DISTINCT owner_id) FROM "
                       "workspaces WHERE deleted = FALSE AND template_id IN "
                       "(%1) GROUP BY template_id"),
        {}, ids, [&](const QSqlQuery &q) {
            counts.insert(QUuid::fromString(q.value(0).toString()), q.value(1).toLongLong());
        });
    if (!done)
        return done.error();
    return counts;
}

StoreResult<QList<WorkspaceView>> WorkspaceStore::views(QSqlDatabase &db, const QString &where,
                                                        const QVariantList &values, bool full,
                                                        Transaction *transaction)
{
    return m_db.selectAll(
        db, m_viewSql.select(full) + where, values,
        [full](const QSqlQuery &q) { return WorkspaceViewSql::decode(q, full); }, transaction);
}

StoreResult<WorkspaceView> WorkspaceStore::view(QSqlDatabase &db, const QString &where,
                                                const QVariantList &values,
                                                Transaction *transaction)
{
    return m_db.selectOne(
        db, m_viewSql.select(true) + QStringLiteral(" WHERE ") + where, values,
        QStringLiteral("Workspace"),
        [](const QSqlQuery &q) { return WorkspaceViewSql::decode(q, true); }, transaction);
}

StoreResult<QList<WorkspaceView>> WorkspaceStore::list(const WorkspaceFilter &filter)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString statement = m_viewSql.list(filter, false, values);
    return m_db.selectAll(*db, statement, values,
                          [](const QSqlQuery &q) { return WorkspaceViewSql::decode(q, false); });
}

StoreResult<WorkspacePage> WorkspaceStore::page(const WorkspaceFilter &filter)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString statement = m_viewSql.list(filter, true, values);
    WorkspacePage page;
    auto rows = m_db.selectAll(*db, statement, values, [&page](const QSqlQuery &q) {
        int next = 0;
        WorkspaceView view = WorkspaceViewSql::decode(q, false, &next);
        page.count = q.value(next).toLongLong();
        return view;
    });
    if (!rows)
        return rows.error();
    page.workspaces = std::move(*rows);
    // No row, no total: an empty page is all there is, unless it lies past the end.
    if (page.workspaces.isEmpty() && filter.offset > 0) {
        auto total = count(filter);
        if (!total)
            return total.error();
        page.count = *total;
    }
    return page;
}

StoreResult<qint64> WorkspaceStore::count(const WorkspaceFilter &filter)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString from = m_viewSql.filter(filter, values);
    return m_db.selectOne(*db, QStringLiteral("SELECT count(*)") + from, values,
                          QStringLiteral("Count"),
                          [](const QSqlQuery &q) { return q.value(0).toLongLong(); });
}

StoreResult<WorkspaceView> WorkspaceStore::byId(const QUuid &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return view(*db, QStringLiteral("w.id = ?"), {C::uuid(id)});
}

StoreResult<WorkspaceView> WorkspaceStore::byOwnerAndName(const QUuid &ownerId, const QString &name)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return view(*db,
                QStringLiteral("w.owner_id = ? AND lower(w.name) = lower(?) AND w.deleted = FALSE"),
                {C::uuid(ownerId), C::text(name)});
}

StoreResult<WorkspaceView> WorkspaceStore::updateColumn(const QUuid &id, const QString &assignment,
                                                        const QVariant &value)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    {
        auto query =
            m_db.exec(*db,
                      QStringLiteral("UPDATE workspaces SET ") + assignment +
                          QStringLiteral(", updated_at = ? WHERE id = ? AND deleted = FALSE"),
                      {value, nowMs(), C::uuid(id)});
        if (!query)
            return query.error();
        if (query->numRowsAffected() == 0)
            return notFound(QStringLiteral("Workspace"));
    }
    return view(*db, QStringLiteral("w.id = ?"), {C::uuid(id)});
}

StoreResult<WorkspaceView> WorkspaceStore::updateName(const QUuid &id, const QString &name)
{
    return updateColumn(id, QStringLiteral("name = ?"), C::text(name));
}

StoreResult<WorkspaceView> WorkspaceStore::updateAutostart(const QUuid &id, const QString &schedule)
{
    return updateColumn(id, QStringLiteral("autostart_schedule = ?"), C::text(schedule));
}

StoreResult<WorkspaceView> WorkspaceStore::updateTtl(const QUuid &id, qint64 ttlMs)
{
    return updateColumn(id, QStringLiteral("ttl_ms = ?"), qMax<qint64>(0, ttlMs));
}

StoreResult<QList<WorkspaceView>> WorkspaceStore::toAutostop(const QDateTime &now)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return views(*db,
                 QStringLiteral(" WHERE w.deleted = FALSE AND b.transition = 'start' AND "
                                "j.status = 'succeeded' AND b.deadline IS NOT NULL AND "
                                "b.deadline <= ?") +
                     WorkspaceViewSql::order(),
                 {C::millis(now.isValid() ? now : QDateTime::currentDateTimeUtc())}, false);
}

StoreResult<QList<WorkspaceView>> WorkspaceStore::withAutostart()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return views(*db,
                 QStringLiteral(" WHERE w.deleted = FALSE AND w.autostart_schedule <> '' "
                                "AND b.transition = 'stop' AND j.status = 'succeeded'") +
                     WorkspaceViewSql::order(),
                 {}, false);
}

StoreResult<core::Ok> WorkspaceStore::completeBuildAndJob(QSqlDatabase &db,
                                                          const Workspace &workspace,
                                                          WorkspaceBuild &build,
                                                          ProvisionerJob &job,
                                                          Transaction &transaction)
{
    struct TemplateRow
    {
        QUuid organizationId;
        QUuid activeVersionId;
        QString provisioner;
    };
    // Held (shared) until the transaction ends, so deleteTemplate cannot pass in between.
    auto tmpl = m_db.selectOne(
        db,
        QStringLiteral("SELECT organization_id, active_version_id, provisioner FROM templates "
                       "WHERE id = ? AND deleted = FALSE") +
            m_db.dialect().shareLockSuffix(),
        {C::uuid(workspace.templateId)}, QStringLiteral("Template"),
        [](const QSqlQuery &q) {
            return TemplateRow{QUuid::fromString(q.value(0).toString()),
                               QUuid::fromString(q.value(1).toString()), q.value(2).toString()};
        },
        &transaction);
    if (!tmpl)
        return tmpl.error();
    if (build.id.isNull())
        build.id = QUuid::createUuid();
    if (job.id.isNull())
        job.id = QUuid::createUuid();
    if (build.templateVersionId.isNull())
        build.templateVersionId = tmpl->activeVersionId;
    if (build.transition.isEmpty())
        build.transition = transition::start;
    if (build.initiatorId.isNull())
        build.initiatorId = job.initiatorId.isNull() ? workspace.ownerId : job.initiatorId;
    build.workspaceId = workspace.id;
    build.jobId = job.id;
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    build.createdAt = C::utc(build.createdAt.isValid() ? build.createdAt : now);
    build.updatedAt = C::utc(build.updatedAt.isValid() ? build.updatedAt : build.createdAt);
    build.deadline = C::utc(build.deadline);
    build.maxDeadline = C::utc(build.maxDeadline);

    if (job.type.isEmpty())
        job.type = job_type::workspaceBuild;
    if (job.provisioner.isEmpty())
        job.provisioner = tmpl->provisioner;
    if (job.organizationId.isNull())
        job.organizationId =
            workspace.organizationId.isNull() ? tmpl->organizationId : workspace.organizationId;
    if (job.initiatorId.isNull())
        job.initiatorId = build.initiatorId;
    if (!job.input.contains(QStringLiteral("workspace_build_id")))
        job.input.insert(QStringLiteral("workspace_build_id"),
                         build.id.toString(QUuid::WithoutBraces));
    if (!job.createdAt.isValid())
        job.createdAt = build.createdAt;
    struct VersionRow
    {
        QUuid templateId;
        QUuid fileId;
    };
    auto version = m_db.selectOne(
        db, QStringLiteral("SELECT template_id, file_id FROM template_versions WHERE id = ?"),
        {C::uuid(build.templateVersionId)}, QStringLiteral("Template version"),
        [](const QSqlQuery &q) {
            const auto uuid = [&q](int i) {
                return q.value(i).isNull() ? QUuid() : QUuid::fromString(q.value(i).toString());
            };
            return VersionRow{uuid(0), uuid(1)};
        },
        &transaction);
    if (!version)
        return version.error();
    if (version->templateId != workspace.templateId)
        return conflict(QStringLiteral("template_version_id"),
                        QStringLiteral("The template version belongs to another template than "
                                       "the workspace's."));
    if (job.fileId.isNull())
        job.fileId = version->fileId;
    return core::Ok{};
}

StoreResult<WorkspaceBuild> WorkspaceStore::insertBuildWith(QSqlDatabase &db,
                                                            const WorkspaceBuild &build,
                                                            Transaction &transaction)
{
    auto query = m_db.exec(
        db,
        QStringLiteral("INSERT INTO workspace_builds (") + P::buildColumns +
            QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {C::uuid(build.id), C::uuid(build.workspaceId), C::uuid(build.templateVersionId),
         build.buildNumber, C::text(build.transition), C::optionalUuid(build.initiatorId),
         C::text(build.reason), C::uuid(build.jobId), C::millis(build.deadline),
         C::millis(build.maxDeadline), C::millis(build.createdAt), C::millis(build.updatedAt),
         P::arrayJson(build.parameters), C::bytes(build.provisionerState)},
        &transaction);
    if (!query)
        return query.error();
    return build;
}

StoreResult<WorkspaceView> WorkspaceStore::insert(const Workspace &input,
                                                  const WorkspaceBuild &firstBuild,
                                                  const ProvisionerJob &firstJob)
{
    return m_db.write<WorkspaceView>([&](QSqlDatabase &db,
                                         Transaction &transaction) -> StoreResult<WorkspaceView> {
        Workspace workspace = input;
        WorkspaceBuild build = firstBuild;
        ProvisionerJob job = firstJob;
        if (workspace.id.isNull())
            workspace.id = QUuid::createUuid();
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
        workspace.createdAt = C::utc(workspace.createdAt.isValid() ? workspace.createdAt : now);
        workspace.updatedAt =
            C::utc(workspace.updatedAt.isValid() ? workspace.updatedAt : workspace.createdAt);
        workspace.lastUsedAt = C::utc(workspace.lastUsedAt);
        if (auto completed = completeBuildAndJob(db, workspace, build, job, transaction);
            !completed)
            return completed.error();
        if (workspace.organizationId.isNull())
            workspace.organizationId = job.organizationId;
        build.buildNumber = 1;

        if (auto inserted = m_jobs.insertWith(db, job, transaction); !inserted)
            return inserted.error();
        {
            auto query =
                m_db.exec(db,
                          // owner_username: the list's sort key (migration 0003). An unknown
                          // owner fails on the foreign key, not on the copy.
                          QStringLiteral("INSERT INTO workspaces (") + P::workspaceColumns +
                              QStringLiteral(", owner_username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                             "?, ?, COALESCE((SELECT username FROM users "
                                             "WHERE id = ?), ''))"),
                          {C::uuid(workspace.id), C::uuid(workspace.ownerId),
                           C::uuid(workspace.organizationId), C::uuid(workspace.templateId),
                           C::text(workspace.name), C::text(workspace.autostartSchedule),
                           qMax<qint64>(0, workspace.ttlMs), C::millis(workspace.lastUsedAt),
                           C::millis(workspace.createdAt), C::millis(workspace.updatedAt), false,
                           C::uuid(workspace.ownerId)},
                          &transaction);
            if (!query)
                return query.error();
        }
        if (auto inserted = insertBuildWith(db, build, transaction); !inserted)
            return inserted.error();
        return view(db, QStringLiteral("w.id = ?"), {C::uuid(workspace.id)}, &transaction);
    });
}

StoreResult<WorkspaceBuild> WorkspaceStore::insertBuild(const WorkspaceBuild &input,
                                                        const ProvisionerJob &inputJob)
{
    return m_db.write<WorkspaceBuild>([&](QSqlDatabase &db,
                                          Transaction &transaction) -> StoreResult<WorkspaceBuild> {
        // Holding the workspace row queues concurrent builds of it (PostgreSQL; SQLite's
        // BEGIN IMMEDIATE already did): the later one sees the earlier one's build as active.
        auto workspace = m_db.selectOne(
            db,
            QStringLiteral("SELECT id, owner_id, organization_id, template_id FROM workspaces "
                           "WHERE id = ? AND deleted = FALSE") +
                m_db.dialect().updateLockSuffix(),
            {C::uuid(input.workspaceId)}, QStringLiteral("Workspace"),
            [](const QSqlQuery &q) {
                Workspace w;
                w.id = QUuid::fromString(q.value(0).toString());
                w.ownerId = QUuid::fromString(q.value(1).toString());
                w.organizationId = QUuid::fromString(q.value(2).toString());
                w.templateId = QUuid::fromString(q.value(3).toString());
                return w;
            },
            &transaction);
        if (!workspace)
            return workspace.error();
        struct Latest
        {
            int number = 0;
            QString status;
        };
        Latest latest;
        {
            auto query = m_db.exec(db,
                                   QStringLiteral("SELECT b.build_number, j.status FROM "
                                                  "workspace_builds b JOIN provisioner_jobs j ON "
                                                  "j.id = b.job_id WHERE b.workspace_id = ? "
                                                  "ORDER BY b.build_number DESC LIMIT 1"),
                                   {C::uuid(workspace->id)}, &transaction);
            if (!query)
                return query.error();
            if (query->next())
                latest = {query->value(0).toInt(), query->value(1).toString()};
        }
        if (latest.status == job_status::pending || latest.status == job_status::running ||
            latest.status == job_status::canceling)
            return conflict(QStringLiteral("build"),
                            QStringLiteral("The workspace's latest build is still %1; wait for "
                                           "it to finish or cancel it first.")
                                .arg(latest.status));
        WorkspaceBuild build = input;
        ProvisionerJob job = inputJob;
        if (auto completed = completeBuildAndJob(db, *workspace, build, job, transaction);
            !completed)
            return completed.error();
        build.buildNumber = latest.number + 1;
        if (auto inserted = m_jobs.insertWith(db, job, transaction); !inserted)
            return inserted.error();
        return insertBuildWith(db, build, transaction);
    });
}

StoreResult<WorkspaceBuild> WorkspaceStore::buildWhere(const QString &condition,
                                                       const QVariantList &values)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::buildColumns +
                              QStringLiteral(" FROM workspace_builds WHERE ") + condition,
                          values, QStringLiteral("Workspace build"), decodeBuild);
}

StoreResult<WorkspaceBuild> WorkspaceStore::buildById(const QUuid &id)
{
    return buildWhere(QStringLiteral("id = ?"), {C::uuid(id)});
}

StoreResult<WorkspaceBuild> WorkspaceStore::buildByJobId(const QUuid &jobId)
{
    return buildWhere(QStringLiteral("job_id = ?"), {C::uuid(jobId)});
}

StoreResult<WorkspaceBuild> WorkspaceStore::previousBuild(const QUuid &workspaceId, int buildNumber)
{
    return buildWhere(QStringLiteral("workspace_id = ? AND build_number < ? "
                                     "ORDER BY build_number DESC LIMIT 1"),
                      {C::uuid(workspaceId), buildNumber});
}

StoreResult<QList<WorkspaceBuild>> WorkspaceStore::listBuilds(const QUuid &workspaceId, int limit,
                                                              int offset)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(*db,
                          QStringLiteral("SELECT ") + P::buildColumns +
                              QStringLiteral(" FROM workspace_builds WHERE workspace_id = ? "
                                             "ORDER BY build_number DESC LIMIT ? OFFSET ?"),
                          {C::uuid(workspaceId), sql::limitValue(limit), qMax(0, offset)},
                          decodeBuild);
}

StoreResult<WorkspaceBuild> WorkspaceStore::updateBuildDeadline(const QUuid &buildId,
                                                                const QDateTime &deadline,
                                                                const QDateTime &maxDeadline)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(
        *db,
        QStringLiteral("UPDATE workspace_builds SET deadline = ?, max_deadline = ?, "
                       "updated_at = ? WHERE id = ? RETURNING ") +
            P::buildColumns,
        {C::millis(deadline), C::millis(maxDeadline), nowMs(), C::uuid(buildId)},
        QStringLiteral("Workspace build"), decodeBuild);
}

namespace {

// A build and its job, one row each, as one snapshot.
const QString &buildWithJobSelect()
{
    static const QString sql =
        QStringLiteral("SELECT ") + C::qualified(P::buildColumns, QStringLiteral("b")) +
        QStringLiteral(", ") + C::qualified(P::jobColumns, QStringLiteral("j")) +
        QStringLiteral(" FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id");
    return sql;
}

BuildWithJob decodeBuildWithJob(const QSqlQuery &q)
{
    return BuildWithJob{P::build(q), P::job(q, P::buildColumnCount)};
}

} // namespace

StoreResult<BuildWithJob> WorkspaceStore::buildWithJob(const QUuid &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db, buildWithJobSelect() + QStringLiteral(" WHERE b.id = ?"),
                          {C::uuid(id)}, QStringLiteral("Workspace build"), decodeBuildWithJob);
}

StoreResult<QList<BuildWithJob>> WorkspaceStore::buildsWithJobs(const QUuid &workspaceId, int limit,
                                                                int offset)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(
        *db,
        buildWithJobSelect() + QStringLiteral(" WHERE b.workspace_id = ? ORDER BY b.build_number "
                                              "DESC LIMIT ? OFFSET ?"),
        {C::uuid(workspaceId), sql::limitValue(limit), qMax(0, offset)}, decodeBuildWithJob);
}

} // namespace coder::server
