#include "workspace_page.h"

#include "core/api_client.h"
#include "core/job_watcher.h"
#include "deployment_session.h"
#include "forwards_panel.h"
#include "workspace_status.h"
#include "workspace_table_model.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace coder::ui {

WorkspacePage::WorkspacePage(QWidget *parent)
    : QWidget(parent), m_title(new QLabel(this)), m_status(new QLabel(this)),
      m_stage(new QLabel(this)), m_resources(new QTreeWidget(this)), m_log(new QPlainTextEdit(this))
{
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setObjectName(QStringLiteral("workspaceTitle"));
    m_status->setObjectName(QStringLiteral("workspaceStatus"));
    m_stage->setObjectName(QStringLiteral("buildStage"));
    m_resources->setObjectName(QStringLiteral("resources"));
    m_resources->setAccessibleName(tr("Resources, agents, apps and ports"));
    m_resources->setHeaderLabels({tr("Item"), tr("State")});
    m_resources->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_resources->setRootIsDecorated(true);
    m_log->setObjectName(QStringLiteral("buildLog"));
    m_log->setAccessibleName(tr("Build log"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setMaximumBlockCount(20'000);

    auto *back = new QPushButton(tr("← &Workspaces"), this);
    back->setObjectName(QStringLiteral("back"));
    connect(back, &QPushButton::clicked, this, &WorkspacePage::backRequested);
    auto *header = new QHBoxLayout;
    header->addWidget(back);
    header->addWidget(m_title);
    header->addWidget(m_status);
    header->addStretch(1);
    auto *logBox = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(m_stage);
    logLayout->addWidget(m_log);
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_resources);
    m_split->addWidget(logBox);
    m_split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_split, 1);

    m_portsTimer.setInterval(kPortsIntervalMs);
    connect(&m_portsTimer, &QTimer::timeout, this, &WorkspacePage::askPorts);
}

WorkspacePage::~WorkspacePage() = default;

void WorkspacePage::setForwardsPanel(ForwardsPanel *panel)
{
    m_forwards = panel;
    m_split->insertWidget(1, panel);
}

QString WorkspacePage::stage() const
{
    return m_stage->text();
}

void WorkspacePage::showWorkspace(DeploymentSession *session, const QUuid &workspaceId)
{
    if (m_session)
        m_session->workspaces()->disconnect(this);
    m_session = session;
    m_workspaceId = workspaceId;
    m_buildId = QUuid();
    m_ports.clear();
    m_renderedResources.clear();
    m_log->clear();
    if (m_watcher)
        m_watcher->deleteLater();
    if (!session)
        return;
    connect(session->workspaces(), &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                const int row = m_session ? m_session->workspaces()->rowOf(m_workspaceId) : -1;
                if (row >= from.row() && row <= to.row())
                    refresh();
            });
    connect(session->workspaces(), &QAbstractItemModel::rowsRemoved, this, &WorkspacePage::refresh);
    refresh();
    askPorts();
}

void WorkspacePage::refresh()
{
    const int row = m_session ? m_session->workspaces()->rowOf(m_workspaceId) : -1;
    if (row < 0) {
        m_status->setText(tr("(deleted)"));
        return;
    }
    const core::Workspace &workspace = m_session->workspaces()->workspaceAt(row);
    m_title->setText(workspace.ownerName + u'/' + workspace.name);
    const StatusLook look = StatusLook::ofWorkspace(workspace);
    m_status->setText(look.text);
    m_status->setStyleSheet(QStringLiteral("color: %1;").arg(look.color().name()));
    fillResources(workspace);
    if (m_forwards) {
        QUuid agentId;
        for (const core::WorkspaceResource &resource : workspace.latestBuild.resources) {
            if (!resource.agents.isEmpty() && agentId.isNull())
                agentId = resource.agents.first().id;
        }
        m_forwards->setTarget(workspace.id, workspace.name, agentId);
    }
    if (workspace.latestBuild.id != m_buildId)
        followBuild(workspace.latestBuild);
}

