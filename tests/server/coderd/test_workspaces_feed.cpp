// The deployment-wide workspace feed (GET /api/v2/workspaces/watch-ws, our extension) of a real
// coderd: a snapshot of what the user may see, then an update for each change and a delete when
// a workspace goes; nothing of other users' workspaces for a member; refused without a token;
// ended once the user's roles change.
#include "core/workspace_event.h"
#include "provisioning_suite.h"

#include <QtTest>

using namespace coder::test;
using coder::core::WorkspaceEvent;

class TestWorkspacesFeed : public QObject, protected ProvisioningSuite
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void refusedWithoutAToken();
    void snapshotThenUpdatesThenDelete();
    void endsWhenRolesChange();

private:
    static const QString kPath;
    static QList<WorkspaceEvent> events(const WebSocketCollector &feed);
    // The status of the last update of workspace id, or "" when none came.
    static QString lastStatus(const WebSocketCollector &feed, const QString &id);
    static bool mentions(const WebSocketCollector &feed, const QString &id);
};

const QString TestWorkspacesFeed::kPath = QStringLiteral("/api/v2/workspaces/watch-ws");

void TestWorkspacesFeed::initTestCase()
{
    CODER_START_CODERD(m_coderd, serverArguments()
                                     << QStringLiteral("--tunnel-access-check-interval")
                                     << QStringLiteral("0.5"));
    QVERIFY(setUpScenario());
}

void TestWorkspacesFeed::cleanupTestCase()
{
    QVERIFY(tearDownScenario());
}

QList<WorkspaceEvent> TestWorkspacesFeed::events(const WebSocketCollector &feed)
{
    QList<WorkspaceEvent> all;
    for (const QString &message : feed.messages()) {
        auto event = coder::core::json::fromJson<WorkspaceEvent>(message.toUtf8());
        if (!event)
            qFatal("a feed message that is no WorkspaceEvent: %s", qPrintable(event.error()));
        all.append(*event);
    }
    return all;
}

QString TestWorkspacesFeed::lastStatus(const WebSocketCollector &feed, const QString &id)
{
    QString status;
    for (const WorkspaceEvent &event : events(feed)) {
        if (event.type == WorkspaceEvent::kUpdate && event.workspace &&
            event.workspace->id.toString(QUuid::WithoutBraces) == id)
            status = event.workspace->latestBuild.status;
    }
    return status;
}

bool TestWorkspacesFeed::mentions(const WebSocketCollector &feed, const QString &id)
{
    return std::any_of(feed.messages().cbegin(), feed.messages().cend(),
                       [&id](const QString &message) { return message.contains(id); });
}

void TestWorkspacesFeed::refusedWithoutAToken()
{
    WebSocketCollector feed;
    QVERIFY(!feed.open(m_coderd.url(), kPath, QByteArray()));
    QVERIFY2(feed.error().contains(u"401"), qPrintable(feed.error()));
    WebSocketCollector wrong;
    QVERIFY(!wrong.open(m_coderd.url(), kPath, "not-a-token"));
    QVERIFY2(wrong.error().contains(u"401"), qPrintable(wrong.error()));
}

