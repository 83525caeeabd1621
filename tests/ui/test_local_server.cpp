// "Start a local server" in the desktop app (offscreen), with coderd embedded in the test's own
// process: the server starts on SQLite under the app's data dir, the login dialog asks for its
// owner account, the `local` template is pushed, a workspace runs on it and shows on the
// dashboard; its log shows on the page; at the next start of the app the server starts again on
// the same port and the session comes back without a login; a port taken by another program
// and a data dir that cannot be made are clear failures that leave nothing running.
#include "desktop_test_support.h"
#include "tests/support/api_test_client.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/deployment_list.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/embedded_server.h"
#include "ui/local_server.h"
#include "ui/login_dialog.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/welcome_page.h"
#include "ui/workspace_table_model.h"

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::test;
using namespace coder::ui;

class TestLocalServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void firstStartMakesTheOwnerAndTheTemplate();
    void aWorkspaceRunsOnIt();
    void comesBackAtTheNextStart();
    void aTakenPortIsAClearFailure();
    void anUnwritableDataDirIsAClearFailure();

private:
    std::unique_ptr<DesktopApp> makeApp(const QString &home);
    void stopServer();

    QTemporaryDir m_home;
    std::unique_ptr<DesktopApp> m_app;
    QUrl m_url;
    QByteArray m_token;
};

std::unique_ptr<DesktopApp> TestLocalServer::makeApp(const QString &home)
{
    auto app = makeDesktopApp(home);
    app->localServer().setAgentProgram(QFileInfo(qEnvironmentVariable("CODER_BINARY")).path() +
                                       QStringLiteral("/coder-agent"));
    return app;
}

