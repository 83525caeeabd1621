#include "desktop_app.h"

#include "deployment_list.h"
#include "deployment_session.h"
#include "forward_manager.h"
#include "forward_table_model.h"
#include "forwards_panel.h"
#include "local_server.h"
#include "local_server_page.h"
#include "main_window.h"
#include "session_manager.h"
#include "tray_controller.h"
#include "workspace_page.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace coder::ui {

DesktopApp::Options DesktopApp::defaultOptions()
{
    Options options;
    options.settingsFile = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                           QStringLiteral("/coder-desktop.conf");
    options.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (const auto mode = core::SecretStore::modeFromEnvironment())
        options.secretMode = *mode;
    return options;
}

DesktopApp::DesktopApp(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_settings = std::make_unique<QSettings>(m_options.settingsFile, QSettings::IniFormat);
    core::SecretStore::Options secrets;
    secrets.service = QStringLiteral("coder-desktop");
    secrets.fileDirectory = m_options.dataDir + QStringLiteral("/secrets");
    secrets.mode = m_options.secretMode;
    m_secrets = std::make_unique<core::SecretStore>(secrets);
    m_deployments = std::make_unique<DeploymentList>(*m_settings);
    m_sessions = std::make_unique<SessionManager>(*m_deployments, *m_secrets);
    m_forwards = std::make_unique<ForwardManager>(*m_settings);
    m_forwardTable = std::make_unique<ForwardTableModel>(*m_forwards);
    connect(m_sessions.get(), &SessionManager::sessionChanged, m_forwards.get(),
            &ForwardManager::setSession);
    m_window = std::make_unique<MainWindow>(*m_sessions, *m_settings);
    m_window->workspacePage()->setForwardsPanel(
        new ForwardsPanel(*m_forwards, *m_forwardTable, m_window->workspacePage()));
    m_tray = std::make_unique<TrayController>(*m_sessions, *m_forwards, *m_window);
    m_localServer = std::make_unique<LocalServer>(*m_sessions, *m_settings, m_options.dataDir);
    auto *page = new LocalServerPage(m_localServer->server());
    m_window->setLocalServerPage(page);
    connect(page, &LocalServerPage::startRequested, m_localServer.get(), &LocalServer::start);
    connect(page, &LocalServerPage::stopRequested, m_localServer.get(), &LocalServer::stop);
    connect(m_window.get(), &MainWindow::localServerRequested, this, &DesktopApp::startLocalServer);
    connect(m_localServer.get(), &LocalServer::loginNeeded, this,
            [this](const QUrl &url, const QString &message) {
                m_window->showLogin(url, true, message);
            });
    connect(m_localServer.get(), &LocalServer::templateFailed, this, [this](const QString &why) {
        m_window->showProblem(tr("The example template was not pushed"), why);
    });
}

DesktopApp::~DesktopApp()
{
    // The window first: it refers to the sessions and the settings.
    m_tray.reset();
    m_window.reset();
    m_forwardTable.reset();
    m_forwards.reset();
    m_localServer.reset(); // a running server stops here (and waits: stop it first not to)
    m_sessions.reset();
}

void DesktopApp::start()
{
    m_window->show();
    const Deployment *last = m_deployments->find(m_deployments->currentId());
    if (last && last->embedded) {
        startLocalServer(); // opens the deployment once it runs
        return;
    }
    m_sessions->restore();
}

void DesktopApp::startLocalServer()
{
    m_window->showLocalServerPage();
    m_localServer->start();
}

void DesktopApp::activate()
{
    m_window->show();
    m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    m_window->raise();
    m_window->activateWindow();
}

} // namespace coder::ui