void TestWorkspacesFeed::snapshotThenUpdatesThenDelete()
{
    // Alice already has one workspace: it is in her snapshot, and in the owner's.
    const QString before = idOf(startWorkspace(m_member, u"me"_qs, u"feed-before"_qs));
    QVERIFY(!before.isEmpty());

    WebSocketCollector alice, bob, owner;
    QVERIFY2(alice.open(m_coderd.url(), kPath, m_member), qPrintable(alice.error()));
    QVERIFY2(bob.open(m_coderd.url(), kPath, m_otherMember), qPrintable(bob.error()));
    QVERIFY2(owner.open(m_coderd.url(), kPath, m_owner), qPrintable(owner.error()));
    for (WebSocketCollector *feed : {&alice, &bob, &owner})
        QVERIFY(feed->waitForMessages(1));
    const WorkspaceEvent aliceSnapshot = events(alice).first();
    QCOMPARE(aliceSnapshot.type, WorkspaceEvent::kSnapshot);
    QCOMPARE(aliceSnapshot.workspaces.size(), 1);
    QCOMPARE(aliceSnapshot.workspaces.first().id.toString(QUuid::WithoutBraces), before);
    QCOMPARE(aliceSnapshot.workspaces.first().latestBuild.status, u"running"_qs);
    QCOMPARE(events(bob).first().type, WorkspaceEvent::kSnapshot);
    QVERIFY(events(bob).first().workspaces.isEmpty());
    QVERIFY(mentions(owner, before));

    // A new workspace arrives as updates from its first pending build to running.
    const QJsonObject created =
        createWorkspace(api(), m_member, u"me"_qs, m_templateId, u"feed-new"_qs);
    const QString id = idOf(created);
    QVERIFY(!id.isEmpty());
    track(id);
    QTRY_COMPARE_WITH_TIMEOUT(lastStatus(alice, id), u"running"_qs, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(lastStatus(owner, id), u"running"_qs, 10'000);
    // A setting is a change too.
    QCOMPARE(
        api()
            .put(u"/api/v2/workspaces/"_qs + id + u"/ttl"_qs, {{u"ttl_ms"_qs, 3'600'000}}, m_member)
            .status,
        204);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QList<WorkspaceEvent> all = events(alice);
            return !all.isEmpty() && all.last().workspace && all.last().workspace->ttlMs &&
                   *all.last().workspace->ttlMs == 3'600'000;
        }(),
        10'000);

    // Stopped, then deleted: the last event of the workspace is its delete.
    build(m_member, id, u"stop"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(lastStatus(alice, id), u"stopped"_qs, 10'000);
    build(m_member, id, u"delete"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QList<WorkspaceEvent> all = events(alice);
            return !all.isEmpty() && all.last().type == WorkspaceEvent::kDelete &&
                   all.last().workspaceId.toString(QUuid::WithoutBraces) == id;
        }(),
        10'000);
    QTRY_VERIFY_WITH_TIMEOUT(events(owner).last().type == WorkspaceEvent::kDelete, 10'000);

    // Bob saw none of it; every feed is still open.
    QVERIFY(!mentions(bob, id));
    QVERIFY(!mentions(bob, before));
    QCOMPARE(events(bob).size(), 1);
    for (WebSocketCollector *feed : {&alice, &bob, &owner})
        QVERIFY(!feed->closed());
    // No update repeats one before it: a change as alice sees it is sent once.
    const QStringList messages = alice.messages();
    for (qsizetype i = 1; i < messages.size(); ++i)
        QVERIFY2(messages.at(i) != messages.at(i - 1), qPrintable(messages.at(i)));
}

void TestWorkspacesFeed::endsWhenRolesChange()
{
    WebSocketCollector bob;
    QVERIFY2(bob.open(m_coderd.url(), kPath, m_otherMember), qPrintable(bob.error()));
    QVERIFY(bob.waitForMessages(1));
    const QString bobId =
        api().get(u"/api/v2/users/bob"_qs, m_owner).json().value(u"id").toString();
    const ApiReply promoted = api().put(u"/api/v2/users/"_qs + bobId + u"/roles"_qs,
                                        {{u"roles"_qs, QJsonArray{u"owner"_qs}}}, m_owner);
    QVERIFY2(promoted.status == 200, qPrintable(describe(promoted)));
    QVERIFY(bob.waitForClose(10'000));
    QCOMPARE(bob.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY2(bob.closeReason().contains(u"roles changed"), qPrintable(bob.closeReason()));
    // Opened again, the feed has the new scope: now alice's workspace is in it.
    WebSocketCollector again;
    QVERIFY2(again.open(m_coderd.url(), kPath, m_otherMember), qPrintable(again.error()));
    QVERIFY(again.waitForMessages(1));
    QVERIFY(!events(again).first().workspaces.isEmpty());
    const ApiReply demoted = api().put(u"/api/v2/users/"_qs + bobId + u"/roles"_qs,
                                       {{u"roles"_qs, QJsonArray{}}}, m_owner);
    QVERIFY2(demoted.status == 200, qPrintable(describe(demoted)));
}

QTEST_GUILESS_MAIN(TestWorkspacesFeed)
#include "test_workspaces_feed.moc"
