#include "forward_table_model.h"

#include "forward_manager.h"
#include "workspace_status.h"

#include <QLocale>
#include <QUrl>

namespace coder::ui {

ForwardTableModel::ForwardTableModel(ForwardManager &manager, QObject *parent)
    : QAbstractTableModel(parent), m_manager(manager)
{
    for (const ForwardManager::Forward &forward : manager.forwards())
        m_ids.append(forward.id);
    connect(&manager, &ForwardManager::added, this, [this](int id) {
        beginInsertRows({}, rowCount(), rowCount());
        m_ids.append(id);
        endInsertRows();
    });
    connect(&manager, &ForwardManager::removed, this, [this](int id) {
        const int row = rowOf(id);
        if (row < 0)
            return;
        beginRemoveRows({}, row, row);
        m_ids.removeAt(row);
        endRemoveRows();
    });
    connect(&manager, &ForwardManager::changed, this, [this](int id) {
        const int row = rowOf(id);
        if (row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    });
}

int ForwardTableModel::rowOf(int id) const
{
    return int(m_ids.indexOf(id));
}

int ForwardTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int ForwardTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ForwardTableModel::bytes(qint64 count)
{
    return QLocale().formattedDataSize(count, 1, QLocale::DataSizeSIFormat);
}

QVariant ForwardTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ForwardManager::Forward *forward = m_manager.find(m_ids.at(index.row()));
    if (!forward)
        return {};
    const quint16 port = forward->running ? forward->state.boundPort : forward->spec.listenPort;
    if (role == ForwardIdRole)
        return forward->id;
    if (role == WorkspaceIdRole)
        return QVariant::fromValue(forward->workspaceId);
    if (role == EnabledRole)
        return forward->enabled;
    if (role == UrlRole)
        return QUrl(QStringLiteral("http://localhost:%1").arg(port));
    const StatusLook look = forward->running ? StatusLook{tr("Listening"), StatusLook::Tone::Good}
                            : !forward->enabled
                                ? StatusLook{tr("Off"), StatusLook::Tone::Idle}
                                : StatusLook{forward->problem, StatusLook::Tone::Bad};
    if (index.column() == State && role == Qt::DecorationRole)
        return look.icon();
    if (index.column() == State && role == Qt::ForegroundRole)
        return look.color();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Workspace:
        return forward->workspaceName;
    case Local:
        return QStringLiteral("%1:%2").arg(forward->spec.listenAddress.toString()).arg(port);
    case Remote:
        return forward->spec.remotePort;
    case State:
        return look.text;
    case Connections:
        return tr("%1 open, %2 in all")
            .arg(forward->state.openConnections)
            .arg(forward->state.connections);
    case Bytes:
        return tr("↑ %1  ↓ %2").arg(bytes(forward->state.bytesUp), bytes(forward->state.bytesDown));
    case LastError:
        return forward->state.lastError;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ForwardTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Workspace:
        return tr("Workspace");
    case Local:
        return tr("Local");
    case Remote:
        return tr("Port in workspace");
    case State:
        return tr("State");
    case Connections:
        return tr("Connections");
    case Bytes:
        return tr("Bytes");
    case LastError:
        return tr("Last error");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace coder::ui
