// SqlStore: workspaces and their builds.
#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_store.h"
#include "sql_store_detail.h"

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

// What a view shows: the workspace, its owner's name, what the API shows of its template and
// organization, its latest build and that build's job, version name and initiator's name.
// Built once: a listing request used to spend more on qualifying column names than on a join.
const QString &viewColumns(bool full)
{
    static const auto columns = [](bool full) -> QString {
        return C::qualified(P::workspaceColumns, QStringLiteral("w")) +
               QStringLiteral(", u.username, t.name, t.display_name, t.icon, t.active_version_id, "
                              "t.allow_user_cancel_workspace_jobs, o.name, o.display_name, ") +
               C::qualified(full ? P::buildColumns : P::buildColumnsWithoutPayload,
                            QStringLiteral("b")) +
               QStringLiteral(", ") +
               C::qualified(full ? P::jobColumns : P::jobColumnsWithoutInput, QStringLiteral("j")) +
               QStringLiteral(", tv.name, iu.username");
    };
    static const QString withPayload = columns(true);
    static const QString withoutPayload = columns(false);
    return full ? withPayload : withoutPayload;
}

// Owner's username, then name: workspaces_list_order's order (migration 0003).
const QString kViewOrder = QStringLiteral(" ORDER BY lower(w.owner_username), lower(w.name), w.id");

// A view from the columns of viewColumns(full); *next, when given, is the index after them.
WorkspaceView decodeView(const QSqlQuery &q, bool full, int *next = nullptr)
{
    WorkspaceView view;
    view.workspace = P::workspace(q);
    int i = P::workspaceColumnCount;
    view.ownerName = q.value(i++).toString();
    view.templateName = q.value(i++).toString();
    view.templateDisplayName = q.value(i++).toString();
    view.templateIcon = q.value(i++).toString();
    view.templateActiveVersionId = QUuid::fromString(q.value(i++).toString());
    view.templateAllowUserCancelWorkspaceJobs = q.value(i++).toBool();
    view.organizationName = q.value(i++).toString();
    view.organizationDisplayName = q.value(i++).toString();
    view.latestBuild = P::build(q, i, full);
    i += full ? P::buildColumnCount : P::buildColumnCountWithoutPayload;
    view.latestJob = P::job(q, i, full);
    i += full ? P::jobColumnCount : P::jobColumnCountWithoutInput;
    view.latestBuildVersionName = q.value(i++).toString();
    view.latestBuildInitiatorName = q.value(i++).toString();
    if (next)
        *next = i;
    return view;
}

// The workspace statuses as conditions on the latest build's job status and transition.
struct StatusCondition
{
    QLatin1String status;
    QLatin1String jobStatus;
    QLatin1String transition; // empty: any
};
constexpr StatusCondition kStatusConditions[] = {
    {QLatin1String("pending"), QLatin1String("pending"), {}},
    {QLatin1String("starting"), QLatin1String("running"), QLatin1String("start")},
    {QLatin1String("stopping"), QLatin1String("running"), QLatin1String("stop")},
    {QLatin1String("deleting"), QLatin1String("running"), QLatin1String("delete")},
    {QLatin1String("running"), QLatin1String("succeeded"), QLatin1String("start")},
    {QLatin1String("stopped"), QLatin1String("succeeded"), QLatin1String("stop")},
    {QLatin1String("deleted"), QLatin1String("succeeded"), QLatin1String("delete")},
    {QLatin1String("canceling"), QLatin1String("canceling"), {}},
    {QLatin1String("canceled"), QLatin1String("canceled"), {}},
    {QLatin1String("failed"), QLatin1String("failed"), {}},
};

} // namespace

// ---- views ----

QString SqlStore::viewJoins() const
{
    return QStringLiteral(" JOIN users u ON u.id = w.owner_id"
                          " JOIN templates t ON t.id = w.template_id"
                          " JOIN organizations o ON o.id = w.organization_id") +
           latestBuildJoins() +
           QStringLiteral(" JOIN template_versions tv ON tv.id = b.template_version_id"
                          " LEFT JOIN users iu ON iu.id = b.initiator_id");
}

QString SqlStore::viewSelect(bool full) const
{
    return QStringLiteral("SELECT ") + viewColumns(full) + QStringLiteral(" FROM workspaces w") +
           viewJoins();
}

StoreResult<QList<WorkspaceView>> SqlStore::workspaceViews(QSqlDatabase &db, const QString &where,
                                                           const QVariantList &values, bool full,
                                                           Transaction *transaction)
{
    return selectAll(
        db, viewSelect(full) + where, values,
        [full](const QSqlQuery &q) { return decodeView(q, full); }, transaction);
}

