#pragma once

#include "core/agent_types.h"

#include <QUuid>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace coder::ui {

class ForwardManager;
class ForwardTableModel;

// A workspace's port forwards, in its view: the ones made (state, connections, bytes, last
// error), adding one for a port of the agent (suggested from the ports listening in the
// workspace; the local port chosen or picked), turning one off and on, removing it.
class ForwardsPanel : public QWidget
{
    Q_OBJECT
public:
    ForwardsPanel(ForwardManager &manager, ForwardTableModel &model, QWidget *parent = nullptr);

    // The workspace and agent new forwards go to; the ports listening there, as suggestions.
    void setTarget(const QUuid &workspaceId, const QString &workspaceName, const QUuid &agentId);
    void setSuggestions(const QList<core::WorkspaceAgentListeningPort> &ports);
    QTableView *table() const { return m_table; }

private:
    void add();
    int selectedId() const;
    void updateButtons();

    ForwardManager &m_manager;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QComboBox *m_remote;
    QSpinBox *m_local;
    QPushButton *m_add;
    QPushButton *m_toggle;
    QPushButton *m_remove;
    QLabel *m_error;
    QUuid m_workspaceId;
    QString m_workspaceName;
    QUuid m_agentId;
};

} // namespace coder::ui
