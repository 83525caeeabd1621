#pragma once

#include <QAbstractTableModel>

namespace coder::ui {

class ForwardManager;

// The app's port forwards as a table, for the forwards panel and the tray: workspace, local
// address, remote port, state (listening, off, or why it is not running), connections open and
// made, bytes each way, last error. Follows the ForwardManager row by row.
class ForwardTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Workspace, Local, Remote, State, Connections, Bytes, LastError, ColumnCount };
    enum Role { ForwardIdRole = Qt::UserRole + 1, UrlRole, WorkspaceIdRole, EnabledRole };

    explicit ForwardTableModel(ForwardManager &manager, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // "1.5 MB" and the like.
    static QString bytes(qint64 count);

private:
    int rowOf(int id) const;

    ForwardManager &m_manager;
    QList<int> m_ids; // the rows, by forward id
};

} // namespace coder::ui
