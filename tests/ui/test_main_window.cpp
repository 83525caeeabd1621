// The desktop app's window against real coderd processes (offscreen): logging in with a password
// through the dialog, creating the owner of a deployment that has none, switching deployments,
// logging out and in with a pasted token, a refused password, starting and stopping a workspace
// from the toolbar with the table following pushed changes, the last deployment restored at the
// next start, and an ended session asking to log in again over the same view. Tokens go to the
// secret store's 0600 files (the file backend: no keychain in this test), never the settings.
#include "desktop_test_support.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/dashboard_page.h"
#include "ui/deployment_list.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/login_dialog.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/welcome_page.h"
#include "ui/workspace_table_model.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::test;
using namespace coder::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void passwordLogin();
    void ownerOfAnEmptyDeploymentThenSwitch();
    void refusedPasswordStaysInTheDialog();
    void logOutThenTokenLogin();
    void startAndStopFromTheToolbar();
    void restoredAtTheNextStart();
    void endedSessionAsksToLogInAgain();

private:
    std::unique_ptr<DesktopApp> makeApp();
    LoginDialog *openLogin();
    // Fills the dialog and presses its button; the tab: 0 password, 1 token.
    static void submit(LoginDialog *dialog, const QUrl &url, int method, const QString &first,
                       const QString &second = {});
    bool onDashboard() const;
    QString currentHost() const;
    int rowNamed(const QString &name) const;

    CoderdFixture m_a;
    CoderdFixture m_b; // starts without users
    QByteArray m_ownerA;
    QString m_templateA;
    QTemporaryDir m_home;
    std::unique_ptr<DesktopApp> m_app;
};

std::unique_ptr<DesktopApp> TestMainWindow::makeApp()
{
    return makeDesktopApp(m_home.path());
}

void TestMainWindow::initTestCase()
{
    QVERIFY(m_home.isValid());
    CODER_START_CODERD(m_a,
                       {QStringLiteral("--tunnel-access-check-interval"), QStringLiteral("0.5")});
    CODER_START_CODERD(m_b);
    m_ownerA = m_a.api().setupOwner();
    QVERIFY(!m_ownerA.isEmpty());
    m_templateA = pushTemplate(m_a.api(), m_ownerA, QStringLiteral("local"), exampleTemplateDir())
                      .value(u"id")
                      .toString();
    QVERIFY(!m_templateA.isEmpty());
    m_app = makeApp();
    m_app->start();
    QVERIFY(QTest::qWaitForWindowExposed(&m_app->window()));
    // Offscreen has no system tray: the app says what that means and keeps its window.
    QVERIFY2(m_app->window().statusBar()->currentMessage().contains(u"No system tray"),
             qPrintable(m_app->window().statusBar()->currentMessage()));
}

void TestMainWindow::cleanupTestCase()
{
    m_app.reset();
    deleteEveryWorkspace(m_a.api(), m_ownerA);
}

