#include "desktop_app.h"

#include "deployment_list.h"
#include "deployment_session.h"
#include "main_window.h"
#include "session_manager.h"

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
    m_window = std::make_unique<MainWindow>(*m_sessions, *m_settings);
}

DesktopApp::~DesktopApp()
{
    // The window first: it refers to the sessions and the settings.
    m_window.reset();
    m_sessions.reset();
}

void DesktopApp::start()
{
    m_window->show();
    m_sessions->restore();
}

void DesktopApp::activate()
{
    m_window->show();
    m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    m_window->raise();
    m_window->activateWindow();
}

} // namespace coder::ui
