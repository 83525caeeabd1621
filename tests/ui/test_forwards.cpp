// Port forwards in the desktop app against a real coderd and a real agent (offscreen): made from
// a workspace's view for a port listening in the workspace (an echo service of this test: the
// process provisioner's workspaces share this machine's loopback), bytes flow both ways and are
// counted, a forward turned off refuses connections and on again accepts them while another
// forward keeps working, a local port already taken is a clear error, removing one ends it, and
// the forwards come back with the app; the tray's menu lists the workspaces and forwards and
// acts on them, a build that ends is a notification, and 50 forwards at once stay stable.
// QAbstractItemModelTester watches the forwards table.
#include "desktop_test_support.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/forward_manager.h"
#include "ui/forward_table_model.h"
#include "ui/forwards_panel.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/tray_controller.h"
#include "ui/workspace_page.h"
#include "ui/workspace_table_model.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::test;
using namespace coder::ui;

class TestForwards : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void forwardCarriesBytes();
    void turnedOffAndOnAlone();
    void takenLocalPortIsAnError();
    void comeBackWithTheApp();
    void removedForwardEnds();
    void trayMenuAndNotifications();
    void survivesALoginAgain();
    void fiftyForwardsAtOnce();

private:
    std::unique_ptr<DesktopApp> makeApp();
    void openWorkspace();
    // Adds a forward through the panel; its id, or 0.
    int addForward(quint16 remote, quint16 local = 0);
    // Connects to the port, sends bytes, and expects them echoed; false when refused or cut.
    static bool echoes(quint16 port, const QByteArray &bytes);

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QString m_workspaceId;
    QTemporaryDir m_home;
    QTcpServer m_echo;
    QTcpServer m_second; // another service, for a forward that must not be disturbed
    std::unique_ptr<DesktopApp> m_app;
};

std::unique_ptr<DesktopApp> TestForwards::makeApp()
{
    auto app = makeDesktopApp(m_home.path());
    app->start();
    return app;
}

void TestForwards::initTestCase()
{
    QVERIFY(m_home.isValid());
    for (QTcpServer *server : {&m_echo, &m_second}) {
        QVERIFY(server->listen(QHostAddress::LocalHost));
        connect(server, &QTcpServer::newConnection, this, [server] {
            while (QTcpSocket *peer = server->nextPendingConnection()) {
                connect(peer, &QTcpSocket::readyRead, peer,
                        [peer] { peer->write(peer->readAll()); });
                connect(peer, &QTcpSocket::disconnected, peer, &QObject::deleteLater);
            }
        });
    }
    // Tunnels check their token every 0.5 s: a revoked one ends its tunnel at once.
    CODER_START_CODERD(m_coderd,
                       {QStringLiteral("--tunnel-access-check-interval"), QStringLiteral("0.5")});
    m_owner = m_coderd.api().setupOwner();
    const QString templateId =
        pushTemplate(m_coderd.api(), m_owner, QStringLiteral("local"), exampleTemplateDir())
            .value(u"id")
            .toString();
    m_workspaceId = createWorkspace(m_coderd.api(), m_owner, u"me"_qs, templateId, u"fwd"_qs)
                        .value(u"id")
                        .toString();
    QVERIFY(!m_workspaceId.isEmpty());
    m_app = makeApp();
    QVERIFY(logInWithToken(*m_app, m_coderd.url(), m_owner));
    openWorkspace();
}

void TestForwards::cleanupTestCase()
{
    m_app.reset();
    deleteEveryWorkspace(m_coderd.api(), m_owner);
}

void TestForwards::openWorkspace()
{
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() == 1 &&
                                 table->index(0, WorkspaceTableModel::Agent).data().toString() ==
                                     u"Connected · Ready",
                             60'000);
    m_app->window().openWorkspace(table->workspaceAt(0).id);
}

int TestForwards::addForward(quint16 remote, quint16 local)
{
    ForwardsPanel *panel = m_app->window().workspacePage()->forwardsPanel();
    panel->findChild<QComboBox *>(QStringLiteral("remotePort"))
        ->setEditText(QString::number(remote));
    panel->findChild<QSpinBox *>(QStringLiteral("localPort"))->setValue(local);
    const QList<ForwardManager::Forward> before = m_app->forwards().forwards();
    panel->findChild<QPushButton *>(QStringLiteral("addForward"))->click();
    const QList<ForwardManager::Forward> after = m_app->forwards().forwards();
    return after.size() > before.size() ? after.last().id : 0;
}

