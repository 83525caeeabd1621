#include "server/coderd/json_codec.h"

#include <QtTest>

using namespace coder;
using namespace coder::server;

class TestJsonCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc3339MatchesQt_data();
    void rfc3339MatchesQt();
    void invalidTimeIsEmpty();
    void userHasNoSecrets();
};

void TestJsonCodec::rfc3339MatchesQt_data()
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

void TestJsonCodec::rfc3339MatchesQt()
{
    QFETCH(qint64, millis);
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(millis, Qt::UTC);
    QCOMPARE(toRfc3339(time), time.toString(Qt::ISODateWithMs));
    // A local time is shown as the same instant in UTC.
    QCOMPARE(toRfc3339(time.toTimeZone(QTimeZone(3600 * 5))), time.toString(Qt::ISODateWithMs));
}

void TestJsonCodec::invalidTimeIsEmpty()
{
    QCOMPARE(toRfc3339(QDateTime()), QString());
}

void TestJsonCodec::userHasNoSecrets()
{
    User user;
    user.id = QUuid::createUuid();
    user.username = QStringLiteral("alice");
    user.name = QStringLiteral("Ali \"Ce\" ✓");
    user.hashedPassword = "pbkdf2-sha256$65536$c2FsdA==$aGFzaA==";
    user.roles = {QStringLiteral("auditor")};
    user.createdAt = QDateTime::fromMSecsSinceEpoch(1'760'000'000'123, Qt::UTC);
    core::JsonWriter writer;
    writeUser(writer, user);
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(writer.data(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json.value(u"id").toString(), user.id.toString(QUuid::WithoutBraces));
    QCOMPARE(json.value(u"name").toString(), user.name);
    QCOMPARE(json.value(u"created_at").toString(), QStringLiteral("2025-10-09T08:53:20.123Z"));
    QCOMPARE(json.value(u"last_seen_at").toString(), QString());
    QCOMPARE(json.value(u"roles").toArray().at(0).toObject().value(u"display_name").toString(),
             QStringLiteral("Auditor"));
    QVERIFY(!writer.data().contains("pbkdf2"));

    ApiKey key;
    key.hashedSecret = "secret-hash";
    core::JsonWriter keyWriter;
    writeApiKey(keyWriter, key);
    QVERIFY(!keyWriter.data().contains("secret-hash"));
    QVERIFY(QJsonDocument::fromJson(keyWriter.data()).isObject());
}

QTEST_GUILESS_MAIN(TestJsonCodec)
#include "test_json_codec.moc"