StoreResult<WorkspaceView> SqlStore::workspaceView(QSqlDatabase &db, const QString &where,
                                                   const QVariantList &values,
                                                   Transaction *transaction)
{
    return selectOne(
        db, viewSelect(true) + QStringLiteral(" WHERE ") + where, values,
        QStringLiteral("Workspace"), [](const QSqlQuery &q) { return decodeView(q, true); },
        transaction);
}

QString SqlStore::workspaceFilterSql(const WorkspaceFilter &filter, QVariantList &values) const
{
    // Only the joins the filter needs: the count and the sorting of a page touch one row per
    // workspace, and every join is a lookup per row.
    QString from = QStringLiteral(" FROM workspaces w");
    if (!filter.ownerName.isEmpty())
        from += QStringLiteral(" JOIN users u ON u.id = w.owner_id");
    if (!filter.templateName.isEmpty())
        from += QStringLiteral(" JOIN templates t ON t.id = w.template_id");
    if (!filter.status.isEmpty())
        from += latestBuildJoins();

    QStringList conditions;
    // A workspace whose delete build succeeded is marked deleted: asking for that status
    // asks for deleted workspaces.
    if (!filter.includeDeleted && filter.status != QLatin1String("deleted"))
        conditions << QStringLiteral("w.deleted = FALSE");
    if (!filter.ownerId.isNull()) {
        conditions << QStringLiteral("w.owner_id = ?");
        values << C::uuid(filter.ownerId);
    }
    if (!filter.ownerName.isEmpty()) {
        conditions << QStringLiteral("lower(u.username) = lower(?)");
        values << C::text(filter.ownerName);
    }
    if (!filter.templateId.isNull()) {
        conditions << QStringLiteral("w.template_id = ?");
        values << C::uuid(filter.templateId);
    }
    if (!filter.templateName.isEmpty()) {
        conditions << QStringLiteral("lower(t.name) = lower(?)");
        values << C::text(filter.templateName);
    }
    if (!filter.name.isEmpty()) {
        conditions << QStringLiteral("lower(w.name) LIKE lower(?) ESCAPE '!'");
        values << sql::likePattern(filter.name);
    }
    if (!filter.status.isEmpty()) {
        const StatusCondition *match = nullptr;
        for (const StatusCondition &condition : kStatusConditions) {
            if (filter.status == condition.status)
                match = &condition;
        }
        if (!match) {
            conditions << QStringLiteral("FALSE"); // no workspace has an unknown status
        } else {
            conditions << QStringLiteral("j.status = ?");
            values << QString(match->jobStatus);
            if (!match->transition.isEmpty()) {
                conditions << QStringLiteral("b.transition = ?");
                values << QString(match->transition);
            }
        }
    }
    if (conditions.isEmpty())
        return from;
    return from + QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
}

QString SqlStore::workspaceListSql(const WorkspaceFilter &filter, bool withCount,
                                   QVariantList &values) const
{
    // The page first, from the workspaces and what the filter needs; then the view's joins
    // for the rows of the page only. The order is workspaces_list_order's, so an unfiltered
    // page of live workspaces reads just its rows from that index instead of sorting them all.
    // The total is an uncorrelated subquery: both databases run it once per statement, which
    // saves the listing a statement of its own.
    QString count;
    if (withCount)
        count = QStringLiteral(", (SELECT count(*)") + workspaceFilterSql(filter, values) +
                QStringLiteral(")");
    // The page carries its sort keys out, so that PostgreSQL sees the joined rows already in
    // order (its joins here keep the order of the page) instead of sorting them again.
    const QString page =
        QStringLiteral("SELECT w.*, lower(w.owner_username) AS sort_owner, lower(w.name) AS "
                       "sort_name") +
        workspaceFilterSql(filter, values) +
        QStringLiteral(" ORDER BY sort_owner, sort_name, w.id LIMIT ? OFFSET ?");
    values << sql::limitValue(filter.limit) << qMax(0, filter.offset);
    return QStringLiteral("SELECT ") + viewColumns(false) + count + QStringLiteral(" FROM (") +
           page + QStringLiteral(") w") + viewJoins() +
           QStringLiteral(" ORDER BY w.sort_owner, w.sort_name, w.id");
}

StoreResult<QList<WorkspaceView>> SqlStore::listWorkspaces(const WorkspaceFilter &filter)
{
    auto db = connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString statement = workspaceListSql(filter, false, values);
    return selectAll(*db, statement, values,
                     [](const QSqlQuery &q) { return decodeView(q, false); });
}

