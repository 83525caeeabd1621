// The autostop/autostart scheduler inside a real `coder server`, as --autobuild-poll-interval
// paces it: a running workspace whose deadline has passed is stopped within a tick or two of a
// short interval, and not before the next tick of the default (60 s) one. The deadline is moved
// into the past in the database itself (the API refuses a deadline less than a minute away, and
// a test does not wait a minute).
#include "tests/support/api_test_client.h"
#include "tests/support/coderd_process.h"
#include "tests/support/provisioning_helpers.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace coder::test;
using namespace Qt::StringLiterals;

class TestAutobuild : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shortPollIntervalStopsOnTime();
    void defaultPollIntervalWaits();

private:
    // Sets up the owner (its token into `token`) and a running workspace of theirs (ttl one
    // hour); returns its latest build's id.
    QString runningWorkspace(ApiTestClient &api, QByteArray &token);
    // Sets the build's deadline a second into the past, straight in coderd's SQLite file.
    static bool expireDeadline(const CoderdProcess &coderd, const QString &buildId);
    static QJsonArray builds(ApiTestClient &api, const QByteArray &token, const QString &wsId);

    QString m_workspaceId;
};

QString TestAutobuild::runningWorkspace(ApiTestClient &api, QByteArray &token)
{
    token = api.setupOwner();
    if (token.isEmpty())
        return {};
    const QJsonObject tmpl = pushTemplate(api, token, u"auto"_s, exampleTemplateDir());
    const ApiReply created = api.post(
        u"/api/v2/users/me/workspaces"_s,
        {{u"template_id"_s, tmpl.value(u"id")}, {u"name"_s, u"timed"_s}, {u"ttl_ms"_s, 3600'000}},
        token);
    if (created.status != 201) {
        qWarning("create: %d %s", created.status, created.body.constData());
        return {};
    }
    m_workspaceId = created.json().value(u"id").toString();
    const QString buildId = created.json()[u"latest_build"][u"id"].toString();
    const QJsonObject done = waitForBuild(api, token, buildId);
    if (done.value(u"status").toString() != u"running" || done.value(u"deadline").isNull()) {
        qWarning("the first build: %s", QJsonDocument(done).toJson().constData());
        return {};
    }
    return buildId;
}

bool TestAutobuild::expireDeadline(const CoderdProcess &coderd, const QString &buildId)
{
    bool done = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"autobuild"_s);
        db.setDatabaseName(coderd.dataDir() + u"/coder.db"_s);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(u"UPDATE workspace_builds SET deadline = ? WHERE id = ?"_s);
            query.addBindValue(QDateTime::currentMSecsSinceEpoch() - 1000);
            query.addBindValue(buildId);
            done = query.exec() && query.numRowsAffected() == 1;
            if (!done)
                qWarning("cannot move the deadline: %s", qPrintable(query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"autobuild"_s);
    return done;
}

QJsonArray TestAutobuild::builds(ApiTestClient &api, const QByteArray &token, const QString &wsId)
{
    return api.get(u"/api/v2/workspaces/%1/builds"_s.arg(wsId), token).array();
}

void TestAutobuild::shortPollIntervalStopsOnTime()
{
    CoderdProcess coderd;
    QVERIFY(coderd.start({u"--autobuild-poll-interval"_s, u"0.2"_s}));
    ApiTestClient api(coderd.url());
    QByteArray token;
    const QString buildId = runningWorkspace(api, token);
    QVERIFY(!buildId.isEmpty());
    QVERIFY(expireDeadline(coderd, buildId));
    // A tick or two of 0.2 s, plus the stop build itself.
    QTRY_COMPARE_WITH_TIMEOUT(builds(api, token, m_workspaceId).size(), 2, 15'000);
    const QJsonObject stop = builds(api, token, m_workspaceId).first().toObject();
    QCOMPARE(stop.value(u"transition").toString(), u"stop"_s);
    QCOMPARE(stop.value(u"reason").toString(), u"autostop"_s);
    QCOMPARE(waitForBuild(api, token, stop.value(u"id").toString()).value(u"status").toString(),
             u"stopped"_s);
    api.post(u"/api/v2/workspaces/%1/builds"_s.arg(m_workspaceId), {{u"transition"_s, u"delete"_s}},
             token);
}

void TestAutobuild::defaultPollIntervalWaits()
{
    // The same expired deadline under the default interval: the scheduler's first tick came at
    // start, its next is a minute away, so nothing happens for the next seconds.
    CoderdProcess coderd;
    QVERIFY(coderd.start());
    ApiTestClient api(coderd.url());
    QByteArray token;
    const QString buildId = runningWorkspace(api, token);
    QVERIFY(!buildId.isEmpty());
    QVERIFY(expireDeadline(coderd, buildId));
    QTest::qWait(3000); // an absence: nothing to wait for but time
    QCOMPARE(builds(api, token, m_workspaceId).size(), 1);
    api.post(u"/api/v2/workspaces/%1/builds"_s.arg(m_workspaceId), {{u"transition"_s, u"delete"_s}},
             token);
}

QTEST_GUILESS_MAIN(TestAutobuild)
#include "test_autobuild.moc"
