#include "main_window.h"

#include "create_workspace_dialog.h"
#include "dashboard_page.h"
#include "deployment_session.h"
#include "login_dialog.h"
#include "session_manager.h"
#include "welcome_page.h"
#include "workspace_page.h"
#include "workspace_table_model.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>

namespace coder::ui {

namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

} // namespace

MainWindow::MainWindow(SessionManager &sessions, QSettings &settings, QWidget *parent)
    : QMainWindow(parent), m_sessions(sessions), m_settings(settings),
      m_pages(new QStackedWidget(this)), m_welcome(new WelcomePage(sessions.deployments(), this)),
      m_dashboard(new DashboardPage(this)), m_workspacePage(new WorkspacePage(this)),
      m_switcher(new QComboBox(this)), m_feedStatus(new QLabel(this))
{
    setWindowTitle(tr("Coder"));
    setMinimumSize(720, 420);
    m_pages->addWidget(m_welcome);
    m_pages->addWidget(m_dashboard);
    m_pages->addWidget(m_workspacePage);
    connect(m_dashboard, &DashboardPage::workspaceActivated, this, &MainWindow::openWorkspace);
    connect(m_workspacePage, &WorkspacePage::backRequested, this, &MainWindow::showWorkspaces);
    setCentralWidget(m_pages);
    m_feedStatus->setObjectName(QStringLiteral("feedStatus"));
    statusBar()->addPermanentWidget(m_feedStatus);
    createActions();

    connect(m_welcome, &WelcomePage::connectRequested, this, [this] { showLogin(); });
    connect(m_welcome, &WelcomePage::localServerRequested, this, &MainWindow::localServerRequested);
    connect(m_welcome, &WelcomePage::deploymentChosen, &m_sessions, &SessionManager::switchTo);
    connect(m_dashboard, &DashboardPage::selectionChanged, this, &MainWindow::updateActions);
    connect(&m_sessions, &SessionManager::sessionChanged, this, &MainWindow::onSessionChanged);
    connect(&m_sessions, &SessionManager::noSession, this, &MainWindow::onNoSession);
    connect(&m_sessions, &SessionManager::tokenStored, this,
            [this](const QString &where, const QString &fallbackReason) {
                if (where.isEmpty())
                    showProblem(tr("The session token was not saved"), fallbackReason);
                else if (!fallbackReason.isEmpty())
                    statusBar()->showMessage(
                        tr("The session token is kept in %1, as the system keychain is not "
                           "available (%2).")
                            .arg(where, fallbackReason),
                        15'000);
            });
    connect(&m_sessions.deployments(), &DeploymentList::changed, this,
            &MainWindow::refreshSwitcher);
    connect(m_switcher, &QComboBox::activated, this, [this](int index) {
        const QString id = m_switcher->itemData(index).toString();
        if (id.isEmpty())
            showLogin();
        else if (!m_session || m_session->deployment().id() != id)
            m_sessions.switchTo(id);
        refreshSwitcher();
    });

    restoreGeometry(m_settings.value(kGeometryKey).toByteArray());
    restoreState(m_settings.value(kStateKey).toByteArray());
    refreshSwitcher();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    const auto action = [this](const QString &text, const QString &name,
                               const QKeySequence &shortcut) {
        auto *made = new QAction(text, this);
        made->setObjectName(name);
        made->setShortcut(shortcut);
        made->setShortcutContext(Qt::WindowShortcut);
        addAction(made);
        return made;
    };
    m_connect = action(tr("&Add deployment…"), QStringLiteral("addDeployment"),
                       QKeySequence(QStringLiteral("Ctrl+O")));
    m_logOut = action(tr("Log &out"), QStringLiteral("logOut"), QKeySequence());
    m_create = action(tr("&New workspace…"), QStringLiteral("create"), QKeySequence::New);
    m_create->setToolTip(tr("Create a workspace from a template"));
    connect(m_create, &QAction::triggered, this, &MainWindow::showCreate);
    m_start =
        action(tr("&Start"), QStringLiteral("start"), QKeySequence(QStringLiteral("Ctrl+Shift+S")));
    m_stop =
        action(tr("S&top"), QStringLiteral("stop"), QKeySequence(QStringLiteral("Ctrl+Shift+X")));
    m_restart = action(tr("&Restart"), QStringLiteral("restart"),
                       QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    m_delete = action(tr("&Delete…"), QStringLiteral("delete"), QKeySequence::Delete);
    m_workspacesView = action(tr("&Workspaces"), QStringLiteral("showWorkspaces"),
                              QKeySequence(QStringLiteral("Ctrl+1")));
    m_localServerView = action(tr("&Local server"), QStringLiteral("showLocalServer"),
                               QKeySequence(QStringLiteral("Ctrl+L")));
    m_localServerView->setVisible(false); // until the app has a local server page
    connect(m_workspacesView, &QAction::triggered, this, &MainWindow::showWorkspaces);
    connect(m_localServerView, &QAction::triggered, this, &MainWindow::showLocalServerPage);
    m_start->setToolTip(tr("Start the selected workspace"));
    m_stop->setToolTip(tr("Stop the selected workspace"));
    m_restart->setToolTip(tr("Stop the selected workspace, then start it again"));
    m_delete->setToolTip(tr("Delete the selected workspace and its resources"));

    connect(m_connect, &QAction::triggered, this, [this] { showLogin(); });
    connect(m_logOut, &QAction::triggered, &m_sessions, &SessionManager::logOut);
    connect(m_start, &QAction::triggered, this, [this] {
        if (m_session)
            m_session->startWorkspace(m_dashboard->selectedWorkspace());
    });
    connect(m_stop, &QAction::triggered, this, [this] {
        if (m_session)
            m_session->stopWorkspace(m_dashboard->selectedWorkspace());
    });
    connect(m_restart, &QAction::triggered, this, [this] {
        if (m_session)
            m_session->restartWorkspace(m_dashboard->selectedWorkspace());
    });
    connect(m_delete, &QAction::triggered, this, &MainWindow::confirmDelete);

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setMovable(false);
    m_switcher->setObjectName(QStringLiteral("deployments"));
    m_switcher->setAccessibleName(tr("Deployment"));
    m_switcher->setMinimumContentsLength(24);
    m_switcher->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    toolbar->addWidget(m_switcher);
    toolbar->addAction(m_workspacesView);
    toolbar->addAction(m_localServerView);
    toolbar->addSeparator();
    for (QAction *each : {m_create, m_start, m_stop, m_restart, m_delete})
        toolbar->addAction(each);
    toolbar->addSeparator();
    toolbar->addAction(m_logOut);
    m_dashboard->table()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_dashboard->table()->addActions({m_start, m_stop, m_restart, m_delete});
}

LoginDialog *MainWindow::showLogin(const QUrl &url, bool fixed, const QString &message)
{
    if (m_login)
        m_login->close();
    m_login = new LoginDialog(this);
    m_login->setAttribute(Qt::WA_DeleteOnClose);
    if (!url.isEmpty())
        m_login->setDeployment(url, fixed);
    m_login->setMessage(message);
    connect(m_login, &LoginDialog::loggedIn, &m_sessions,
            [this](const QUrl &loggedUrl, const QString &token, const core::User &user) {
                m_sessions.loggedIn(loggedUrl, token, user);
            });
    m_login->open(); // never exec(): the event loop, the tray and the forwards go on
    return m_login;
}

void MainWindow::onSessionChanged(DeploymentSession *session)
{
    m_session = session;
    m_dashboard->setModel(session ? session->workspaces() : nullptr);
    m_workspacePage->showWorkspace(nullptr, QUuid());
    refreshSwitcher();
    updateActions();
    if (!session) {
        m_feedStatus->clear();
        return;
    }
    m_pages->setCurrentWidget(m_dashboard);
    setWindowTitle(tr("Coder — %1").arg(session->deployment().displayName()));
    connect(session->workspaces(), &QAbstractItemModel::dataChanged, this,
            &MainWindow::updateActions);
    connect(&session->feed(), &core::WorkspaceFeed::stateChanged, this, &MainWindow::showFeedState);
    connect(session, &DeploymentSession::actionFailed, this, &MainWindow::showProblem);
    connect(session, &DeploymentSession::sessionExpired, this, [this](const QString &message) {
        if (!m_session)
            return;
        showLogin(m_session->deployment().url, true,
                  tr("Your session on %1 ended (%2). Log in again to continue.")
                      .arg(m_session->deployment().displayName(), message));
    });
    showFeedState();
}

void MainWindow::openWorkspace(const QUuid &id)
{
    if (!m_session || id.isNull())
        return;
    m_workspacePage->showWorkspace(m_session, id);
    m_pages->setCurrentWidget(m_workspacePage);
}

void MainWindow::setLocalServerPage(QWidget *page)
{
    m_localServerPage = page;
    m_pages->addWidget(page);
    m_localServerView->setVisible(true);
}

void MainWindow::showLocalServerPage()
{
    if (m_localServerPage)
        m_pages->setCurrentWidget(m_localServerPage);
}

void MainWindow::showWorkspaces()
{
    m_pages->setCurrentWidget(m_session ? static_cast<QWidget *>(m_dashboard) : m_welcome);
}

void MainWindow::onNoSession(const QString &reason, const QUrl &url)
{
    if (m_pages->currentWidget() != m_localServerPage)
        m_pages->setCurrentWidget(m_welcome);
    m_welcome->setMessage(reason);
    setWindowTitle(tr("Coder"));
    if (!url.isEmpty())
        showLogin(url, false, reason);
}

void MainWindow::showFeedState()
{
    if (!m_session)
        return;
    const core::WorkspaceFeed &feed = m_session->feed();
    switch (feed.state()) {
    case core::WorkspaceFeed::State::Live:
        m_feedStatus->setText(tr("Live"));
        break;
    case core::WorkspaceFeed::State::Connecting:
        m_feedStatus->setText(tr("Connecting…"));
        break;
    case core::WorkspaceFeed::State::Waiting:
        m_feedStatus->setText(tr("Not connected: %1 (trying again)").arg(feed.problem()));
        break;
    case core::WorkspaceFeed::State::Unauthorized:
        m_feedStatus->setText(tr("Logged out: %1").arg(feed.problem()));
        break;
    case core::WorkspaceFeed::State::Stopped:
        m_feedStatus->setText(tr("Not connected"));
        break;
    }
}

void MainWindow::refreshSwitcher()
{
    const QSignalBlocker blocker(m_switcher);
    m_switcher->clear();
    for (const Deployment &deployment : m_sessions.deployments().all()) {
        m_switcher->addItem(deployment.username.isEmpty()
                                ? deployment.displayName()
                                : tr("%1 (%2)").arg(deployment.displayName(), deployment.username),
                            deployment.id());
    }
    m_switcher->addItem(tr("Add deployment…"), QString());
    const int current = m_switcher->findData(m_sessions.deployments().currentId());
    m_switcher->setCurrentIndex(current >= 0 ? current : m_switcher->count() - 1);
}

void MainWindow::updateActions()
{
    QString status;
    const QUuid selected = m_dashboard->selectedWorkspace();
    if (m_session && !selected.isNull()) {
        const int row = m_session->workspaces()->rowOf(selected);
        if (row >= 0)
            status = m_session->workspaces()->workspaceAt(row).latestBuild.status;
    }
    const bool settled = status == u"running" || status == u"stopped" || status == u"failed" ||
                         status == u"canceled";
    m_start->setEnabled(status == u"stopped" || status == u"failed" || status == u"canceled");
    m_stop->setEnabled(status == u"running" || status == u"failed");
    m_restart->setEnabled(status == u"running");
    m_delete->setEnabled(settled);
    m_logOut->setEnabled(m_session != nullptr);
    m_create->setEnabled(m_session != nullptr);
}

void MainWindow::confirmDelete()
{
    if (!m_session)
        return;
    const QUuid id = m_dashboard->selectedWorkspace();
    const int row = m_session->workspaces()->rowOf(id);
    if (row < 0)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete workspace"),
                                tr("Delete the workspace \"%1\"? Its resources and its home "
                                   "directory are removed; this cannot be undone.")
                                    .arg(m_session->workspaces()->workspaceAt(row).name),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmDelete"));
    QPushButton *confirm = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, confirm, id, session = m_session](int) {
        if (box->clickedButton() == static_cast<QAbstractButton *>(confirm) && session &&
            session == m_session)
            session->deleteWorkspace(id);
    });
    box->open();
}

void MainWindow::showCreate()
{
    if (!m_session)
        return;
    auto *dialog = new CreateWorkspaceDialog(m_session->api(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CreateWorkspaceDialog::created, this, [this](const core::Workspace &made) {
        statusBar()->showMessage(tr("Creating %1…").arg(made.name), 10'000);
        showWorkspaces();
    });
    dialog->open();
}

void MainWindow::showProblem(const QString &title, const QString &message)
{
    statusBar()->showMessage(title + QStringLiteral(": ") + message, 15'000);
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("problem"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.setValue(kGeometryKey, saveGeometry());
    m_settings.setValue(kStateKey, saveState());
    if (m_keepRunningOnClose) {
        hide(); // the tray keeps the app, its forwards and its local server
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

} // namespace coder::ui