bool TestForwards::echoes(quint16 port, const QByteArray &bytes)
{
    QTcpSocket socket;
    QByteArray got;
    bool failed = false;
    connect(&socket, &QTcpSocket::readyRead, [&] { got += socket.readAll(); });
    connect(&socket, &QTcpSocket::errorOccurred, [&] { failed = true; });
    connect(&socket, &QTcpSocket::disconnected, [&] { failed = got.size() < bytes.size(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(bytes);
    QDeadlineTimer deadline(15'000);
    while (!failed && got.size() < bytes.size() && !deadline.hasExpired())
        QTest::qWait(5);
    socket.disconnectFromHost();
    return got == bytes;
}

void TestForwards::forwardCarriesBytes()
{
    QAbstractItemModelTester tester(&m_app->forwardTable(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int id = addForward(m_echo.serverPort());
    QVERIFY(id > 0);
    const ForwardManager::Forward *forward = m_app->forwards().find(id);
    QVERIFY(forward->running);
    const quint16 local = forward->state.boundPort;
    QVERIFY(local > 0);
    QCOMPARE(m_app->forwardTable().rowCount(), 1);
    QCOMPARE(m_app->forwardTable().index(0, ForwardTableModel::State).data().toString(),
             u"Listening"_qs);
    QCOMPARE(m_app->forwardTable().index(0, 0).data(ForwardTableModel::UrlRole).toUrl(),
             QUrl(u"http://localhost:%1"_qs.arg(local)));
    const QByteArray payload(300'000, 'x');
    QVERIFY(echoes(local, payload));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->forwards().find(id)->state.bytesUp >= payload.size() &&
                                 m_app->forwards().find(id)->state.bytesDown >= payload.size(),
                             10'000);
    QVERIFY(m_app->forwardTable()
                .index(0, ForwardTableModel::Bytes)
                .data()
                .toString()
                .contains(u"300"));
}

void TestForwards::turnedOffAndOnAlone()
{
    const int first = m_app->forwards().forwards().first().id;
    const quint16 firstPort = m_app->forwards().find(first)->state.boundPort;
    const int second = addForward(m_second.serverPort());
    QVERIFY(second > 0);
    const quint16 secondPort = m_app->forwards().find(second)->state.boundPort;
    // A connection of the second stays open while the first is turned off and on.
    QTcpSocket held;
    QByteArray heldGot;
    connect(&held, &QTcpSocket::readyRead, [&] { heldGot += held.readAll(); });
    held.connectToHost(QHostAddress::LocalHost, secondPort);
    held.write("before");
    QTRY_COMPARE_WITH_TIMEOUT(heldGot, QByteArray("before"), 10'000);

    m_app->forwards().setEnabled(first, false);
    QCOMPARE(m_app->forwardTable().index(0, ForwardTableModel::State).data().toString(), u"Off"_qs);
    QVERIFY(!echoes(firstPort, "refused"));
    m_app->forwards().setEnabled(first, true);
    QCOMPARE(m_app->forwards().find(first)->state.boundPort, firstPort); // the same port again
    QVERIFY(echoes(firstPort, "again"));

    held.write("after");
    QTRY_COMPARE_WITH_TIMEOUT(heldGot, QByteArray("beforeafter"), 10'000);
    QCOMPARE(held.state(), QAbstractSocket::ConnectedState);
    held.disconnectFromHost();
}

void TestForwards::takenLocalPortIsAnError()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost));
    const int before = int(m_app->forwards().forwards().size());
    QCOMPARE(addForward(m_echo.serverPort(), squatter.serverPort()), 0);
    auto *error = m_app->window().workspacePage()->forwardsPanel()->findChild<QLabel *>(
        QStringLiteral("forwardError"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QString::number(squatter.serverPort())),
             qPrintable(error->text()));
    QCOMPARE(int(m_app->forwards().forwards().size()), before);
}

void TestForwards::comeBackWithTheApp()
{
    const QList<ForwardManager::Forward> before = m_app->forwards().forwards();
    QCOMPARE(before.size(), 2);
    m_app.reset();
    m_app = makeApp();
    QTRY_VERIFY_WITH_TIMEOUT(m_app->sessions().current(), 10'000);
    const QList<ForwardManager::Forward> after = m_app->forwards().forwards();
    QCOMPARE(after.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QVERIFY(after.at(i).running);
        QCOMPARE(after.at(i).state.boundPort, before.at(i).state.boundPort);
    }
    QVERIFY(echoes(after.first().state.boundPort, "back"));
    openWorkspace();
}

void TestForwards::removedForwardEnds()
{
    const ForwardManager::Forward first = m_app->forwards().forwards().first();
    QTableView *table = m_app->window().workspacePage()->forwardsPanel()->table();
    table->selectRow(0);
    m_app->window()
        .workspacePage()
        ->forwardsPanel()
        ->findChild<QPushButton *>(QStringLiteral("removeForward"))
        ->click();
    QCOMPARE(m_app->forwards().forwards().size(), 1);
    QVERIFY(!echoes(first.state.boundPort, "gone"));
    QVERIFY(echoes(m_app->forwards().forwards().first().state.boundPort, "still"));
}

// The actions of a menu and its submenus, by their text ("Workspaces/fwd — Running/Stop").
static QHash<QString, QAction *> actionsOf(QMenu *menu, const QString &prefix = {})
{
    QHash<QString, QAction *> all;
    for (QAction *action : menu->actions()) {
        const QString path = prefix.isEmpty() ? action->text() : prefix + u'/' + action->text();
        all.insert(path, action);
        if (action->menu())
            all.insert(actionsOf(action->menu(), path));
    }
    return all;
}

void TestForwards::trayMenuAndNotifications()
{
    TrayController &tray = m_app->tray();
    QVERIFY(!tray.hasTray()); // offscreen: no tray; the menu is built all the same
    const ForwardManager::Forward forward = m_app->forwards().forwards().first();
    const quint16 port = forward.state.boundPort;
    tray.rebuildMenu();
    QHash<QString, QAction *> actions = actionsOf(tray.menu());
    QVERIFY2(actions.contains(u"Workspaces/fwd — Running/Stop"_qs),
             qPrintable(QStringList(actions.keys()).join(u", ")));
    QVERIFY(actions.value(u"Workspaces/fwd — Running/Stop"_qs)->isEnabled());
    QVERIFY(!actions.value(u"Workspaces/fwd — Running/Start"_qs)->isEnabled());
    const QString forwardMenu =
        u"fwd: localhost:%1 → %2 (listening)"_qs.arg(port).arg(forward.spec.remotePort);
    QVERIFY2(actions.contains(forwardMenu + u"/On"_qs), qPrintable(forwardMenu));
    QVERIFY(actions.value(forwardMenu + u"/On"_qs)->isChecked());
    actions.value(forwardMenu + u"/Copy http://localhost:%1"_qs.arg(port))->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), u"http://localhost:%1"_qs.arg(port));
    // Off from the tray, then "Start all".
    actions.value(forwardMenu + u"/On"_qs)->trigger();
    QVERIFY(!m_app->forwards().find(forward.id)->enabled);
    QVERIFY(!echoes(port, "off"));
    tray.rebuildMenu();
    actions = actionsOf(tray.menu());
    QVERIFY(actions.contains(
        u"fwd: localhost:%1 → %2 (off)/On"_qs.arg(port).arg(forward.spec.remotePort)));
    actions.value(u"Start all forwards"_qs)->trigger();
    QVERIFY(m_app->forwards().find(forward.id)->enabled);
    QVERIFY(echoes(port, "on"));

    // A stop build from the tray: a notification when it finishes.
    // (A forward's connection cut by the stop may be a notification of its own.)
    QSignalSpy notified(&tray, &TrayController::notified);
    const auto message = [&notified](const QString &title) {
        for (const QList<QVariant> &each : std::as_const(notified)) {
            if (each.at(0).toString() == title)
                return each.at(1).toString();
        }
        return QString();
    };
    const auto all = [&notified] {
        QStringList titles;
        for (const QList<QVariant> &each : std::as_const(notified))
            titles << each.at(0).toString() + u": " + each.at(1).toString();
        return titles.join(u"; ");
    };
    actions.value(u"Workspaces/fwd — Running/Stop"_qs)->trigger();
    QTRY_VERIFY2_WITH_TIMEOUT(!message(u"fwd is stopped"_qs).isEmpty(), qPrintable(all()), 30'000);
    QVERIFY(message(u"fwd is stopped"_qs).contains(u"stop"));
    // And a start again, for the clean-up to find it running or stopped alike.
    m_app->sessions().current()->startWorkspace(QUuid::fromString(m_workspaceId));
    QTRY_VERIFY2_WITH_TIMEOUT(!message(u"fwd is running"_qs).isEmpty(), qPrintable(all()), 60'000);
}

void TestForwards::survivesALoginAgain()
{
    // A new login to the same deployment (the old token revoked after it): the forwards go on
    // with the new token.
    // The workspace was started again by the test before: its new agent, once ready, is the one
    // the forward uses now.
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    QTRY_COMPARE_WITH_TIMEOUT(table->index(0, WorkspaceTableModel::Agent).data().toString(),
                              u"Connected · Ready"_qs, 60'000);
    const ForwardManager::Forward forward = m_app->forwards().forwards().first();
    const QUuid agentNow = table->workspaceAt(0).latestBuild.resources.at(1).agents.at(0).id;
    QTRY_COMPARE(m_app->forwards().find(forward.id)->agentId, agentNow);
    const quint16 port = forward.state.boundPort;
    QVERIFY(echoes(port, "before"));
    const QByteArray old = m_owner;
    m_owner = m_coderd.api().login(u"admin@example.com"_qs, u"correct-horse-battery"_qs);
    QVERIFY(!m_owner.isEmpty());
    QVERIFY(logInWithToken(*m_app, m_coderd.url(), m_owner));
    QTRY_VERIFY(m_app->sessions().current()->user().has_value());
    QCOMPARE(
        m_coderd.api()
            .del(u"/api/v2/users/me/keys/"_qs + QString::fromUtf8(old.split('-').first()), m_owner)
            .status,
        204);
    QTest::qWait(1500); // the old token's tunnel, if any were left, has ended by now
    QVERIFY(echoes(port, "after"));
}

void TestForwards::fiftyForwardsAtOnce()
{
    // 50 more forwards (to the two services in turn) listen at once; turning one off and on
    // leaves the others' open connections and new ones alone.
    QList<int> ids;
    for (int i = 0; i < 50; ++i) {
        const int id = addForward(i % 2 ? m_second.serverPort() : m_echo.serverPort());
        QVERIFY2(id > 0, qPrintable(u"forward %1"_qs.arg(i)));
        ids.append(id);
    }
    QCOMPARE(m_app->forwardTable().rowCount(), 51);
    for (int id : std::as_const(ids))
        QVERIFY(m_app->forwards().find(id)->running);
    // A connection held open on each of ten forwards, while the first of the 50 goes off and on.
    QList<QTcpSocket *> held;
    QList<QByteArray> got(10);
    for (int i = 0; i < 10; ++i) {
        auto *socket = new QTcpSocket(this);
        connect(socket, &QTcpSocket::readyRead, [socket, &got, i] { got[i] += socket->readAll(); });
        socket->connectToHost(QHostAddress::LocalHost,
                              m_app->forwards().find(ids.at(10 + i))->state.boundPort);
        socket->write("hello");
        held.append(socket);
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(got.cbegin(), got.cend(),
                                         [](const QByteArray &bytes) { return bytes == "hello"; }),
                             15'000);
    m_app->forwards().setEnabled(ids.first(), false);
    m_app->forwards().setEnabled(ids.first(), true);
    for (int i = 0; i < 10; ++i)
        held.at(i)->write("again");
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(got.cbegin(), got.cend(),
                    [](const QByteArray &bytes) { return bytes == "helloagain"; }),
        15'000);
    for (QTcpSocket *socket : std::as_const(held)) {
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
        socket->disconnect(); // its handler refers to this function's locals
        socket->abort();
        delete socket;
    }
    // Every one of the 50 carries bytes.
    for (int id : std::as_const(ids))
        QVERIFY2(echoes(m_app->forwards().find(id)->state.boundPort, "each"),
                 qPrintable(QString::number(id)));
    for (int id : std::as_const(ids))
        m_app->forwards().remove(id);
    QCOMPARE(m_app->forwardTable().rowCount(), 1);
}

QTEST_MAIN(TestForwards)
#include "test_forwards.moc"
