#include "workspace_view_sql.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

namespace coder::server {

namespace {

using C = RowCodec;
using P = ProvisioningRowCodec;

// What a view shows: the workspace, its owner's name, what the API shows of its template and
// organization, its latest build and that build's job, version name and initiator's name.
// Built once: a listing request used to spend more on qualifying column names than on a join.
const QString &columns(bool full)
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
const QString kOrder = QStringLiteral(" ORDER BY lower(w.owner_username), lower(w.name), w.id");

// A view from the columns of columns(full); *next, when given, is the index after them.
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

const QString &WorkspaceViewSql::order()
{
    return kOrder;
}

WorkspaceView WorkspaceViewSql::decode(const QSqlQuery &q, bool full, int *next)
{
    return decodeView(q, full, next);
}

QString WorkspaceViewSql::joins() const
{
    return QStringLiteral(" JOIN users u ON u.id = w.owner_id"
                          " JOIN templates t ON t.id = w.template_id"
                          " JOIN organizations o ON o.id = w.organization_id") +
           m_dialect.latestBuildJoins() +
           QStringLiteral(" JOIN template_versions tv ON tv.id = b.template_version_id"
                          " LEFT JOIN users iu ON iu.id = b.initiator_id");
}

QString WorkspaceViewSql::select(bool full) const
{
    return QStringLiteral("SELECT ") + columns(full) + QStringLiteral(" FROM workspaces w") +
           joins();
}

QString WorkspaceViewSql::filter(const WorkspaceFilter &filter, QVariantList &values) const
{
    // Only the joins the filter needs: the count and the sorting of a page touch one row per
    // workspace, and every join is a lookup per row.
    QString from = QStringLiteral(" FROM workspaces w");
    if (!filter.ownerName.isEmpty())
        from += QStringLiteral(" JOIN users u ON u.id = w.owner_id");
    if (!filter.templateName.isEmpty())
        from += QStringLiteral(" JOIN templates t ON t.id = w.template_id");
    if (!filter.status.isEmpty())
        from += m_dialect.latestBuildJoins();

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

QString WorkspaceViewSql::list(const WorkspaceFilter &wanted, bool withCount,
                               QVariantList &values) const
{
    // The page first, from the workspaces and what the filter needs; then the view's joins
    // for the rows of the page only. The order is workspaces_list_order's, so an unfiltered
    // page of live workspaces reads just its rows from that index instead of sorting them all.
    // The total is an uncorrelated subquery: both databases run it once per statement, which
    // saves the listing a statement of its own.
    QString count;
    if (withCount)
        count = QStringLiteral(", (SELECT count(*)") + filter(wanted, values) + QStringLiteral(")");
    // The page carries its sort keys out, so that PostgreSQL sees the joined rows already in
    // order (its joins here keep the order of the page) instead of sorting them again.
    const QString page =
        QStringLiteral("SELECT w.*, lower(w.owner_username) AS sort_owner, lower(w.name) AS "
                       "sort_name") +
        filter(wanted, values) +
        QStringLiteral(" ORDER BY sort_owner, sort_name, w.id LIMIT ? OFFSET ?");
    values << sql::limitValue(wanted.limit) << qMax(0, wanted.offset);
    return QStringLiteral("SELECT ") + columns(false) + count + QStringLiteral(" FROM (") + page +
           QStringLiteral(") w") + joins() +
           QStringLiteral(" ORDER BY w.sort_owner, w.sort_name, w.id");
}

} // namespace coder::server