LoginDialog *TestMainWindow::openLogin()
{
    m_app->window().welcome()->connectButton()->click();
    // open() shows the dialog at once.
    LoginDialog *dialog = m_app->window().findChild<LoginDialog *>();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

void TestMainWindow::submit(LoginDialog *dialog, const QUrl &url, int method, const QString &first,
                            const QString &second)
{
    dialog->findChild<QLineEdit *>(QStringLiteral("url"))->setText(url.toString());
    dialog->findChild<QTabWidget *>()->setCurrentIndex(method);
    if (method == 0) {
        dialog->findChild<QLineEdit *>(QStringLiteral("email"))->setText(first);
        dialog->findChild<QLineEdit *>(QStringLiteral("password"))->setText(second);
    } else {
        dialog->findChild<QLineEdit *>(QStringLiteral("token"))->setText(first);
    }
    dialog->findChild<QPushButton *>(QStringLiteral("logIn"))->click();
}

bool TestMainWindow::onDashboard() const
{
    return m_app->window().centralWidget()->property("currentIndex").isValid() &&
           qobject_cast<QStackedWidget *>(m_app->window().centralWidget())->currentWidget() ==
               m_app->window().dashboard();
}

QString TestMainWindow::currentHost() const
{
    DeploymentSession *session = m_app->sessions().current();
    return session ? session->deployment().url.toString() : QString();
}

int TestMainWindow::rowNamed(const QString &name) const
{
    DeploymentSession *session = m_app->sessions().current();
    if (!session)
        return -1;
    for (int row = 0; row < session->workspaces()->rowCount(); ++row) {
        if (session->workspaces()->workspaceAt(row).name == name)
            return row;
    }
    return -1;
}

void TestMainWindow::passwordLogin()
{
    QVERIFY(!onDashboard());
    LoginDialog *dialog = openLogin();
    QVERIFY(dialog);
    submit(dialog, m_a.url(), 0, u"admin@example.com"_qs, u"correct-horse-battery"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(onDashboard(), 10'000);
    QCOMPARE(currentHost(), m_a.url().toString());
    QTRY_COMPARE_WITH_TIMEOUT(m_app->window().feedStatus()->text(), u"Live"_qs, 10'000);
    QTRY_VERIFY(m_app->sessions().current()->user().has_value());
    QCOMPARE(m_app->sessions().current()->user()->username, u"admin"_qs);
    // The token is in a 0600 file of the secret store, not in the settings.
    const Deployment deployment = m_app->sessions().current()->deployment();
    const QString tokenFile = m_home.filePath(u"data/secrets/"_qs + deployment.tokenKey());
    QTRY_VERIFY(QFile::exists(tokenFile));
    QCOMPARE(QFile(tokenFile).permissions() &
                 ~(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser),
             QFile::Permissions());
    QFile token(tokenFile);
    QVERIFY(token.open(QIODevice::ReadOnly));
    const QByteArray secret = token.readAll();
    QFile settings(m_home.filePath(u"desktop.conf"_qs));
    QVERIFY(settings.open(QIODevice::ReadOnly));
    QVERIFY(!settings.readAll().contains(secret.split('-').last()));
}

void TestMainWindow::ownerOfAnEmptyDeploymentThenSwitch()
{
    m_app->window().findChild<QAction *>(QStringLiteral("addDeployment"))->trigger();
    LoginDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_app->window().findChild<LoginDialog *>()) && dialog->isVisible());
    submit(dialog, m_b.url(), 0, u"ignored@example.com"_qs, u"x"_qs);
    // B has no users: the dialog asks for its owner instead.
    QLineEdit *username = dialog->findChild<QLineEdit *>(QStringLiteral("ownerUsername"));
    QTRY_VERIFY_WITH_TIMEOUT(username->isVisible(), 10'000);
    username->setText(u"bowner"_qs);
    dialog->findChild<QLineEdit *>(QStringLiteral("ownerEmail"))->setText(u"b@example.com"_qs);
    dialog->findChild<QLineEdit *>(QStringLiteral("ownerPassword"))
        ->setText(u"another-good-password"_qs);
    dialog->findChild<QPushButton *>(QStringLiteral("logIn"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(currentHost(), m_b.url().toString(), 10'000);
    QTRY_VERIFY(m_app->sessions().current()->user().has_value());
    QCOMPARE(m_app->sessions().current()->user()->username, u"bowner"_qs);
    QCOMPARE(m_b.api().login(u"b@example.com"_qs, u"another-good-password"_qs).isEmpty(), false);

    // Both deployments are in the switcher; choosing A opens it with its stored token.
    QComboBox *switcher = m_app->window().deploymentSwitcher();
    QCOMPARE(switcher->count(), 3); // A, B, "Add deployment…"
    const int a = switcher->findData(Deployment::idOf(m_a.url()));
    QVERIFY(a >= 0);
    switcher->setCurrentIndex(a);
    Q_EMIT switcher->activated(a);
    QTRY_COMPARE_WITH_TIMEOUT(currentHost(), m_a.url().toString(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->window().feedStatus()->text(), u"Live"_qs, 10'000);
    QVERIFY(onDashboard());
    QVERIFY(m_app->window().findChild<LoginDialog *>() == nullptr ||
            !m_app->window().findChild<LoginDialog *>()->isVisible());
}

void TestMainWindow::refusedPasswordStaysInTheDialog()
{
    m_app->window().findChild<QAction *>(QStringLiteral("addDeployment"))->trigger();
    LoginDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_app->window().findChild<LoginDialog *>()) && dialog->isVisible());
    submit(dialog, m_a.url(), 0, u"admin@example.com"_qs, u"wrong-password"_qs);
    QLabel *error = dialog->findChild<QLabel *>(QStringLiteral("error"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 10'000);
    QVERIFY2(error->text().contains(u"not accepted"), qPrintable(error->text()));
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("email"))->text(),
             u"admin@example.com"_qs);
    // A URL that is no URL is refused before anything is sent.
    dialog->findChild<QLineEdit *>(QStringLiteral("url"))->setText(u"ftp://x"_qs);
    dialog->findChild<QPushButton *>(QStringLiteral("logIn"))->click();
    QVERIFY2(error->text().contains(u"scheme"), qPrintable(error->text()));
    dialog->reject();
    QCOMPARE(m_app->sessions().deployments().all().size(), 2);
    QCOMPARE(currentHost(), m_a.url().toString());
}

void TestMainWindow::logOutThenTokenLogin()
{
    m_app->window().findChild<QAction *>(QStringLiteral("logOut"))->trigger();
    QTRY_VERIFY(!onDashboard());
    QCOMPARE(m_app->sessions().current(), nullptr);
    QVERIFY(m_app->window()
                .findChild<QLabel *>(QStringLiteral("welcomeMessage"))
                ->text()
                .contains(u"Logged out"));
    // The token of A is gone from the store; a pasted one logs in.
    LoginDialog *dialog = m_app->window().findChild<LoginDialog *>();
    QTRY_VERIFY(dialog && dialog->isVisible());
    submit(dialog, m_a.url(), 1, QString::fromUtf8(m_ownerA));
    QTRY_COMPARE_WITH_TIMEOUT(currentHost(), m_a.url().toString(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(onDashboard(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->window().feedStatus()->text(), u"Live"_qs, 10'000);
}

void TestMainWindow::startAndStopFromTheToolbar()
{
    DeploymentSession *session = m_app->sessions().current();
    QVERIFY(session);
    QAbstractItemModelTester tester(session->workspaces(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(session->workspaces(), &QAbstractItemModel::modelReset);
    const QJsonObject created =
        createWorkspace(m_a.api(), m_ownerA, u"me"_qs, m_templateA, u"desk"_qs);
    QVERIFY(!created.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(rowNamed(u"desk"_qs) >= 0, 10'000);
    const auto status = [this, session] {
        const int row = rowNamed(u"desk"_qs);
        return row < 0 ? QString() : session->workspaces()->workspaceAt(row).latestBuild.status;
    };
    QTRY_COMPARE_WITH_TIMEOUT(status(), u"running"_qs, 60'000);

    // Select its row in the view (sorted by a proxy): the actions follow its status.
    QTableView *table = m_app->window().dashboard()->table();
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        if (table->model()->index(row, WorkspaceTableModel::Name).data().toString() == u"desk")
            table->selectRow(row);
    }
    QCOMPARE(m_app->window().dashboard()->selectedWorkspace().toString(QUuid::WithoutBraces),
             created.value(u"id").toString());
    QVERIFY(m_app->window().stopAction()->isEnabled());
    QVERIFY(!m_app->window().startAction()->isEnabled());
    m_app->window().stopAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(status(), u"stopped"_qs, 30'000);
    QTRY_VERIFY(m_app->window().startAction()->isEnabled());
    QCOMPARE(m_app->window().dashboard()->selectedWorkspace().toString(QUuid::WithoutBraces),
             created.value(u"id").toString()); // the selection stayed through the changes
    m_app->window().startAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(status(), u"running"_qs, 60'000);
    QCOMPARE(resets.count(), 0);
}

void TestMainWindow::restoredAtTheNextStart()
{
    m_app.reset();
    m_app = makeApp();
    m_app->start();
    QTRY_COMPARE_WITH_TIMEOUT(currentHost(), m_a.url().toString(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(rowNamed(u"desk"_qs) >= 0, 10'000);
    QVERIFY(onDashboard());
    QCOMPARE(m_app->sessions().deployments().all().size(), 2);
}

void TestMainWindow::endedSessionAsksToLogInAgain()
{
    // The session's key deleted on the server: the feed's next check ends it, and the window
    // asks to log in again to the same deployment, over the same view.
    const QString token = m_app->sessions().current()->api().sessionToken();
    const QString keyId = token.section(u'-', 0, 0);
    QCOMPARE(m_a.api().del(u"/api/v2/users/me/keys/"_qs + keyId, m_ownerA).status, 204);
    LoginDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (dialog = m_app->window().findChild<LoginDialog *>()) && dialog->isVisible(), 15'000);
    QVERIFY(dialog->findChild<QLineEdit *>(QStringLiteral("url"))->isReadOnly());
    QVERIFY(onDashboard());
    QVERIFY(rowNamed(u"desk"_qs) >= 0); // the rows stay while logged out
    m_ownerA = m_a.api().login(u"admin@example.com"_qs, u"correct-horse-battery"_qs);
    submit(dialog, m_a.url(), 0, u"admin@example.com"_qs, u"correct-horse-battery"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->window().feedStatus()->text(), u"Live"_qs, 10'000);
    QVERIFY(onDashboard());
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
