// core::duration: Go's duration syntax as the CLI and coderd's flags take it.
#include "core/duration.h"

#include <QtTest>

using namespace coder::core;

class TestDuration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void durations_data();
    void durations();
    void rejectsBadDurations();
    void formatsDurations();
    void parsesLifetimesWithDays_data();
    void parsesLifetimesWithDays();
    void rejectsBadLifetimes();
};

void TestDuration::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("milliseconds");
    QTest::newRow("hours") << QStringLiteral("8h") << qint64(8 * 3600 * 1000);
    QTest::newRow("mixed") << QStringLiteral("1h30m") << qint64(5400 * 1000);
    QTest::newRow("minutes") << QStringLiteral("90m") << qint64(5400 * 1000);
    QTest::newRow("fraction") << QStringLiteral("1.5h") << qint64(5400 * 1000);
    QTest::newRow("seconds") << QStringLiteral("45s") << qint64(45 * 1000);
    QTest::newRow("all units") << QStringLiteral("1h2m3s4ms") << qint64(3723004);
}

void TestDuration::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, milliseconds);
    const auto parsed = duration::parse(text);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
    QCOMPARE(parsed.value(), milliseconds);
}

void TestDuration::rejectsBadDurations()
{
    for (const char *text : {"", "8", "h", "8 hours", "0h", "-1h", "3d", "8h-"}) {
        const auto parsed = duration::parse(QString::fromLatin1(text));
        QVERIFY2(!parsed.ok(), text);
    }
    QVERIFY(duration::parse(QStringLiteral("3d")).error().contains(QStringLiteral("examples: 8h")));
}

void TestDuration::formatsDurations()
{
    QCOMPARE(duration::format(8 * 3600 * 1000), QStringLiteral("8h"));
    QCOMPARE(duration::format(5400 * 1000), QStringLiteral("1h30m"));
    QCOMPARE(duration::format(3723004), QStringLiteral("1h2m3s"));
    QCOMPARE(duration::format(45 * 1000), QStringLiteral("45s"));
    QCOMPARE(duration::format(0), QStringLiteral("0s"));
}

void TestDuration::parsesLifetimesWithDays_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("nanoseconds");
    const qint64 second = 1000000000;
    QTest::newRow("hours") << QStringLiteral("720h") << 720 * 3600 * second;
    QTest::newRow("mixed") << QStringLiteral("1h30m") << 5400 * second;
    QTest::newRow("days") << QStringLiteral("30d") << 30 * 86400 * second;
    QTest::newRow("fraction") << QStringLiteral("1.5h") << 5400 * second;
    QTest::newRow("small") << QStringLiteral("250ms") << 250000000LL;
    QTest::newRow("spaces") << QStringLiteral(" 90s ") << 90 * second;
}

void TestDuration::parsesLifetimesWithDays()
{
    QFETCH(QString, text);
    QFETCH(qint64, nanoseconds);
    const auto parsed = duration::parseNanoseconds(text, duration::Days::Allowed);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    QCOMPARE(parsed.value(), nanoseconds);
}

void TestDuration::rejectsBadLifetimes()
{
    for (const QString &text :
         {QStringLiteral(""), QStringLiteral("720"), QStringLiteral("h"), QStringLiteral("5 weeks"),
          QStringLiteral("0s"), QStringLiteral("-1h"), QStringLiteral("99999999999d")}) {
        const auto parsed = duration::parseNanoseconds(text, duration::Days::Allowed);
        QVERIFY2(!parsed.ok(), qPrintable(text));
        QVERIFY(!parsed.error().isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestDuration)
#include "test_duration.moc"
