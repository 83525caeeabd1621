// Stored rows as the API's types (server/coderd/api_objects.h), written in the one wire format:
// times in RFC 3339 UTC with milliseconds (Go's zero time when there is none), no secret ever,
// and the statuses Coder derives.
#include "server/coderd/api_objects.h"

#include <QtTest>

using namespace coder;
using namespace coder::server;

class TestApiObjects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc3339MatchesQt_data();
    void rfc3339MatchesQt();
    void invalidTimeIsGoZeroTime();
    void userHasNoSecrets();
    void agentStatusAndHealth();
};

void TestApiObjects::rfc3339MatchesQt_data()
{
    QTest::addColumn<qint64>("millis");
    QTest::newRow("epoch") << qint64(0);
    QTest::newRow("leap day")
        << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), Qt::UTC).toMSecsSinceEpoch();
    QTest::newRow("before epoch") << qint64(-86'400'001);
    QTest::newRow("far future")
        << QDateTime(QDate(9999, 12, 31), QTime(1, 2, 3, 4), Qt::UTC).toMSecsSinceEpoch();
    QRandomGenerator random(42);
    for (int i = 0; i < 50; ++i)
        QTest::addRow("random %d", i) << qint64(random.bounded(4'102'444'800'000LL));
}

void TestApiObjects::rfc3339MatchesQt()
{
    QFETCH(qint64, millis);
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(millis, Qt::UTC);
    QCOMPARE(core::formatApiTime(time), time.toString(Qt::ISODateWithMs));
    // A local time is shown as the same instant in UTC.
    QCOMPARE(core::formatApiTime(time.toTimeZone(QTimeZone(3600 * 5))),
             time.toString(Qt::ISODateWithMs));
}

void TestApiObjects::invalidTimeIsGoZeroTime()
{
    QCOMPARE(core::formatApiTime(QDateTime()), QStringLiteral("0001-01-01T00:00:00Z"));
}

void TestApiObjects::userHasNoSecrets()
{
    User user;
    user.id = QUuid::createUuid();
    user.username = QStringLiteral("alice");
    user.name = QStringLiteral("Ali \"Ce\" ✓");
    user.hashedPassword = "pbkdf2-sha256$65536$c2FsdA==$aGFzaA==";
    user.roles = {QStringLiteral("auditor")};
    user.createdAt = QDateTime::fromMSecsSinceEpoch(1'760'000'000'123, Qt::UTC);
    core::JsonWriter writer;
    core::json::write(writer, apiUser(user));
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(writer.data(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json.value(u"id").toString(), user.id.toString(QUuid::WithoutBraces));
    QCOMPARE(json.value(u"name").toString(), user.name);
    QCOMPARE(json.value(u"created_at").toString(), QStringLiteral("2025-10-09T08:53:20.123Z"));
    QCOMPARE(json.value(u"last_seen_at").toString(), QStringLiteral("0001-01-01T00:00:00Z"));
    QCOMPARE(json.value(u"organization_ids").toArray().at(0).toString(),
             kDefaultOrganizationId.toString(QUuid::WithoutBraces));
    QCOMPARE(json.value(u"roles").toArray().at(0).toObject().value(u"display_name").toString(),
             QStringLiteral("Auditor"));
    QVERIFY(!writer.data().contains("pbkdf2"));

    ApiKey key;
    key.hashedSecret = "secret-hash";
    core::JsonWriter keyWriter;
    core::json::write(keyWriter, apiKey(key));
    QVERIFY(!keyWriter.data().contains("secret-hash"));
    QVERIFY(QJsonDocument::fromJson(keyWriter.data()).isObject());
}

void TestApiObjects::agentStatusAndHealth()
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1'760'000'000'000, Qt::UTC);
    WorkspaceResource resource;
    resource.id = QUuid::createUuid();
    WorkspaceAgent agent;
    agent.id = QUuid::createUuid();
    agent.name = QStringLiteral("main");
    agent.createdAt = now.addSecs(-10);
    resource.agents = {agent};
    auto shown = apiResource(resource, now).agents.at(0);
    QCOMPARE(shown.status, QStringLiteral("connecting"));
    QVERIFY(!shown.health.healthy);
    QCOMPARE(shown.health.reason, QStringLiteral("agent is not running"));

    resource.agents[0].createdAt = now.addSecs(-121); // past the connection timeout
    QCOMPARE(apiResource(resource, now).agents.at(0).status, QStringLiteral("timeout"));

    resource.agents[0].firstConnectedAt = now.addSecs(-100);
    resource.agents[0].lastConnectedAt = now.addSecs(-5);
    resource.agents[0].lifecycleState = QStringLiteral("ready");
    shown = apiResource(resource, now).agents.at(0);
    QCOMPARE(shown.status, QStringLiteral("connected"));
    QVERIFY(shown.health.healthy);

    resource.agents[0].lifecycleState = QStringLiteral("start_error");
    QCOMPARE(apiResource(resource, now).agents.at(0).health.reason,
             QStringLiteral("agent startup script exited with an error"));

    resource.agents[0].lastConnectedAt = now.addSecs(-61); // silent past the inactivity limit
    QCOMPARE(apiResource(resource, now).agents.at(0).status, QStringLiteral("disconnected"));
}

QTEST_GUILESS_MAIN(TestApiObjects)
#include "test_api_objects.moc"
