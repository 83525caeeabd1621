#include "core/json_writer.h"

#include <QtTest>

using coder::core::JsonWriter;

class TestJsonWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nestingAndCommas();
    void stringsRoundTrip_data();
    void stringsRoundTrip();
    void numbersAndRaw();
    void idsAsQtWritesThem();
    void timesAsQtWritesThem();
};

void TestJsonWriter::nestingAndCommas()
{
    JsonWriter json;
    json.beginObject()
        .key("a")
        .value(1)
        .key("list")
        .beginArray()
        .value(true)
        .value(false)
        .null()
        .beginObject()
        .endObject()
        .endArray()
        .key("empty")
        .beginArray()
        .endArray()
        .key("inner")
        .beginObject()
        .key("x")
        .value("y")
        .endObject()
        .endObject();
    QCOMPARE(json.data(),
             QByteArray(R"({"a":1,"list":[true,false,null,{}],"empty":[],"inner":{"x":"y"}})"));
    JsonWriter list;
    list.beginArray().beginObject().endObject().beginObject().endObject().endArray();
    QCOMPARE(list.data(), QByteArray("[{},{}]"));
}

void TestJsonWriter::stringsRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ C:\\path\\");
    QTest::newRow("control characters")
        << QStringLiteral("a\nb\rc\td\be\ff") + QChar(0x01) + QChar(0x1f);
    QTest::newRow("unicode") << QStringLiteral("Ó'Brien ✓ 日本語 ") +
                                    QString::fromUcs4(U"\U0001F600");
    QTest::newRow("json lookalike") << QStringLiteral(R"(","x":1,")");
    QTest::newRow("nul") << QString(QChar(0)) + QStringLiteral("after");
}

void TestJsonWriter::stringsRoundTrip()
{
    QFETCH(QString, text);
    JsonWriter json;
    json.beginObject().key("s").value(text).endObject();
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(json.data(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(parsed.object().value(u"s").toString(), text);
    QCOMPARE(parsed.object().size(), 1);
}

void TestJsonWriter::numbersAndRaw()
{
    JsonWriter json;
    json.beginArray()
        .value(qint64(-9'007'199'254'740'991))
        .value(0)
        .raw(R"({"k":[1]})")
        .value(QLatin1String("latin1 \xe9"))
        .endArray();
    const QJsonArray parsed = QJsonDocument::fromJson(json.data()).array();
    QCOMPARE(parsed.size(), 4);
    QCOMPARE(parsed.at(0).toInteger(), -9'007'199'254'740'991LL);
    QCOMPARE(parsed.at(2).toObject().value(u"k").toArray().at(0).toInt(), 1);
    QCOMPARE(parsed.at(3).toString(), QStringLiteral("latin1 é"));
}

void TestJsonWriter::idsAsQtWritesThem()
{
    QList<QUuid> ids{QUuid(QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff")),
                     QUuid(QStringLiteral("00000000-0000-0000-0000-000000000001")),
                     QUuid(QStringLiteral("0a0b0c0d-0e0f-4000-8a0b-0c0d0e0f1011"))};
    for (int i = 0; i < 50; ++i)
        ids.append(QUuid::createUuid());
    for (const QUuid &id : std::as_const(ids)) {
        JsonWriter json;
        json.value(id);
        QCOMPARE(json.data(), '"' + id.toString(QUuid::WithoutBraces).toLatin1() + '"');
    }
    JsonWriter null;
    null.value(QUuid());
    QCOMPARE(null.data(), QByteArray(R"("")"));
}

void TestJsonWriter::timesAsQtWritesThem()
{
    QList<QDateTime> times{
        QDateTime::fromMSecsSinceEpoch(0, Qt::UTC),
        QDateTime::fromMSecsSinceEpoch(-86'400'001, Qt::UTC),
        QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), Qt::UTC),
        QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
        QDateTime(QDate(10000, 1, 1), QTime(0, 0), Qt::UTC), // past RFC 3339: as Qt writes it
        QDateTime(QDate(2026, 7, 1), QTime(12, 0), QTimeZone(3600 * 5)), // shown in UTC
    };
    QRandomGenerator random(7);
    for (int i = 0; i < 50; ++i)
        times.append(QDateTime::fromMSecsSinceEpoch(random.bounded(4'102'444'800'000LL), Qt::UTC));
    for (const QDateTime &time : std::as_const(times)) {
        JsonWriter json;
        json.value(time);
        QCOMPARE(json.data(), '"' + time.toUTC().toString(Qt::ISODateWithMs).toLatin1() + '"');
    }
    JsonWriter invalid;
    invalid.value(QDateTime());
    QCOMPARE(invalid.data(), QByteArray(R"("")"));
}

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "test_json_writer.moc"
