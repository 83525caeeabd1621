// The measuring end of desktop_bench.sh (run by hand, not a test):
//   desktop_bench dashboard URL TOKEN LAUNCH_NS ROWS   the desktop app (DesktopApp, logged in
//       with TOKEN): prints "cold MS" from LAUNCH_NS (CLOCK_REALTIME at exec, from the script)
//       to the first paint of the table with ROWS rows; "rss KIB" after 10 s idle; then
//       "repaint MS" 20 times: from sending a change of a workspace (its TTL) to coderd, to the
//       paint of the table after that row changed
//   desktop_bench bare LAUNCH_NS ROWS      the peer: a bare Qt window with a table of ROWS
//       static rows; prints "cold MS" and "rss KIB" the same way
//   desktop_bench embedded DIR             the app's local server (EmbeddedServer) on SQLite in
//       DIR: prints "running MS" from start() to running and "healthy MS" to its first answer
#include "core/api_client.h"
#include "ui/dashboard_page.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/embedded_server.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/workspace_table_model.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <ctime>

namespace {

double sinceLaunchMs(long long launchNs)
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return double(now.tv_sec * 1'000'000'000LL + now.tv_nsec - launchNs) / 1e6;
}

long rssKib()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

// Calls onPaint after each paint of the widget (a paint event has been handled).
class PaintWatch : public QObject
{
public:
    PaintWatch(QWidget *widget, std::function<void()> onPaint)
        : QObject(widget), m_onPaint(std::move(onPaint))
    {
        widget->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            QTimer::singleShot(0, this, [this] { m_onPaint(); }); // after it is painted
        return false;
    }

private:
    std::function<void()> m_onPaint;
};

int bare(long long launchNs, int rows)
{
    QStandardItemModel model(rows, 6);
    for (int row = 0; row < rows; ++row)
        for (int column = 0; column < 6; ++column)
            model.setItem(row, column, new QStandardItem(QStringLiteral("cell %1").arg(row)));
    QTableView view;
    view.setModel(&model);
    view.resize(1000, 560);
    bool painted = false;
    new PaintWatch(view.viewport(), [&] {
        if (painted)
            return;
        painted = true;
        std::printf("cold %.1f\n", sinceLaunchMs(launchNs));
        QTimer::singleShot(10'000, [] {
            std::printf("rss %ld\n", rssKib());
            QApplication::quit();
        });
    });
    view.show();
    return QApplication::exec();
}

int dashboard(const QUrl &url, const QString &token, long long launchNs, int rows)
{
    QTemporaryDir home;
    coder::ui::DesktopApp::Options options;
    options.settingsFile = home.filePath(QStringLiteral("desktop.conf"));
    options.dataDir = home.filePath(QStringLiteral("data"));
    options.secretMode = coder::core::SecretStore::Mode::File;
    coder::ui::DesktopApp app(options);
    app.window().resize(1000, 560);
    app.start();
    coder::core::User user;
    user.username = QStringLiteral("bench");
    app.sessions().loggedIn(url, token, user);
    coder::ui::DeploymentSession *session = app.sessions().current();
    coder::ui::WorkspaceTableModel *table = session->workspaces();
    QWidget *viewport = app.window().dashboard()->table()->viewport();
    // Without an answer (a change that painted nothing) the run ends rather than waits.
    QTimer watchdog;
    watchdog.setSingleShot(true);
    QObject::connect(&watchdog, &QTimer::timeout, [] {
        std::fprintf(stderr, "desktop_bench: no paint came\n");
        QApplication::exit(1);
    });

    enum class Phase { Cold, Idle, Repaint } phase = Phase::Cold;
    QElapsedTimer clock;
    int changedRow = -1;
    int rounds = 0;
    qint64 ttl = 3'600'000;
    QTableView *view = app.window().dashboard()->table();
    std::function<void()> change = [&] {
        // A row on screen (the view sorts by name): a change elsewhere paints nothing.
        const QUuid id = view->model()
                             ->index(rounds % 10, 0)
                             .data(coder::ui::WorkspaceTableModel::WorkspaceIdRole)
                             .toUuid();
        changedRow = -1;
        ttl += 60'000;
        clock.start();
        watchdog.start(5000);
        session->api().putTtl(id, ttl, [](auto) {});
    };
    QObject::connect(table, &QAbstractItemModel::dataChanged, [&](const QModelIndex &from) {
        if (phase == Phase::Repaint)
            changedRow = from.row();
    });
    new PaintWatch(viewport, [&] {
        if (phase == Phase::Cold && table->rowCount() >= rows) {
            phase = Phase::Idle;
            std::printf("cold %.1f\n", sinceLaunchMs(launchNs));
            std::fflush(stdout);
            QTimer::singleShot(10'000, [&] {
                std::printf("rss %ld\n", rssKib());
                std::fflush(stdout);
                phase = Phase::Repaint;
                change();
            });
        } else if (phase == Phase::Repaint && changedRow >= 0) {
            watchdog.stop();
            std::printf("repaint %.1f\n", double(clock.nsecsElapsed()) / 1e6);
            std::fflush(stdout);
            if (++rounds == 20) {
                QApplication::quit();
                return;
            }
            QTimer::singleShot(100, change);
        }
    });
    return QApplication::exec();
}

int embedded(const QString &dir)
{
    coder::ui::EmbeddedServer server;
    QElapsedTimer clock;
    bool running = false;
    QObject::connect(&server, &coder::ui::EmbeddedServer::stateChanged,
                     [&](coder::ui::EmbeddedServer::State state) {
                         if (state == coder::ui::EmbeddedServer::State::Running && !running) {
                             running = true;
                             std::printf("running %.1f\n", double(clock.nsecsElapsed()) / 1e6);
                         } else if (state == coder::ui::EmbeddedServer::State::Failed) {
                             std::fprintf(stderr, "%s\n", qPrintable(server.failure()));
                             QApplication::exit(1);
                         } else if (state == coder::ui::EmbeddedServer::State::Stopped) {
                             QApplication::quit();
                         }
                     });
    QObject::connect(&server, &coder::ui::EmbeddedServer::healthChanged, [&](bool healthy) {
        if (!healthy)
            return;
        std::printf("healthy %.1f\n", double(clock.nsecsElapsed()) / 1e6);
        server.stop();
    });
    coder::ui::EmbeddedServer::Options options;
    options.dataDir = dir;
    clock.start();
    server.start(options);
    return QApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    if (args.size() == 6 && args.at(1) == u"dashboard")
        return dashboard(QUrl(args.at(2)), args.at(3), args.at(4).toLongLong(), args.at(5).toInt());
    if (args.size() == 4 && args.at(1) == u"bare")
        return bare(args.at(2).toLongLong(), args.at(3).toInt());
    if (args.size() == 3 && args.at(1) == u"embedded")
        return embedded(args.at(2));
    std::fprintf(stderr, "usage: desktop_bench dashboard URL TOKEN LAUNCH_NS ROWS | bare "
                         "LAUNCH_NS ROWS | embedded DIR\n");
    return 2;
}
