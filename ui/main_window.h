#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QUrl>

class QAction;
class QComboBox;
class QLabel;
class QSettings;
class QStackedWidget;

namespace coder::ui {

class DashboardPage;
class DeploymentSession;
class LoginDialog;
class SessionManager;
class WelcomePage;
class WorkspacePage;

// The app's one window: a toolbar with the deployment switcher and the workspace actions, the
// welcome page or the dashboard, and a status bar that says whether the dashboard is live.
// Geometry and the last view come back at the next start. Nothing here waits: every action
// goes to the session and its outcome comes back as a signal.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(SessionManager &sessions, QSettings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens the login dialog (for url, when given; fixed: the same deployment again).
    LoginDialog *showLogin(const QUrl &url = {}, bool fixed = false, const QString &message = {});
    DashboardPage *dashboard() const { return m_dashboard; }
    WelcomePage *welcome() const { return m_welcome; }
    WorkspacePage *workspacePage() const { return m_workspacePage; }
    // The workspace's page (double-click or Enter on its row).
    void openWorkspace(const QUuid &id);
    QLabel *feedStatus() const { return m_feedStatus; }
    QAction *createAction() const { return m_create; }
    QAction *startAction() const { return m_start; }
    QAction *stopAction() const { return m_stop; }
    QAction *restartAction() const { return m_restart; }
    QAction *deleteAction() const { return m_delete; }
    QComboBox *deploymentSwitcher() const { return m_switcher; }
    // The local server's page, reached by the "Local server" action (Ctrl+L).
    void setLocalServerPage(QWidget *page);
    void showLocalServerPage();
    void showProblem(const QString &title, const QString &message);
    // Closing the window hides it (the app goes on in the tray) instead of ending the app.
    void setKeepRunningOnClose(bool keep) { m_keepRunningOnClose = keep; }

Q_SIGNALS:
    void localServerRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void onSessionChanged(DeploymentSession *session);
    void onNoSession(const QString &reason, const QUrl &url);
    void refreshSwitcher();
    void updateActions();
    void confirmDelete();
    void showCreate();
    void showWorkspaces();
    void showFeedState();

    SessionManager &m_sessions;
    QSettings &m_settings;
    QPointer<DeploymentSession> m_session;
    QPointer<LoginDialog> m_login;
    QStackedWidget *m_pages;
    WelcomePage *m_welcome;
    DashboardPage *m_dashboard;
    WorkspacePage *m_workspacePage;
    QComboBox *m_switcher;
    QLabel *m_feedStatus;
    QAction *m_connect = nullptr;
    QAction *m_logOut = nullptr;
    QAction *m_create = nullptr;
    QAction *m_start = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_restart = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_workspacesView = nullptr;
    QAction *m_localServerView = nullptr;
    QWidget *m_localServerPage = nullptr;
    bool m_keepRunningOnClose = false;
};

} // namespace coder::ui