void WorkspacePage::followBuild(const core::WorkspaceBuild &build)
{
    m_buildId = build.id;
    if (m_watcher)
        m_watcher->deleteLater();
    m_log->clear();
    m_log->appendPlainText(tr("Build #%1: %2").arg(build.buildNumber).arg(build.transition));
    const QUuid buildId = build.id;
    core::ApiClient *api = &m_session->api();
    auto fetch = [api = QPointer(api),
                  buildId](std::function<void(core::JobWatcher::JobResult)> done) {
        if (!api)
            return;
        api->workspaceBuild(buildId, [done](auto current) {
            if (!current)
                return done(current.error());
            done(current->job);
        });
    };
    m_watcher = new core::JobWatcher(
        api, core::ApiClient::workspaceBuildLogsPath(buildId), fetch,
        [this](const QString &line) {
            m_log->appendPlainText(line);
            if (m_watcher)
                m_stage->setText(m_watcher->printer().stage());
        },
        [this](const QString &warning) { m_log->appendPlainText(warning); }, this);
    m_watcher->watch(build.job, [this,
                                 watcher = QPointer(m_watcher)](core::JobWatcher::JobResult job) {
        if (!watcher)
            return;
        if (!job) {
            m_stage->setText(tr("The log could not be read: %1").arg(job.error().describe()));
            return;
        }
        m_stage->setText(job->status == u"succeeded" ? tr("Done")
                                                     : tr("%1: %2").arg(job->status, job->error));
    });
}

void WorkspacePage::fillResources(const core::Workspace &workspace)
{
    // A text form of what the tree would show: unchanged, no repaint (metadata ticks often).
    QStringList rendered;
    for (const core::WorkspaceResource &resource : workspace.latestBuild.resources) {
        rendered << resource.name + u'|' + resource.type;
        for (const core::WorkspaceAgent &agent : resource.agents) {
            rendered << agent.name + u'|' + StatusLook::ofAgent(agent).text;
            for (const core::WorkspaceAgentMetadata &item : agent.metadata)
                rendered << item.description.displayName + u'|' + item.result.value +
                                item.result.error;
            for (const core::WorkspaceApp &app : agent.apps)
                rendered << app.displayName + u'|' + app.health;
            for (const auto &port : m_ports.value(agent.id))
                rendered << QString::number(port.port) + u'|' + port.processName;
        }
    }
    const QString joined = rendered.join(u'\n');
    if (joined == m_renderedResources)
        return;
    m_renderedResources = joined;
    m_resources->clear();
    for (const core::WorkspaceResource &resource : workspace.latestBuild.resources) {
        auto *resourceItem = new QTreeWidgetItem(m_resources, {resource.name, resource.type});
        for (const core::WorkspaceAgent &agent : resource.agents) {
            const StatusLook look = StatusLook::ofAgent(agent);
            auto *agentItem =
                new QTreeWidgetItem(resourceItem, {tr("Agent %1").arg(agent.name), look.text});
            agentItem->setIcon(1, look.icon());
            for (const core::WorkspaceAgentMetadata &item : agent.metadata) {
                const QString name = item.description.displayName.isEmpty()
                                         ? item.description.key
                                         : item.description.displayName;
                new QTreeWidgetItem(
                    agentItem,
                    {name, item.result.error.isEmpty() ? item.result.value : item.result.error});
            }
            for (const core::WorkspaceApp &app : agent.apps) {
                auto *appItem = new QTreeWidgetItem(
                    agentItem,
                    {tr("App %1").arg(app.displayName.isEmpty() ? app.slug : app.displayName),
                     app.url.isEmpty() ? app.command : app.url});
                appItem->setToolTip(1, tr("health: %1").arg(app.health));
            }
            for (const auto &port : m_ports.value(agent.id))
                new QTreeWidgetItem(
                    agentItem, {tr("Port %1").arg(port.port),
                                port.processName.isEmpty() ? tr("listening") : port.processName});
        }
    }
    m_resources->expandAll();
}

void WorkspacePage::askPorts()
{
    const int row = m_session ? m_session->workspaces()->rowOf(m_workspaceId) : -1;
    if (row < 0)
        return;
    const core::Workspace &workspace = m_session->workspaces()->workspaceAt(row);
    for (const core::WorkspaceResource &resource : workspace.latestBuild.resources) {
        for (const core::WorkspaceAgent &agent : resource.agents) {
            if (agent.status != u"connected")
                continue;
            m_session->api().get(
                QStringLiteral("/api/v2/workspaceagents/%1/listening-ports")
                    .arg(agent.id.toString(QUuid::WithoutBraces)),
                [self = QPointer(this), agentId = agent.id](auto answer) {
                    if (!self || !answer)
                        return;
                    auto ports = core::json::fromJson<core::WorkspaceAgentListeningPortsResponse>(
                        answer->object());
                    if (!ports)
                        return;
                    self->m_ports.insert(agentId, ports->ports);
                    if (self->m_forwards)
                        self->m_forwards->setSuggestions(ports->ports);
                    self->refresh();
                });
        }
    }
}

void WorkspacePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_portsTimer.start();
}

void WorkspacePage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_portsTimer.stop();
}

} // namespace coder::ui
