#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUuid>

class QMenu;
class QSystemTrayIcon;

namespace coder::core {
struct Workspace;
}

namespace coder::ui {

class DeploymentSession;
class ForwardManager;
class MainWindow;
class SessionManager;

// The app in the system tray: a menu of the deployments (switch), the workspaces (status, start,
// stop) and every port forward (turn off or on, copy its http://localhost:PORT, open it in the
// browser; start all, stop all), and desktop notifications when a build finishes or fails and
// when a forward breaks. With a tray, closing the window leaves the app (and its forwards)
// running there; without one, the app says so and quits with its window.
class TrayController : public QObject
{
    Q_OBJECT
public:
    TrayController(SessionManager &sessions, ForwardManager &forwards, MainWindow &window,
                   QObject *parent = nullptr);
    ~TrayController() override;

    bool hasTray() const { return m_icon != nullptr; }
    // The menu as it is now (rebuilt each time it opens).
    QMenu *menu() const { return m_menu; }
    void rebuildMenu();

Q_SIGNALS:
    // Every notification, shown or not (no tray): for the status bar and tests.
    void notified(const QString &title, const QString &message);

private:
    void notify(const QString &title, const QString &message);
    void onSession(DeploymentSession *session);
    void onWorkspace(const core::Workspace &workspace);

    SessionManager &m_sessions;
    ForwardManager &m_forwards;
    MainWindow &m_window;
    QMenu *m_menu;
    QSystemTrayIcon *m_icon = nullptr;
    QPointer<DeploymentSession> m_session;
    QHash<QUuid, QString> m_statuses; // the last status seen of each workspace
};

} // namespace coder::ui
