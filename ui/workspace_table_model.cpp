#include "workspace_table_model.h"

#include "core/json_mapping.h"
#include "workspace_status.h"

#include <QLocale>
#include <QSet>

namespace coder::ui {

namespace {

// Rows whose JSON did not change are not announced: the feed may send a workspace whose
// fields this table does not show changed, but nothing else.
bool same(const core::Workspace &a, const core::Workspace &b)
{
    return core::json::toJson(a) == core::json::toJson(b);
}

} // namespace

WorkspaceTableModel::WorkspaceTableModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_ageTicker.setInterval(60'000);
    connect(&m_ageTicker, &QTimer::timeout, this, [this] {
        if (!m_workspaces.isEmpty())
            Q_EMIT dataChanged(index(0, LastUsed), index(rowCount() - 1, LastUsed),
                               {Qt::DisplayRole});
    });
    m_ageTicker.start();
}

int WorkspaceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_workspaces.size());
}

int WorkspaceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkspaceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const core::Workspace &workspace = m_workspaces.at(index.row());
    if (role == WorkspaceIdRole)
        return QVariant::fromValue(workspace.id);
    if (role == StatusRole)
        return workspace.latestBuild.status;
    const auto column = Column(index.column());
    if (column == Status || column == Agent) {
        const StatusLook look =
            column == Status ? StatusLook::ofWorkspace(workspace) : StatusLook::ofAgents(workspace);
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            return look.text;
        case Qt::DecorationRole:
            return look.icon();
        case Qt::ForegroundRole:
            return look.color();
        case Qt::ToolTipRole:
            if (column == Status && !workspace.latestBuild.job.error.isEmpty())
                return workspace.latestBuild.job.error;
            return look.text;
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole || role == SortRole || role == Qt::ToolTipRole) {
        switch (column) {
        case Name:
            return workspace.name;
        case Owner:
            return workspace.ownerName;
        case Template:
            return workspace.templateDisplayName.isEmpty() ? workspace.templateName
                                                           : workspace.templateDisplayName;
        case LastUsed:
            if (role == SortRole)
                return workspace.lastUsedAt;
            if (role == Qt::ToolTipRole)
                return QLocale().toString(workspace.lastUsedAt.toLocalTime(), QLocale::LongFormat);
            return ago(workspace.lastUsedAt, m_now());
        default:
            return {};
        }
    }
    return {};
}

QVariant WorkspaceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case Owner:
        return tr("Owner");
    case Template:
        return tr("Template");
    case Status:
        return tr("Status");
    case Agent:
        return tr("Agent");
    case LastUsed:
        return tr("Last used");
    case ColumnCount:
        break;
    }
    return {};
}

void WorkspaceTableModel::applySnapshot(const QList<core::Workspace> &workspaces)
{
    QSet<QUuid> present;
    for (const core::Workspace &workspace : workspaces)
        present.insert(workspace.id);
    // Rows that are gone, from the bottom so that the rows above keep their numbers.
    for (int row = int(m_workspaces.size()) - 1; row >= 0; --row) {
        if (!present.contains(m_workspaces.at(row).id)) {
            int first = row;
            while (first > 0 && !present.contains(m_workspaces.at(first - 1).id))
                --first;
            beginRemoveRows({}, first, row);
            m_workspaces.remove(first, row - first + 1);
            endRemoveRows();
            row = first;
        }
    }
    reindexFrom(0);
    QList<core::Workspace> added;
    for (const core::Workspace &workspace : workspaces) {
        if (m_rows.contains(workspace.id))
            applyUpdate(workspace);
        else
            added.append(workspace);
    }
    if (added.isEmpty())
        return;
    const int first = rowCount();
    beginInsertRows({}, first, first + int(added.size()) - 1);
    m_workspaces.append(added);
    reindexFrom(first);
    endInsertRows();
}

void WorkspaceTableModel::applyUpdate(const core::Workspace &workspace)
{
    const int row = rowOf(workspace.id);
    if (row < 0) {
        beginInsertRows({}, rowCount(), rowCount());
        m_workspaces.append(workspace);
        m_rows.insert(workspace.id, rowCount() - 1);
        endInsertRows();
        return;
    }
    if (same(m_workspaces.at(row), workspace))
        return;
    m_workspaces[row] = workspace;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void WorkspaceTableModel::applyRemoval(const QUuid &workspaceId)
{
    const int row = rowOf(workspaceId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_workspaces.removeAt(row);
    m_rows.remove(workspaceId);
    reindexFrom(row);
    endRemoveRows();
}

void WorkspaceTableModel::clear()
{
    if (m_workspaces.isEmpty())
        return;
    beginRemoveRows({}, 0, rowCount() - 1);
    m_workspaces.clear();
    m_rows.clear();
    endRemoveRows();
}

void WorkspaceTableModel::reindexFrom(int row)
{
    if (row == 0)
        m_rows.clear();
    for (int i = row; i < m_workspaces.size(); ++i)
        m_rows.insert(m_workspaces.at(i).id, i);
}

QString WorkspaceTableModel::ago(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return tr("never");
    const qint64 seconds = then.secsTo(now);
    if (seconds < 60)
        return tr("just now");
    // Plural forms spelled out: without a translation loaded, tr()'s %n gives "minute(s)".
    const auto count = [](qint64 n, const QString &one, const QString &many) {
        return n == 1 ? one : many.arg(n);
    };
    if (seconds < 3600)
        return count(seconds / 60, tr("1 minute ago"), tr("%1 minutes ago"));
    if (seconds < 86'400)
        return count(seconds / 3600, tr("1 hour ago"), tr("%1 hours ago"));
    if (seconds < 2 * 86'400)
        return tr("yesterday");
    if (seconds < 30 * 86'400)
        return count(seconds / 86'400, tr("1 day ago"), tr("%1 days ago"));
    return QLocale().toString(then.toLocalTime().date(), QLocale::ShortFormat);
}

} // namespace coder::ui
