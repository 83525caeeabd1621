// Pictures of the desktop app as a user sees it, written as PNGs into the build dir
// (tests/ui/screenshots/): the welcome screen, the login dialog, the dashboard with workspaces,
// a workspace's view with its build log, and the local server page. Fails when a picture is
// blank (one colour) or the window is smaller than its minimum size.
#include "desktop_test_support.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/login_dialog.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/welcome_page.h"
#include "ui/workspace_page.h"
#include "ui/workspace_table_model.h"

#include <QDir>
#include <QImage>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace coder::test;
using namespace coder::ui;

class TestScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void welcome();
    void loginDialog();
    void dashboardWithWorkspaces();
    void workspaceViewWithItsLog();
    void localServerPage();

private:
    // Saves the widget's picture; fails when it is blank or below its minimum size.
    void shoot(QWidget *widget, const QString &name);

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QTemporaryDir m_home;
    std::unique_ptr<DesktopApp> m_app;
    QString m_dir;
};

void TestScreenshots::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_dir = QDir::current().filePath(QStringLiteral("screenshots"));
    QVERIFY(QDir().mkpath(m_dir));
    CODER_START_CODERD(m_coderd);
    m_owner = m_coderd.api().setupOwner();
    const QString templateId =
        pushTemplate(m_coderd.api(), m_owner, QStringLiteral("local"), exampleTemplateDir())
            .value(u"id")
            .toString();
    QVERIFY(!templateId.isEmpty());
    for (const QString &name : {u"backend"_qs, u"frontend"_qs, u"docs"_qs})
        QVERIFY(!createWorkspace(m_coderd.api(), m_owner, u"me"_qs, templateId, name).isEmpty());
    m_app = makeDesktopApp(m_home.path());
    m_app->window().resize(1000, 560);
    m_app->start();
    QVERIFY(QTest::qWaitForWindowExposed(&m_app->window()));
}

void TestScreenshots::cleanupTestCase()
{
    m_app.reset();
    deleteEveryWorkspace(m_coderd.api(), m_owner);
}

void TestScreenshots::shoot(QWidget *widget, const QString &name)
{
    QCoreApplication::processEvents();
    const QImage picture = widget->grab().toImage();
    const QString path = m_dir + u'/' + name + QStringLiteral(".png");
    QVERIFY2(picture.save(path), qPrintable(path));
    QVERIFY2(widget->width() >= widget->minimumWidth() &&
                 widget->height() >= widget->minimumHeight(),
             qPrintable(name));
    // Blank: every sampled pixel the same colour.
    QSet<QRgb> colours;
    for (int y = 0; y < picture.height(); y += 7)
        for (int x = 0; x < picture.width(); x += 7)
            colours.insert(picture.pixel(x, y));
    QVERIFY2(colours.size() > 3, qPrintable(name + u" is blank"_qs));
}

void TestScreenshots::welcome()
{
    shoot(&m_app->window(), QStringLiteral("welcome"));
}

void TestScreenshots::loginDialog()
{
    m_app->window().welcome()->connectButton()->click();
    auto *dialog = m_app->window().findChild<LoginDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    dialog->setDeployment(m_coderd.url(), false);
    shoot(dialog, QStringLiteral("login"));
    dialog->reject();
    QTest::qWait(50);
}

void TestScreenshots::dashboardWithWorkspaces()
{
    QVERIFY(logInWithToken(*m_app, m_coderd.url(), m_owner));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->sessions().current() &&
                                 m_app->sessions().current()->workspaces()->rowCount() == 3,
                             30'000);
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    QTRY_VERIFY_WITH_TIMEOUT(
        [table] {
            for (int row = 0; row < table->rowCount(); ++row) {
                if (table->index(row, WorkspaceTableModel::Agent).data().toString() !=
                    u"Connected · Ready")
                    return false;
            }
            return true;
        }(),
        60'000);
    shoot(&m_app->window(), QStringLiteral("dashboard"));
}

void TestScreenshots::workspaceViewWithItsLog()
{
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    m_app->window().openWorkspace(table->workspaceAt(0).id);
    WorkspacePage *page = m_app->window().workspacePage();
    QTRY_VERIFY_WITH_TIMEOUT(page->buildLog()->toPlainText().contains(u"Elapsed"), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(page->resources()->topLevelItemCount() > 0, 10'000);
    shoot(&m_app->window(), QStringLiteral("workspace"));
}

void TestScreenshots::localServerPage()
{
    m_app->window().showLocalServerPage();
    shoot(&m_app->window(), QStringLiteral("local-server"));
}

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
