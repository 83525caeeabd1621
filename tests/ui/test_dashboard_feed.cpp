// The dashboard's data path against a real coderd: core's WorkspaceFeed fills a
// WorkspaceTableModel, and workspaces created, stopped and deleted through the API show up as
// row inserts, changes and removals (never a reset, QAbstractItemModelTester watching); a feed
// opened again diffs its snapshot; a revoked token leaves the feed Unauthorized, an unreachable
// server Waiting to retry.
#include "core/api_client.h"
#include "core/workspace_feed.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/workspace_table_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

using namespace coder::test;
using coder::core::ApiClient;
using coder::core::WorkspaceFeed;
using coder::ui::WorkspaceTableModel;

class TestDashboardFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rowsFollowTheWorkspaces();
    void revokedTokenStopsTheFeed();
    void unreachableServerIsRetried();

private:
    QString statusText(const WorkspaceTableModel &model, const QString &name) const;

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QString m_templateId;
    QStringList m_workspaces;
};

void TestDashboardFeed::initTestCase()
{
    CODER_START_CODERD(m_coderd,
                       {QStringLiteral("--tunnel-access-check-interval"), QStringLiteral("0.5")});
    m_owner = m_coderd.api().setupOwner();
    QVERIFY(!m_owner.isEmpty());
    const QJsonObject pushed =
        pushTemplate(m_coderd.api(), m_owner, QStringLiteral("local"), exampleTemplateDir());
    m_templateId = pushed.value(u"id").toString();
    QVERIFY(!m_templateId.isEmpty());
}

void TestDashboardFeed::cleanupTestCase()
{
    for (const QString &id : std::as_const(m_workspaces)) {
        const ApiReply deleted = m_coderd.api().post(u"/api/v2/workspaces/"_qs + id + u"/builds"_qs,
                                                     {{u"transition"_qs, u"delete"_qs}}, m_owner);
        if (deleted.status == 201)
            waitForBuild(m_coderd.api(), m_owner, deleted.json().value(u"id").toString());
    }
}

QString TestDashboardFeed::statusText(const WorkspaceTableModel &model, const QString &name) const
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.workspaceAt(row).name == name)
            return model.index(row, WorkspaceTableModel::Status).data().toString() + u'/' +
                   model.index(row, WorkspaceTableModel::Agent).data().toString();
    }
    return {};
}

void TestDashboardFeed::rowsFollowTheWorkspaces()
{
    ApiClient client(m_coderd.url());
    client.setSessionToken(QString::fromUtf8(m_owner));
    WorkspaceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    WorkspaceFeed feed(client);
    connect(&feed, &WorkspaceFeed::snapshot, &model, &WorkspaceTableModel::applySnapshot);
    connect(&feed, &WorkspaceFeed::updated, &model, &WorkspaceTableModel::applyUpdate);
    connect(&feed, &WorkspaceFeed::removed, &model, &WorkspaceTableModel::applyRemoval);
    QSignalSpy snapshots(&feed, &WorkspaceFeed::snapshot);
    feed.start();
    QTRY_COMPARE_WITH_TIMEOUT(feed.state(), WorkspaceFeed::State::Live, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(snapshots.count(), 1, 10'000);
    QCOMPARE(model.rowCount(), 0);

    // Created through the API: the row comes, then its status follows the build and the agent.
    const QJsonObject first =
        createWorkspace(m_coderd.api(), m_owner, u"me"_qs, m_templateId, u"one"_qs);
    const QJsonObject second =
        createWorkspace(m_coderd.api(), m_owner, u"me"_qs, m_templateId, u"two"_qs);
    for (const QJsonObject &created : {first, second})
        m_workspaces.append(created.value(u"id").toString());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(statusText(model, u"one"_qs), u"Running/Connected · Ready"_qs,
                              60'000);
    QTRY_COMPARE_WITH_TIMEOUT(statusText(model, u"two"_qs), u"Running/Connected · Ready"_qs,
                              60'000);
    QCOMPARE(inserted.count(), 2);

    // Stopped: the same row changes.
    const ApiReply stop =
        m_coderd.api().post(u"/api/v2/workspaces/"_qs + m_workspaces.at(1) + u"/builds"_qs,
                            {{u"transition"_qs, u"stop"_qs}}, m_owner);
    QCOMPARE(stop.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(statusText(model, u"two"_qs), u"Stopped/—"_qs, 30'000);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.count(), 2);

    // The feed closed, a workspace deleted meanwhile, the feed opened again: its snapshot
    // removes that row and keeps the other.
    feed.stop();
    QCOMPARE(feed.state(), WorkspaceFeed::State::Stopped);
    const ApiReply deleted =
        m_coderd.api().post(u"/api/v2/workspaces/"_qs + m_workspaces.at(1) + u"/builds"_qs,
                            {{u"transition"_qs, u"delete"_qs}}, m_owner);
    QCOMPARE(deleted.status, 201);
    waitForBuild(m_coderd.api(), m_owner, deleted.json().value(u"id").toString());
    QCOMPARE(model.rowCount(), 2); // nothing arrives while stopped
    feed.start();
    QTRY_COMPARE_WITH_TIMEOUT(snapshots.count(), 2, 10'000);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.workspaceAt(0).name, u"one"_qs);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(resets.count(), 0);
}

void TestDashboardFeed::revokedTokenStopsTheFeed()
{
    const ApiReply made = m_coderd.api().post(u"/api/v2/users/me/keys/tokens"_qs,
                                              {{u"token_name"_qs, u"feed"_qs}}, m_owner);
    QVERIFY2(made.status == 201, made.body.constData());
    const QString token = made.json().value(u"key").toString();
    ApiClient client(m_coderd.url());
    client.setSessionToken(token);
    WorkspaceFeed feed(client);
    feed.start();
    QTRY_COMPARE_WITH_TIMEOUT(feed.state(), WorkspaceFeed::State::Live, 10'000);
    const QString keyId = token.section(u'-', 0, 0);
    QCOMPARE(m_coderd.api().del(u"/api/v2/users/me/keys/"_qs + keyId, m_owner).status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(feed.state(), WorkspaceFeed::State::Unauthorized, 10'000);
    QVERIFY2(!feed.problem().isEmpty(), "the user is told why");
    QTest::qWait(1500); // and no retry follows
    QCOMPARE(feed.state(), WorkspaceFeed::State::Unauthorized);
}

void TestDashboardFeed::unreachableServerIsRetried()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close(); // nobody listens there now
    ApiClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    client.setSessionToken(QString::fromUtf8(m_owner));
    WorkspaceFeed feed(client);
    QSignalSpy states(&feed, &WorkspaceFeed::stateChanged);
    feed.start();
    QTRY_COMPARE_WITH_TIMEOUT(feed.state(), WorkspaceFeed::State::Waiting, 10'000);
    QVERIFY2(feed.problem().contains(u"127.0.0.1"), qPrintable(feed.problem()));
    QVERIFY(states.last().at(2).toInt() > 0); // when the next try is
    // Tries again on its own (Connecting once more), and waits longer each time.
    QTRY_VERIFY_WITH_TIMEOUT(states.count() >= 4, 10'000);
    feed.stop();
    QCOMPARE(feed.state(), WorkspaceFeed::State::Stopped);
}

QTEST_MAIN(TestDashboardFeed)
#include "test_dashboard_feed.moc"