void TestLocalServer::stopServer()
{
    EmbeddedServer &server = m_app->localServer().server();
    if (server.state() == EmbeddedServer::State::Running) {
        m_app->localServer().stop();
        QTRY_COMPARE_WITH_TIMEOUT(server.state(), EmbeddedServer::State::Stopped, 30'000);
    }
}

void TestLocalServer::initTestCase()
{
    QVERIFY(m_home.isValid());
    QVERIFY(QFileInfo(qEnvironmentVariable("CODER_BINARY")).isExecutable());
    m_app = makeApp(m_home.path());
    m_app->start();
}

void TestLocalServer::cleanupTestCase()
{
    if (m_app && m_app->localServer().server().state() == EmbeddedServer::State::Running &&
        !m_token.isEmpty()) {
        ApiTestClient api(m_url);
        deleteEveryWorkspace(api, m_token);
    }
    if (m_app)
        stopServer();
    m_app.reset();
}

void TestLocalServer::firstStartMakesTheOwnerAndTheTemplate()
{
    QSignalSpy templateReady(&m_app->localServer(), &LocalServer::templateReady);
    m_app->window().welcome()->localServerButton()->click();
    EmbeddedServer &server = m_app->localServer().server();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), EmbeddedServer::State::Running, 30'000);
    m_url = server.url();
    QCOMPARE(m_url.host(), u"127.0.0.1"_qs);
    QVERIFY(QFileInfo::exists(m_home.filePath(u"data/server"_qs)));
    QVERIFY(server.database().contains(u"SQLite"_qs, Qt::CaseInsensitive));
    QTRY_VERIFY_WITH_TIMEOUT(server.healthy(), 10'000);
    auto *log = m_app->window().findChild<QPlainTextEdit *>(QStringLiteral("serverLog"));
    QVERIFY(log->toPlainText().contains(u"running at"_qs));

    // Nobody is logged in to it: the dialog for its URL, which asks for the owner account.
    LoginDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (dialog = m_app->window().findChild<LoginDialog *>()) && dialog->isVisible(), 10'000);
    QLineEdit *url = dialog->findChild<QLineEdit *>(QStringLiteral("url"));
    QCOMPARE(url->text(), m_url.toString());
    QVERIFY(url->isReadOnly());
    dialog->findChild<QPushButton *>(QStringLiteral("logIn"))->click();
    QLineEdit *username = dialog->findChild<QLineEdit *>(QStringLiteral("ownerUsername"));
    QTRY_VERIFY_WITH_TIMEOUT(username->isVisible(), 10'000);
    username->setText(u"localowner"_qs);
    dialog->findChild<QLineEdit *>(QStringLiteral("ownerEmail"))->setText(u"me@example.com"_qs);
    dialog->findChild<QLineEdit *>(QStringLiteral("ownerPassword"))
        ->setText(u"a-local-password-1"_qs);
    dialog->findChild<QPushButton *>(QStringLiteral("logIn"))->click();

    // The dialog closes (and is deleted) once logged in; until then its error says why not.
    const QPointer<LoginDialog> open = dialog;
    const auto why = [&open] {
        return open ? open->findChild<QLabel *>(QStringLiteral("error"))->text() : QString();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(m_app->sessions().current() &&
                                  m_app->sessions().current()->deployment().url == m_url,
                              qPrintable(why()), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(templateReady.count(), 1, 60'000);
    const Deployment *deployment = m_app->sessions().deployments().find(Deployment::idOf(m_url));
    QVERIFY(deployment);
    QTRY_VERIFY(m_app->sessions().deployments().find(Deployment::idOf(m_url))->embedded);
    m_token = ApiTestClient(m_url).login(u"me@example.com"_qs, u"a-local-password-1"_qs);
    QVERIFY(!m_token.isEmpty());
    const QJsonObject local = ApiTestClient(m_url)
                                  .get(u"/api/v2/organizations/default/templates/local"_qs, m_token)
                                  .json();
    QCOMPARE(local.value(u"name").toString(), u"local"_qs);
}

void TestLocalServer::aWorkspaceRunsOnIt()
{
    ApiTestClient api(m_url);
    const QString templateId = api.get(u"/api/v2/organizations/default/templates/local"_qs, m_token)
                                   .json()
                                   .value(u"id")
                                   .toString();
    const QJsonObject created = createWorkspace(api, m_token, u"me"_qs, templateId, u"here"_qs);
    QVERIFY(!created.isEmpty());
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    QTRY_VERIFY_WITH_TIMEOUT(
        table->rowCount() == 1 && table->workspaceAt(0).latestBuild.status == u"running", 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(table->index(0, WorkspaceTableModel::Agent).data().toString(),
                              u"Connected · Ready"_qs, 60'000);
}

void TestLocalServer::comesBackAtTheNextStart()
{
    const quint16 port = m_url.port();
    // Stopped first (never the blocking stop of a destructor), then a new app over the same
    // home: the server starts again on the same port and the session comes back.
    stopServer();
    m_app.reset();
    m_app = makeApp(m_home.path());
    m_app->start();
    EmbeddedServer &server = m_app->localServer().server();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), EmbeddedServer::State::Running, 30'000);
    QCOMPARE(server.url().port(), port);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->sessions().current() &&
                                 m_app->sessions().current()->deployment().url == m_url,
                             10'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->sessions().current()->workspaces()->rowCount(), 1, 10'000);
    QVERIFY(!m_app->window().findChild<LoginDialog *>() ||
            !m_app->window().findChild<LoginDialog *>()->isVisible());
}

void TestLocalServer::aTakenPortIsAClearFailure()
{
    stopServer();
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, quint16(m_url.port())));
    m_app->localServer().start();
    EmbeddedServer &server = m_app->localServer().server();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), EmbeddedServer::State::Failed, 30'000);
    QVERIFY2(server.failure().contains(u"Another program uses"_qs), qPrintable(server.failure()));
    auto *failure = m_app->window().findChild<QLabel *>(QStringLiteral("serverFailure"));
    QCOMPARE(failure->text(), server.failure());
    QVERIFY(server.url().isEmpty());
    squatter.close();
    // Once the port is free, Start works again.
    m_app->window().findChild<QPushButton *>(QStringLiteral("startServer"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), EmbeddedServer::State::Running, 30'000);
}

void TestLocalServer::anUnwritableDataDirIsAClearFailure()
{
    QTemporaryDir other;
    QVERIFY(other.isValid());
    // The data dir's parent is a file: nothing can be made there.
    QFile blocker(other.filePath(u"data"_qs));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    std::unique_ptr<DesktopApp> app = makeApp(other.path());
    app->localServer().start();
    EmbeddedServer &server = app->localServer().server();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), EmbeddedServer::State::Failed, 30'000);
    QVERIFY2(server.failure().contains(u"can be created"_qs), qPrintable(server.failure()));
}

QTEST_MAIN(TestLocalServer)
#include "test_local_server.moc"
