#include "tray_controller.h"

#include "deployment_session.h"
#include "forward_manager.h"
#include "main_window.h"
#include "session_manager.h"
#include "workspace_status.h"
#include "workspace_table_model.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QMenu>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace coder::ui {

namespace {

bool settled(const QString &status)
{
    return status == u"running" || status == u"stopped" || status == u"failed" ||
           status == u"canceled" || status == u"deleted";
}

} // namespace

TrayController::TrayController(SessionManager &sessions, ForwardManager &forwards,
                               MainWindow &window, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_forwards(forwards), m_window(window),
      m_menu(new QMenu)
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    connect(m_menu, &QMenu::aboutToShow, this, &TrayController::rebuildMenu);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_icon = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_icon->setToolTip(tr("Coder"));
        m_icon->setContextMenu(m_menu);
        connect(m_icon, &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason reason) {
                    if (reason == QSystemTrayIcon::Trigger)
                        m_window.isVisible() ? m_window.hide() : m_window.showNormal();
                });
        m_icon->show();
        QApplication::setQuitOnLastWindowClosed(false);
        m_window.setKeepRunningOnClose(true);
    } else {
        m_window.statusBar()->showMessage(
            tr("No system tray here: port forwards stop when this window closes."), 30'000);
    }
    connect(&m_sessions, &SessionManager::sessionChanged, this, &TrayController::onSession);
    connect(&m_forwards, &ForwardManager::failed, this,
            [this](int, const QString &message) { notify(tr("A port forward failed"), message); });
    onSession(m_sessions.current());
    rebuildMenu();
}

TrayController::~TrayController()
{
    delete m_menu;
}

void TrayController::notify(const QString &title, const QString &message)
{
    if (m_icon)
        m_icon->showMessage(title, message, QSystemTrayIcon::Information, 8000);
    else
        m_window.statusBar()->showMessage(title + QStringLiteral(": ") + message, 15'000);
    Q_EMIT notified(title, message);
}

void TrayController::onSession(DeploymentSession *session)
{
    m_session = session;
    m_statuses.clear();
    if (!session)
        return;
    connect(&session->feed(), &core::WorkspaceFeed::snapshot, this,
            [this](const QList<core::Workspace> &workspaces) {
                for (const core::Workspace &workspace : workspaces)
                    m_statuses.insert(workspace.id, workspace.latestBuild.status);
            });
    connect(&session->feed(), &core::WorkspaceFeed::updated, this, &TrayController::onWorkspace);
}

void TrayController::onWorkspace(const core::Workspace &workspace)
{
    const QString status = workspace.latestBuild.status;
    const QString before = m_statuses.value(workspace.id);
    m_statuses.insert(workspace.id, status);
    if (before.isEmpty() || before == status || settled(before) || !settled(status))
        return; // only the end of a build this app saw going
    if (status == u"failed")
        notify(tr("The build of %1 failed").arg(workspace.name),
               workspace.latestBuild.job.error.isEmpty() ? tr("See its build log.")
                                                         : workspace.latestBuild.job.error);
    else
        notify(
            tr("%1 is %2").arg(workspace.name, StatusLook::ofWorkspace(workspace).text.toLower()),
            tr("Build #%1 (%2) finished.")
                .arg(workspace.latestBuild.buildNumber)
                .arg(workspace.latestBuild.transition));
}

void TrayController::rebuildMenu()
{
    m_menu->clear();
    m_menu->addAction(tr("Show Coder"), &m_window, [this] {
        m_window.showNormal();
        m_window.raise();
        m_window.activateWindow();
    });
    m_menu->addSeparator();

    QMenu *deployments = m_menu->addMenu(tr("Deployments"));
    deployments->setObjectName(QStringLiteral("trayDeployments"));
    for (const Deployment &deployment : m_sessions.deployments().all()) {
        QAction *choose = deployments->addAction(deployment.displayName());
        choose->setCheckable(true);
        choose->setChecked(deployment.id() == m_sessions.deployments().currentId());
        connect(choose, &QAction::triggered, &m_sessions,
                [this, id = deployment.id()] { m_sessions.switchTo(id); });
    }

    QMenu *workspaces = m_menu->addMenu(tr("Workspaces"));
    workspaces->setObjectName(QStringLiteral("trayWorkspaces"));
    if (m_session) {
        WorkspaceTableModel *table = m_session->workspaces();
        for (int row = 0; row < table->rowCount(); ++row) {
            const core::Workspace &workspace = table->workspaceAt(row);
            const StatusLook look = StatusLook::ofWorkspace(workspace);
            QMenu *one =
                workspaces->addMenu(look.icon(), tr("%1 — %2").arg(workspace.name, look.text));
            const QString status = workspace.latestBuild.status;
            QAction *start = one->addAction(tr("Start"), m_session.data(),
                                            [session = m_session, id = workspace.id] {
                                                if (session)
                                                    session->startWorkspace(id);
                                            });
            start->setEnabled(status == u"stopped" || status == u"failed" || status == u"canceled");
            QAction *stop = one->addAction(tr("Stop"), m_session.data(),
                                           [session = m_session, id = workspace.id] {
                                               if (session)
                                                   session->stopWorkspace(id);
                                           });
            stop->setEnabled(status == u"running" || status == u"failed");
        }
    }
    workspaces->setEnabled(!workspaces->isEmpty());

    m_menu->addSection(tr("Port forwards"));
    for (const ForwardManager::Forward &forward : m_forwards.forwards()) {
        const quint16 port = forward.running ? forward.state.boundPort : forward.spec.listenPort;
        const QString url = QStringLiteral("http://localhost:%1").arg(port);
        QMenu *one = m_menu->addMenu(tr("%1: localhost:%2 → %3 (%4)")
                                         .arg(forward.workspaceName)
                                         .arg(port)
                                         .arg(forward.spec.remotePort)
                                         .arg(forward.running   ? tr("listening")
                                              : forward.enabled ? forward.problem
                                                                : tr("off")));
        QAction *on = one->addAction(tr("On"));
        on->setCheckable(true);
        on->setChecked(forward.enabled);
        connect(on, &QAction::toggled, &m_forwards,
                [this, id = forward.id](bool enabled) { m_forwards.setEnabled(id, enabled); });
        one->addAction(tr("Copy %1").arg(url), this,
                       [url] { QGuiApplication::clipboard()->setText(url); });
        one->addAction(tr("Open in the browser"), this,
                       [url] { QDesktopServices::openUrl(QUrl(url)); });
    }
    QAction *startAll = m_menu->addAction(tr("Start all forwards"), &m_forwards,
                                          [this] { m_forwards.setAllEnabled(true); });
    QAction *stopAll = m_menu->addAction(tr("Stop all forwards"), &m_forwards,
                                         [this] { m_forwards.setAllEnabled(false); });
    startAll->setEnabled(!m_forwards.forwards().isEmpty());
    stopAll->setEnabled(!m_forwards.forwards().isEmpty());
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit Coder"), qApp, &QApplication::quit);
}

} // namespace coder::ui