StoreResult<WorkspacePage> SqlStore::workspacePage(const WorkspaceFilter &filter)
{
    auto db = connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString statement = workspaceListSql(filter, true, values);
    WorkspacePage page;
    auto rows = selectAll(*db, statement, values, [&page](const QSqlQuery &q) {
        int next = 0;
        WorkspaceView view = decodeView(q, false, &next);
        page.count = q.value(next).toLongLong();
        return view;
    });
    if (!rows)
        return rows.error();
    page.workspaces = std::move(*rows);
    // No row, no total: an empty page is all there is, unless it lies past the end.
    if (page.workspaces.isEmpty() && filter.offset > 0) {
        auto total = countWorkspaces(filter);
        if (!total)
            return total.error();
        page.count = *total;
    }
    return page;
}

StoreResult<qint64> SqlStore::countWorkspaces(const WorkspaceFilter &filter)
{
    auto db = connection();
    if (!db)
        return db.error();
    QVariantList values;
    const QString from = workspaceFilterSql(filter, values);
    return selectOne(*db, QStringLiteral("SELECT count(*)") + from, values, QStringLiteral("Count"),
                     [](const QSqlQuery &q) { return q.value(0).toLongLong(); });
}

StoreResult<WorkspaceView> SqlStore::workspaceById(const QUuid &id)
{
    auto db = connection();
    if (!db)
        return db.error();
    return workspaceView(*db, QStringLiteral("w.id = ?"), {C::uuid(id)});
}

StoreResult<WorkspaceView> SqlStore::workspaceByOwnerAndName(const QUuid &ownerId,
                                                             const QString &name)
{
    auto db = connection();
    if (!db)
        return db.error();
    return workspaceView(
        *db, QStringLiteral("w.owner_id = ? AND lower(w.name) = lower(?) AND w.deleted = FALSE"),
        {C::uuid(ownerId), C::text(name)});
}

StoreResult<WorkspaceView>
SqlStore::updateWorkspaceColumn(const QUuid &id, const QString &assignment, const QVariant &value)
{
    auto db = connection();
    if (!db)
        return db.error();
    {
        auto query = exec(*db,
                          QStringLiteral("UPDATE workspaces SET ") + assignment +
                              QStringLiteral(", updated_at = ? WHERE id = ? AND deleted = FALSE"),
                          {value, nowMs(), C::uuid(id)});
        if (!query)
            return query.error();
        if (query->numRowsAffected() == 0)
            return notFound(QStringLiteral("Workspace"));
    }
    return workspaceView(*db, QStringLiteral("w.id = ?"), {C::uuid(id)});
}

StoreResult<WorkspaceView> SqlStore::updateWorkspaceName(const QUuid &id, const QString &name)
{
    return updateWorkspaceColumn(id, QStringLiteral("name = ?"), C::text(name));
}

StoreResult<WorkspaceView> SqlStore::updateWorkspaceAutostart(const QUuid &id,
                                                              const QString &schedule)
{
    return updateWorkspaceColumn(id, QStringLiteral("autostart_schedule = ?"), C::text(schedule));
}

StoreResult<WorkspaceView> SqlStore::updateWorkspaceTtl(const QUuid &id, qint64 ttlMs)
{
    return updateWorkspaceColumn(id, QStringLiteral("ttl_ms = ?"), qMax<qint64>(0, ttlMs));
}

StoreResult<QList<WorkspaceView>> SqlStore::workspacesToAutostop(const QDateTime &now)
{
    auto db = connection();
    if (!db)
        return db.error();
    return workspaceViews(*db,
                          QStringLiteral(" WHERE w.deleted = FALSE AND b.transition = 'start' AND "
                                         "j.status = 'succeeded' AND b.deadline IS NOT NULL AND "
                                         "b.deadline <= ?") +
                              kViewOrder,
                          {C::millis(now.isValid() ? now : QDateTime::currentDateTimeUtc())},
                          false);
}

StoreResult<QList<WorkspaceView>> SqlStore::workspacesWithAutostart()
{
    auto db = connection();
    if (!db)
        return db.error();
    return workspaceViews(*db,
                          QStringLiteral(" WHERE w.deleted = FALSE AND w.autostart_schedule <> '' "
                                         "AND b.transition = 'stop' AND j.status = 'succeeded'") +
                              kViewOrder,
                          {}, false);
}

// ---- creating workspaces and builds ----

