// The workspace view of the desktop app against a real coderd (offscreen): opened from the
// dashboard (Enter on a row), it shows the workspace's resources and agent with its lifecycle
// and the template's metadata, the ports listening in it, and the build log with its stages;
// a stop build started meanwhile is followed live (its log, its stage) without reopening.
#include "desktop_test_support.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/dashboard_page.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/workspace_page.h"
#include "ui/workspace_table_model.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace coder::test;
using namespace coder::ui;

class TestWorkspacePage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void showsTheWorkspaceAndFollowsItsBuilds();

private:
    static QString treeText(QTreeWidget *tree);

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QString m_workspaceId;
    QTemporaryDir m_home;
    std::unique_ptr<DesktopApp> m_app;
};

void TestWorkspacePage::initTestCase()
{
    QVERIFY(m_home.isValid());
    CODER_START_CODERD(m_coderd);
    m_owner = m_coderd.api().setupOwner();
    const QString templateId =
        pushTemplate(m_coderd.api(), m_owner, QStringLiteral("local"), exampleTemplateDir())
            .value(u"id")
            .toString();
    m_workspaceId = createWorkspace(m_coderd.api(), m_owner, u"me"_qs, templateId, u"viewed"_qs)
                        .value(u"id")
                        .toString();
    QVERIFY(!m_workspaceId.isEmpty());
    m_app = makeDesktopApp(m_home.path());
    m_app->start();
    QVERIFY(logInWithToken(*m_app, m_coderd.url(), m_owner));
}

void TestWorkspacePage::cleanupTestCase()
{
    m_app.reset();
    deleteEveryWorkspace(m_coderd.api(), m_owner);
}

QString TestWorkspacePage::treeText(QTreeWidget *tree)
{
    QStringList lines;
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        lines << (*it)->text(0) + u'=' + (*it)->text(1);
    return lines.join(u'\n');
}

void TestWorkspacePage::showsTheWorkspaceAndFollowsItsBuilds()
{
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() == 1 &&
                                 table->index(0, WorkspaceTableModel::Agent).data().toString() ==
                                     u"Connected · Ready",
                             60'000);
    // A service listening in the workspace (the agent shares this machine's loopback).
    QTcpServer service;
    QVERIFY(service.listen(QHostAddress::LocalHost));

    QTableView *view = m_app->window().dashboard()->table();
    view->setFocus();
    view->selectRow(0);
    Q_EMIT view->activated(view->model()->index(0, 0));
    WorkspacePage *page = m_app->window().workspacePage();
    QVERIFY(page->isVisible());
    QCOMPARE(page->findChild<QLabel *>(QStringLiteral("workspaceTitle"))->text(),
             u"admin/viewed"_qs);
    QCOMPARE(page->findChild<QLabel *>(QStringLiteral("workspaceStatus"))->text(), u"Running"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(treeText(page->resources()).contains(u"Agent main=Connected · Ready"),
                             10'000);
    QTRY_VERIFY_WITH_TIMEOUT(treeText(page->resources()).contains(u"Load average="), 30'000);
    QVERIFY(treeText(page->resources()).contains(u"App Web server=http://localhost:8000"));
    QTRY_VERIFY2_WITH_TIMEOUT(
        treeText(page->resources()).contains(u"Port %1="_qs.arg(service.serverPort())),
        qPrintable(treeText(page->resources())), 30'000);
    // The finished start build's log, with its stages.
    QTRY_VERIFY_WITH_TIMEOUT(page->buildLog()->toPlainText().contains(u"Elapsed"), 10'000);
    QVERIFY(page->buildLog()->toPlainText().contains(u"==>"));
    QCOMPARE(page->stage(), u"Done"_qs);

    // A stop build, started elsewhere: the page follows it.
    QCOMPARE(m_coderd.api()
                 .post(u"/api/v2/workspaces/"_qs + m_workspaceId + u"/builds"_qs,
                       {{u"transition"_qs, u"stop"_qs}}, m_owner)
                 .status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(page->buildLog()->toPlainText().startsWith(u"Build #2: stop"), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(page->findChild<QLabel *>(QStringLiteral("workspaceStatus"))->text(),
                              u"Stopped"_qs, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(page->stage(), u"Done"_qs, 10'000);
    QVERIFY(page->buildLog()->toPlainText().contains(u"Elapsed"));
}

QTEST_MAIN(TestWorkspacePage)
#include "test_workspace_page.moc"
