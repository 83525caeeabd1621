#include "core/workspace_schedule.h"

#include <QTimeZone>
#include <QtTest>

using coder::core::WorkspaceSchedule;

// Coder's human schedule form ("9:30AM Mon-Fri Europe/Paris") and the cron string coderd
// stores ("CRON_TZ=Europe/Paris 30 9 * * 1-5"), in both directions, and when it starts next.
class TestWorkspaceSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void humanToCron_data();
    void humanToCron();
    void rejectsBadSchedules_data();
    void rejectsBadSchedules();
    void cronToHuman_data();
    void cronToHuman();
    void rejectsNonWeeklyCron();
    void nextStart();
    void nextStartAcrossTheSpringGap();
};

void TestWorkspaceSchedule::humanToCron_data()
{
    QTest::addColumn<QString>("human");
    QTest::addColumn<QString>("cron");
    QTest::newRow("the example") << QStringLiteral("9:30AM Mon-Fri Europe/Paris")
                                 << QStringLiteral("CRON_TZ=Europe/Paris 30 9 * * 1-5");
    QTest::newRow("pm, lower case") << QStringLiteral("5:05pm sat,sun America/New_York")
                                    << QStringLiteral("CRON_TZ=America/New_York 5 17 * * 6,0");
    QTest::newRow("noon") << QStringLiteral("12:00PM * UTC")
                          << QStringLiteral("CRON_TZ=UTC 0 12 * * *");
    QTest::newRow("midnight") << QStringLiteral("12AM Mon UTC")
                              << QStringLiteral("CRON_TZ=UTC 0 0 * * 1");
    QTest::newRow("24 hour") << QStringLiteral("15:04 1-5 Asia/Tokyo")
                             << QStringLiteral("CRON_TZ=Asia/Tokyo 4 15 * * 1-5");
    QTest::newRow("compact") << QStringLiteral("0930 Mon UTC")
                             << QStringLiteral("CRON_TZ=UTC 30 9 * * 1");
    QTest::newRow("time only: daily, default zone")
        << QStringLiteral("9AM") << QStringLiteral("CRON_TZ=Europe/Berlin 0 9 * * *");
    QTest::newRow("time and zone") << QStringLiteral("7:15AM Europe/Dublin")
                                   << QStringLiteral("CRON_TZ=Europe/Dublin 15 7 * * *");
    QTest::newRow("time and days")
        << QStringLiteral("7:15AM Tue,Thu") << QStringLiteral("CRON_TZ=Europe/Berlin 15 7 * * 2,4");
    QTest::newRow("meridiem as its own word")
        << QStringLiteral("9:30 AM Mon-Fri UTC") << QStringLiteral("CRON_TZ=UTC 30 9 * * 1-5");
    QTest::newRow("full day names, Sunday 7")
        << QStringLiteral("8AM monday,7 UTC") << QStringLiteral("CRON_TZ=UTC 0 8 * * 1,0");
    QTest::newRow("a week ending on Sunday")
        << QStringLiteral("8AM Fri-Sun UTC") << QStringLiteral("CRON_TZ=UTC 0 8 * * 5-6,0");
    QTest::newRow("extra spaces") << QStringLiteral("  9:30AM   Mon-Fri  UTC ")
                                  << QStringLiteral("CRON_TZ=UTC 30 9 * * 1-5");
}

void TestWorkspaceSchedule::humanToCron()
{
    QFETCH(QString, human);
    QFETCH(QString, cron);
    const auto schedule = WorkspaceSchedule::parseHuman(human, QStringLiteral("Europe/Berlin"));
    QVERIFY2(schedule.ok(), schedule.ok() ? "" : qPrintable(schedule.error()));
    QCOMPARE(schedule->toCron(), cron);
    // What the CLI sends is what it reads back.
    const auto back = WorkspaceSchedule::parseCron(cron);
    QVERIFY(back.ok());
    QCOMPARE(back->toCron(), cron);
}

void TestWorkspaceSchedule::rejectsBadSchedules_data()
{
    QTest::addColumn<QString>("human");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << QString() << QStringLiteral("<time> [days] [zone]");
    QTest::newRow("hour 13 pm") << QStringLiteral("13:00PM") << QStringLiteral("invalid time");
    QTest::newRow("minute 60") << QStringLiteral("9:60") << QStringLiteral("invalid time");
    QTest::newRow("bare hour") << QStringLiteral("9") << QStringLiteral("invalid time");
    QTest::newRow("words") << QStringLiteral("tomorrow") << QStringLiteral("invalid time");
    QTest::newRow("bad day") << QStringLiteral("9AM Funday UTC")
                             << QStringLiteral("invalid days of week \"Funday\"");
    QTest::newRow("backwards range")
        << QStringLiteral("9AM Fri-Mon UTC") << QStringLiteral("invalid days of week");
    QTest::newRow("day 8") << QStringLiteral("9AM 8 UTC") << QStringLiteral("invalid days of week");
    QTest::newRow("unknown zone") << QStringLiteral("9AM Mon Mars/Olympus")
                                  << QStringLiteral("unknown time zone \"Mars/Olympus\"");
    QTest::newRow("unknown zone alone")
        << QStringLiteral("9AM Mars/Olympus") << QStringLiteral("unknown time zone");
    QTest::newRow("too many words")
        << QStringLiteral("9AM Mon UTC please") << QStringLiteral("<time> [days] [zone]");
}

