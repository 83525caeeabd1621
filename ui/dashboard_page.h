#pragma once

#include <QUuid>
#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace coder::ui {

class WorkspaceTableModel;

// The workspaces of the current deployment as a sortable, filterable table. The window's
// workspace actions act on its selection.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);

    // nullptr: no session.
    void setModel(WorkspaceTableModel *model);
    // Null when nothing is selected.
    QUuid selectedWorkspace() const;
    QTableView *table() const { return m_table; }

Q_SIGNALS:
    void selectionChanged();
    void workspaceActivated(const QUuid &id);

private:
    QLineEdit *m_filter;
    QTableView *m_table;
    QSortFilterProxyModel *m_proxy;
};

} // namespace coder::ui
