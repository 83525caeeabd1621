// coder-desktop: the desktop app (ui/DesktopApp), one per user.
#include "ui/desktop_app.h"
#include "ui/single_instance.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <memory>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("coder"));
    QApplication::setApplicationName(QStringLiteral("coder-desktop"));
    QApplication::setApplicationDisplayName(QStringLiteral("Coder"));
    QApplication::setApplicationVersion(QStringLiteral(CODER_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("coder-desktop"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/coder.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Coder desktop: your deployments, workspaces and port forwards."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption localServer(
        QStringLiteral("local-server"),
        QStringLiteral("Start the local server (coderd on SQLite under the app's data folder) "
                       "at launch."));
    parser.addOption(localServer);
    parser.process(app);

    coder::ui::SingleInstance instance(QStringLiteral("coder-desktop"));
    std::unique_ptr<coder::ui::DesktopApp> desktop;
    QObject::connect(&instance, &coder::ui::SingleInstance::secondary, &app, [] {
        QApplication::exit(0); // the running app shows its window instead
    });
    QObject::connect(&instance, &coder::ui::SingleInstance::primary, &app, [&] {
        desktop = std::make_unique<coder::ui::DesktopApp>(coder::ui::DesktopApp::defaultOptions());
        desktop->start();
        if (parser.isSet(localServer))
            desktop->startLocalServer();
    });
    QObject::connect(&instance, &coder::ui::SingleInstance::activationRequested, &app, [&desktop] {
        if (desktop)
            desktop->activate();
    });
    instance.start();
    const int code = QApplication::exec();
    desktop.reset();
    return code;
}