void TestWorkspaceSchedule::rejectsBadSchedules()
{
    QFETCH(QString, human);
    QFETCH(QString, mentions);
    const auto schedule = WorkspaceSchedule::parseHuman(human, QStringLiteral("UTC"));
    QVERIFY(!schedule.ok());
    QVERIFY2(schedule.error().contains(mentions), qPrintable(schedule.error()));
}

void TestWorkspaceSchedule::cronToHuman_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("human");
    QTest::newRow("weekdays") << QStringLiteral("CRON_TZ=Europe/Paris 30 9 * * 1-5")
                              << QStringLiteral("9:30AM Mon-Fri (Europe/Paris)");
    QTest::newRow("daily, no zone")
        << QStringLiteral("0 0 * * *") << QStringLiteral("12:00AM daily (UTC)");
    QTest::newRow("afternoon list")
        << QStringLiteral("CRON_TZ=UTC 5 13 * * 0,6") << QStringLiteral("1:05PM Sun,Sat (UTC)");
    QTest::newRow("names in cron")
        << QStringLiteral("CRON_TZ=UTC 0 9 * * MON-FRI") << QStringLiteral("9:00AM Mon-Fri (UTC)");
    // Anything coderd accepts can be shown: several times a day as Coder's CLI shows them.
    QTest::newRow("two times a day")
        << QStringLiteral("0,30 9 * * 1-5") << QStringLiteral("cron(0,30 9) Mon-Fri (UTC)");
    QTest::newRow("steps") << QStringLiteral("CRON_TZ=Asia/Tokyo */15 9-17 * * *")
                           << QStringLiteral("cron(*/15 9-17) daily (Asia/Tokyo)");
    QTest::newRow("day step as written")
        << QStringLiteral("0 9 * * 1-5/2") << QStringLiteral("9:00AM 1-5/2 (UTC)");
    QTest::newRow("Sunday as 7") << QStringLiteral("0 9 * * 6,7")
                                 << QStringLiteral("9:00AM Sat,Sun (UTC)");
}

void TestWorkspaceSchedule::cronToHuman()
{
    QFETCH(QString, cron);
    QFETCH(QString, human);
    const auto schedule = WorkspaceSchedule::parseCron(cron);
    QVERIFY2(schedule.ok(), schedule.ok() ? "" : qPrintable(schedule.error()));
    QCOMPARE(schedule->toHuman(), human);
}

void TestWorkspaceSchedule::rejectsNonWeeklyCron()
{
    for (const char *cron :
         {"CRON_TZ=UTC 0 9 1 * *", "CRON_TZ=UTC 0 9 * 1 *", "0 25 * * *",
          "CRON_TZ=Mars/Olympus 0 9 * * *", "CRON_TZ=UTC 0 9 * * 1-5 extra", ""}) {
        const auto schedule = WorkspaceSchedule::parseCron(QString::fromLatin1(cron));
        QVERIFY2(!schedule.ok(), cron);
    }
}

void TestWorkspaceSchedule::nextStart()
{
    const auto schedule =
        WorkspaceSchedule::parseCron(QStringLiteral("CRON_TZ=Europe/Paris 30 9 * * 1-5"));
    QVERIFY(schedule.ok());
    const QTimeZone paris("Europe/Paris");
    // Friday 2024-05-03 10:00 Paris: past today's start, so Monday 09:30 (CEST, UTC+2).
    const QDateTime friday(QDate(2024, 5, 3), QTime(10, 0), paris);
    QCOMPARE(schedule->nextStart(friday)->toUTC(),
             QDateTime(QDate(2024, 5, 6), QTime(7, 30), Qt::UTC));
    // Friday 08:00 Paris: later the same day.
    const QDateTime early(QDate(2024, 5, 3), QTime(8, 0), paris);
    QCOMPARE(schedule->nextStart(early)->toUTC(),
             QDateTime(QDate(2024, 5, 3), QTime(7, 30), Qt::UTC));
    // Exactly at the start time: the next one, not this one.
    const QDateTime atStart(QDate(2024, 5, 3), QTime(9, 30), paris);
    QCOMPARE(schedule->nextStart(atStart)->toUTC(),
             QDateTime(QDate(2024, 5, 6), QTime(7, 30), Qt::UTC));
    // Winter time: UTC+1.
    const QDateTime january(QDate(2024, 1, 6), QTime(12, 0), Qt::UTC); // a Saturday
    QCOMPARE(schedule->nextStart(january)->toUTC(),
             QDateTime(QDate(2024, 1, 8), QTime(8, 30), Qt::UTC));
}

void TestWorkspaceSchedule::nextStartAcrossTheSpringGap()
{
    // 02:30 does not exist in Paris on 2026-03-29: the start moves forward by the gap (03:30
    // CEST, 01:30 UTC) instead of skipping the day, the same answer coderd fires at.
    const auto schedule =
        WorkspaceSchedule::parseCron(QStringLiteral("CRON_TZ=Europe/Paris 30 2 * * *"));
    QVERIFY2(schedule.ok(), schedule.ok() ? "" : qPrintable(schedule.error()));
    const QDateTime saturday(QDate(2026, 3, 28), QTime(12, 0), Qt::UTC);
    QCOMPARE(schedule->nextStart(saturday)->toUTC(),
             QDateTime(QDate(2026, 3, 29), QTime(1, 30), Qt::UTC));
}

QTEST_GUILESS_MAIN(TestWorkspaceSchedule)
#include "test_workspace_schedule.moc"
