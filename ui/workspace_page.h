#pragma once

#include "core/agent_types.h"
#include "core/workspace_types.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QUuid>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QSplitter;
class QTreeWidget;

namespace coder::core {
class JobWatcher;
}

namespace coder::ui {

class DeploymentSession;
class ForwardsPanel;

// One workspace in detail: its status, its resources and their agents (status, lifecycle, the
// template's metadata such as CPU and memory), apps and the ports listening in it, and the log
// of its latest build, streamed live while it runs, with the stage it is in. Kept current from
// the session's workspace feed; the listening ports are asked for every few seconds while the
// page shows (the agent reports them to coderd, which pushes nothing for them).
class WorkspacePage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kPortsIntervalMs = 5000;

    explicit WorkspacePage(QWidget *parent = nullptr);
    ~WorkspacePage() override;

    // Shows the workspace (of session's table); a null id or session: nothing.
    void showWorkspace(DeploymentSession *session, const QUuid &workspaceId);
    QUuid workspaceId() const { return m_workspaceId; }
    QString stage() const;
    QPlainTextEdit *buildLog() const { return m_log; }
    QTreeWidget *resources() const { return m_resources; }
    // The port forwards section (the app's ForwardManager behind it).
    void setForwardsPanel(ForwardsPanel *panel);
    ForwardsPanel *forwardsPanel() const { return m_forwards; }

Q_SIGNALS:
    void backRequested();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refresh();
    void followBuild(const core::WorkspaceBuild &build);
    void fillResources(const core::Workspace &workspace);
    void askPorts();

    QPointer<DeploymentSession> m_session;
    QUuid m_workspaceId;
    QUuid m_buildId; // whose log shows
    QLabel *m_title;
    QLabel *m_status;
    QLabel *m_stage;
    QTreeWidget *m_resources;
    QPlainTextEdit *m_log;
    QSplitter *m_split;
    ForwardsPanel *m_forwards = nullptr;
    QPointer<core::JobWatcher> m_watcher;
    QTimer m_portsTimer;
    QHash<QUuid, QList<core::WorkspaceAgentListeningPort>> m_ports; // by agent
    QString m_renderedResources; // what the tree shows, to repaint only on change
};

} // namespace coder::ui