StoreResult<core::Ok> SqlStore::completeBuildAndJob(QSqlDatabase &db, const Workspace &workspace,
                                                    WorkspaceBuild &build, ProvisionerJob &job,
                                                    Transaction &transaction)
{
    struct TemplateRow
    {
        QUuid organizationId;
        QUuid activeVersionId;
        QString provisioner;
    };
    // Held (shared) until the transaction ends, so deleteTemplate cannot pass in between.
    auto tmpl = selectOne(
        db,
        QStringLiteral("SELECT organization_id, active_version_id, provisioner FROM templates "
                       "WHERE id = ? AND deleted = FALSE") +
            shareLockSuffix(),
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
    auto version = selectOne(
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

StoreResult<WorkspaceBuild> SqlStore::insertBuildWith(QSqlDatabase &db, const WorkspaceBuild &build,
                                                      Transaction &transaction)
{
    auto query =
        exec(db,
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

StoreResult<WorkspaceView> SqlStore::insertWorkspace(const Workspace &input,
                                                     const WorkspaceBuild &firstBuild,
                                                     const ProvisionerJob &firstJob)
{
    return inWriteTransaction<WorkspaceView>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<WorkspaceView> {
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

            if (auto inserted = insertJobWith(db, job, transaction); !inserted)
                return inserted.error();
            {
                auto query =
                    exec(db,
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
            return workspaceView(db, QStringLiteral("w.id = ?"), {C::uuid(workspace.id)},
                                 &transaction);
        });
}

StoreResult<WorkspaceBuild> SqlStore::insertWorkspaceBuild(const WorkspaceBuild &input,
                                                           const ProvisionerJob &inputJob)
{
    return inWriteTransaction<WorkspaceBuild>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<WorkspaceBuild> {
            // Holding the workspace row queues concurrent builds of it (PostgreSQL; SQLite's
            // BEGIN IMMEDIATE already did): the later one sees the earlier one's build as active.
            auto workspace = selectOne(
                db,
                QStringLiteral("SELECT id, owner_id, organization_id, template_id FROM workspaces "
                               "WHERE id = ? AND deleted = FALSE") +
                    updateLockSuffix(),
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
                auto query = exec(db,
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
            if (auto inserted = insertJobWith(db, job, transaction); !inserted)
                return inserted.error();
            return insertBuildWith(db, build, transaction);
        });
}

// ---- builds ----

StoreResult<WorkspaceBuild> SqlStore::buildWhere(const QString &condition,
                                                 const QVariantList &values)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::buildColumns +
                         QStringLiteral(" FROM workspace_builds WHERE ") + condition,
                     values, QStringLiteral("Workspace build"), decodeBuild);
}

StoreResult<WorkspaceBuild> SqlStore::workspaceBuildById(const QUuid &id)
{
    return buildWhere(QStringLiteral("id = ?"), {C::uuid(id)});
}

StoreResult<WorkspaceBuild> SqlStore::workspaceBuildByJobId(const QUuid &jobId)
{
    return buildWhere(QStringLiteral("job_id = ?"), {C::uuid(jobId)});
}

StoreResult<WorkspaceBuild> SqlStore::previousWorkspaceBuild(const QUuid &workspaceId,
                                                             int buildNumber)
{
    return buildWhere(QStringLiteral("workspace_id = ? AND build_number < ? "
                                     "ORDER BY build_number DESC LIMIT 1"),
                      {C::uuid(workspaceId), buildNumber});
}

StoreResult<QList<WorkspaceBuild>> SqlStore::listWorkspaceBuilds(const QUuid &workspaceId,
                                                                 int limit, int offset)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectAll(*db,
                     QStringLiteral("SELECT ") + P::buildColumns +
                         QStringLiteral(" FROM workspace_builds WHERE workspace_id = ? "
                                        "ORDER BY build_number DESC LIMIT ? OFFSET ?"),
                     {C::uuid(workspaceId), sql::limitValue(limit), qMax(0, offset)}, decodeBuild);
}

StoreResult<WorkspaceBuild> SqlStore::updateWorkspaceBuildDeadline(const QUuid &buildId,
                                                                   const QDateTime &deadline,
                                                                   const QDateTime &maxDeadline)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("UPDATE workspace_builds SET deadline = ?, max_deadline = ?, "
                                    "updated_at = ? WHERE id = ? RETURNING ") +
                         P::buildColumns,
                     {C::millis(deadline), C::millis(maxDeadline), nowMs(), C::uuid(buildId)},
                     QStringLiteral("Workspace build"), decodeBuild);
}

} // namespace coder::server
