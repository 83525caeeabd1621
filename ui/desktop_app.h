#pragma once

#include "core/secret_store.h"

#include <QObject>
#include <QString>
#include <memory>

class QSettings;

namespace coder::ui {

class DeploymentList;
class ForwardManager;
class ForwardTableModel;
class LocalServer;
class MainWindow;
class SessionManager;
class TrayController;

// The desktop app put together: its settings, the secret store for session tokens, the
// remembered deployments, the session and the window. main() makes one; tests make one over
// temporary directories.
class DesktopApp : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString settingsFile; // an INI file
        QString dataDir;      // the token files when the keychain is not used, the local server
        core::SecretStore::Mode secretMode = core::SecretStore::Mode::Auto;
    };
    // Where the app keeps its things for this user (XDG config and data dirs).
    static Options defaultOptions();

    explicit DesktopApp(Options options, QObject *parent = nullptr);
    ~DesktopApp() override;

    // Shows the window and opens the last deployment (starting the local server first when
    // that was it).
    void start();
    // Brings the window to the front (another launch asked).
    void activate();
    // Shows the local server's page and starts it (the welcome page's button, --local-server).
    void startLocalServer();

    MainWindow &window() { return *m_window; }
    SessionManager &sessions() { return *m_sessions; }
    LocalServer &localServer() { return *m_localServer; }
    ForwardManager &forwards() { return *m_forwards; }
    ForwardTableModel &forwardTable() { return *m_forwardTable; }
    TrayController &tray() { return *m_tray; }
    const Options &options() const { return m_options; }

private:
    Options m_options;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<core::SecretStore> m_secrets;
    std::unique_ptr<DeploymentList> m_deployments;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<LocalServer> m_localServer;
    std::unique_ptr<ForwardManager> m_forwards;
    std::unique_ptr<ForwardTableModel> m_forwardTable;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<TrayController> m_tray;
};

} // namespace coder::ui
