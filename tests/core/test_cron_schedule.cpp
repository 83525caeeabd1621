// CronSchedule: the weekly autostart schedules of workspaces ("CRON_TZ=Europe/Paris 30 9 * * 1-5"),
// what they accept and refuse, and when they fire next (weekday rollover, daylight saving time,
// strictly-after semantics).
#include "core/cron_schedule.h"

#include <QtTest>

using namespace coder::core;
using namespace Qt::StringLiterals;

namespace {

QDateTime utc(const QString &iso)
{
    QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    time.setTimeSpec(Qt::UTC);
    return time;
}

QDateTime paris(int year, int month, int day, int hour, int minute)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), QTimeZone("Europe/Paris"));
}

CronSchedule parsed(const QString &spec)
{
    auto schedule = CronSchedule::parse(spec);
    if (schedule)
        return *schedule;
    // Fails the calling test function; what it goes on to compare is meaningless but harmless.
    QTest::qFail(qPrintable(u"\"%1\" was refused: %2"_s.arg(spec, schedule.error())), __FILE__,
                 __LINE__);
    return *CronSchedule::parse(u"0 0 * * *"_s);
}

// The first `count` firings after `after`, each one strictly after the one before.
QList<QDateTime> firings(const CronSchedule &schedule, QDateTime after, int count)
{
    QList<QDateTime> times;
    for (int i = 0; i < count; ++i) {
        after = schedule.next(after);
        times.append(after);
        if (!after.isValid())
            break;
    }
    return times;
}

QString show(const QList<QDateTime> &times)
{
    QStringList texts;
    for (const QDateTime &time : times)
        texts.append(time.isValid() ? time.toString(Qt::ISODate) : u"<invalid>"_s);
    return texts.join(u", "_s);
}

} // namespace

class TestCronSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsValidSchedules_data();
    void acceptsValidSchedules();
    void refusesInvalidSchedules_data();
    void refusesInvalidSchedules();
    void timeZoneDefaultsToUtc();
    void listsRangesAndSteps();
    void stepFromASingleValueRunsToTheEnd();
    void daySevenIsSunday();
    void weekdayRollover();
    void yearRollover();
    void strictlyAfter();
    void resultIsUtc();
    void daylightSavingSpringForward();
    void springForwardGapStillFires();
    void daylightSavingFallBack();
    void fallBackRepeatedHourFiresOnce();
};

void TestCronSchedule::acceptsValidSchedules_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("plain") << u"30 9 * * 1-5"_s;
    QTest::newRow("every minute") << u"* * * * *"_s;
    QTest::newRow("CRON_TZ UTC") << u"CRON_TZ=UTC * * * * *"_s;
    QTest::newRow("CRON_TZ region") << u"CRON_TZ=Europe/Paris 30 9 * * 1-5"_s;
    QTest::newRow("CRON_TZ US") << u"CRON_TZ=America/New_York 0 8 * * *"_s;
    QTest::newRow("lists") << u"0,15,30,45 8,12,18 * * 1,3,5"_s;
    QTest::newRow("steps") << u"*/10 */2 * * *"_s;
    QTest::newRow("range with step") << u"0-30/15,45 9-17/4 * * 1-5/2"_s;
    QTest::newRow("bounds") << u"59 23 * * 0"_s;
    QTest::newRow("day 7") << u"0 0 * * 7"_s;
    QTest::newRow("extra blanks") << u"  CRON_TZ=UTC   0  9 *  * *  "_s;
    QTest::newRow("day names") << u"0 9 * * MON-FRI"_s;
    QTest::newRow("day names, lower case list") << u"0 9 * * sun,wed"_s;
}

void TestCronSchedule::acceptsValidSchedules()
{
    QFETCH(QString, spec);
    auto schedule = CronSchedule::parse(spec);
    QVERIFY2(schedule, schedule ? "" : qPrintable(schedule.error()));
    QCOMPARE(schedule->text(), spec.trimmed());
    // Every valid weekly schedule fires within a week.
    const QDateTime after = utc(u"2026-05-06T12:34:56Z"_s);
    const QDateTime next = schedule->next(after);
    QVERIFY(next.isValid());
    QVERIFY(next > after);
    QVERIFY(next <= after.addDays(7));
}

void TestCronSchedule::refusesInvalidSchedules_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("expected"); // a part of the error message

    QTest::newRow("empty") << QString() << u"five fields"_s;
    QTest::newRow("four fields") << u"0 9 * *"_s << u"five fields"_s;
    QTest::newRow("six fields") << u"0 0 9 * * *"_s << u"five fields"_s;
    QTest::newRow("zone only") << u"CRON_TZ=UTC"_s << u"five fields"_s;
    QTest::newRow("unknown zone") << u"CRON_TZ=Mars/Olympus_Mons 0 9 * * *"_s
                                  << u"Mars/Olympus_Mons"_s;
    QTest::newRow("empty zone") << u"CRON_TZ= 0 9 * * *"_s << u"time zone"_s;
    QTest::newRow("day of month") << u"0 9 1 * *"_s << u"day of month"_s;
    QTest::newRow("month") << u"0 9 * 1 *"_s << u"month"_s;
    QTest::newRow("day of month range") << u"0 9 1-15 * *"_s << u"day of month"_s;
    QTest::newRow("minute 60") << u"60 9 * * *"_s << u"minute"_s;
    QTest::newRow("minute negative") << u"-1 9 * * *"_s << u"minute"_s;
    QTest::newRow("hour 24") << u"0 24 * * *"_s << u"hour"_s;
    QTest::newRow("weekday 8") << u"0 9 * * 8"_s << u"day of week"_s;
    QTest::newRow("weekday range past 7") << u"0 9 * * 5-8"_s << u"day of week"_s;
    QTest::newRow("reversed range") << u"30-10 9 * * *"_s << u"minute"_s;
    QTest::newRow("step zero") << u"*/0 9 * * *"_s << u"step"_s;
    QTest::newRow("step not a number") << u"*/x 9 * * *"_s << u"step"_s;
    QTest::newRow("word") << u"0 nine * * *"_s << u"hour"_s;
    QTest::newRow("empty list item") << u"0,,30 9 * * *"_s << u"minute"_s;
    QTest::newRow("three-part range") << u"0 1-2-3 * * *"_s << u"hour"_s;
    QTest::newRow("unknown day name") << u"0 9 * * FUN"_s << u"day of week"_s;
    QTest::newRow("name in minutes") << u"MON 9 * * *"_s << u"minute"_s;
}

void TestCronSchedule::refusesInvalidSchedules()
{
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    auto schedule = CronSchedule::parse(spec);
    QVERIFY2(!schedule, qPrintable(u"accepted: "_s + spec));
    QVERIFY2(schedule.error().contains(expected, Qt::CaseInsensitive),
             qPrintable(schedule.error()));
}

void TestCronSchedule::timeZoneDefaultsToUtc()
{
    QCOMPARE(parsed(u"0 9 * * *"_s).timeZone(), QTimeZone::utc());
    QCOMPARE(parsed(u"CRON_TZ=Europe/Paris 0 9 * * *"_s).timeZone().id(),
             QByteArray("Europe/Paris"));
    // 09:00 in UTC, and 09:00 in Paris (CEST, +02:00 in May).
    const QDateTime after = utc(u"2026-05-06T00:00:00Z"_s);
    QCOMPARE(parsed(u"0 9 * * *"_s).next(after), utc(u"2026-05-06T09:00:00Z"_s));
    QCOMPARE(parsed(u"CRON_TZ=Europe/Paris 0 9 * * *"_s).next(after),
             utc(u"2026-05-06T07:00:00Z"_s));
    QCOMPARE(parsed(u"CRON_TZ=America/New_York 0 9 * * *"_s).next(after),
             utc(u"2026-05-06T13:00:00Z"_s));
}

void TestCronSchedule::listsRangesAndSteps()
{
    // Minutes 0, 15, 30 (0-30/15) and 45, hours 9, 13 and 17 (9-17/4, both ends included),
    // Monday to Friday. 2026-05-06 is a Wednesday.
    const CronSchedule schedule = parsed(u"0-30/15,45 9-17/4 * * 1-5"_s);
    const QList<QDateTime> got = firings(schedule, utc(u"2026-05-06T08:59:59Z"_s), 13);
    const QList<QDateTime> expected{utc(u"2026-05-06T09:00:00Z"_s), utc(u"2026-05-06T09:15:00Z"_s),
                                    utc(u"2026-05-06T09:30:00Z"_s), utc(u"2026-05-06T09:45:00Z"_s),
                                    utc(u"2026-05-06T13:00:00Z"_s), utc(u"2026-05-06T13:15:00Z"_s),
                                    utc(u"2026-05-06T13:30:00Z"_s), utc(u"2026-05-06T13:45:00Z"_s),
                                    utc(u"2026-05-06T17:00:00Z"_s), utc(u"2026-05-06T17:15:00Z"_s),
                                    utc(u"2026-05-06T17:30:00Z"_s), utc(u"2026-05-06T17:45:00Z"_s),
                                    utc(u"2026-05-07T09:00:00Z"_s)};
    QVERIFY2(got == expected, qPrintable(show(got)));
    // Friday's last firing, then Monday's first.
    QCOMPARE(schedule.next(utc(u"2026-05-08T17:45:00Z"_s)), utc(u"2026-05-11T09:00:00Z"_s));

    // Lists of single values in every field.
    const CronSchedule lists = parsed(u"5,50 7,19 * * 0,3"_s);
    const QList<QDateTime> listed = firings(lists, utc(u"2026-05-06T07:05:00Z"_s), 5);
    const QList<QDateTime> listedExpected{
        utc(u"2026-05-06T07:50:00Z"_s), utc(u"2026-05-06T19:05:00Z"_s),
        utc(u"2026-05-06T19:50:00Z"_s), utc(u"2026-05-10T07:05:00Z"_s), // Sunday
        utc(u"2026-05-10T07:50:00Z"_s)};
    QVERIFY2(listed == listedExpected, qPrintable(show(listed)));

    // */20 is 0, 20, 40.
    const QList<QDateTime> stepped =
        firings(parsed(u"*/20 10 * * *"_s), utc(u"2026-05-06T10:00:00Z"_s), 3);
    const QList<QDateTime> steppedExpected{utc(u"2026-05-06T10:20:00Z"_s),
                                           utc(u"2026-05-06T10:40:00Z"_s),
                                           utc(u"2026-05-07T10:00:00Z"_s)};
    QVERIFY2(stepped == steppedExpected, qPrintable(show(stepped)));
}

void TestCronSchedule::stepFromASingleValueRunsToTheEnd()
{
    // As in cron, "10/20" means 10-59/20: 10, 30, 50.
    const QList<QDateTime> got =
        firings(parsed(u"10/20 6 * * *"_s), utc(u"2026-05-06T06:00:00Z"_s), 4);
    const QList<QDateTime> expected{utc(u"2026-05-06T06:10:00Z"_s), utc(u"2026-05-06T06:30:00Z"_s),
                                    utc(u"2026-05-06T06:50:00Z"_s), utc(u"2026-05-07T06:10:00Z"_s)};
    QVERIFY2(got == expected, qPrintable(show(got)));
}

void TestCronSchedule::daySevenIsSunday()
{
    // From Friday 2026-03-27: the next Sunday is 2026-03-29.
    const QDateTime friday = utc(u"2026-03-27T12:00:00Z"_s);
    const QDateTime sunday = utc(u"2026-03-29T09:00:00Z"_s);
    QCOMPARE(parsed(u"0 9 * * 7"_s).next(friday), sunday);
    QCOMPARE(parsed(u"0 9 * * 0"_s).next(friday), sunday);
    // 5-7: Friday, Saturday, Sunday, then Friday again.
    const QList<QDateTime> got = firings(parsed(u"0 9 * * 5-7"_s), friday, 4);
    const QList<QDateTime> expected{utc(u"2026-03-28T09:00:00Z"_s), sunday,
                                    utc(u"2026-04-03T09:00:00Z"_s), utc(u"2026-04-04T09:00:00Z"_s)};
    QVERIFY2(got == expected, qPrintable(show(got)));
    // "0,7" is Sunday once, not twice.
    const QList<QDateTime> once = firings(parsed(u"0 9 * * 0,7"_s), friday, 2);
    QCOMPARE(once.value(0), sunday);
    QCOMPARE(once.value(1), sunday.addDays(7));
}

void TestCronSchedule::weekdayRollover()
{
    const CronSchedule weekdays = parsed(u"30 8 * * 1-5"_s);
    // Friday after the firing: the next is Monday.
    QCOMPARE(weekdays.next(utc(u"2026-05-08T08:30:00Z"_s)), utc(u"2026-05-11T08:30:00Z"_s));
    // Saturday and Sunday also lead to Monday.
    QCOMPARE(weekdays.next(utc(u"2026-05-09T07:00:00Z"_s)), utc(u"2026-05-11T08:30:00Z"_s));
    QCOMPARE(weekdays.next(utc(u"2026-05-10T23:59:59Z"_s)), utc(u"2026-05-11T08:30:00Z"_s));
    // A weekly schedule on Wednesday, asked on Wednesday after it fired: a week later.
    QCOMPARE(parsed(u"0 6 * * 3"_s).next(utc(u"2026-05-06T06:00:01Z"_s)),
             utc(u"2026-05-13T06:00:00Z"_s));
    // Midnight rollover within the local zone: 23:30 in Paris on Friday is 21:30 UTC.
    const CronSchedule late = parsed(u"CRON_TZ=Europe/Paris 30 23 * * 5"_s);
    QCOMPARE(late.next(utc(u"2026-05-08T21:31:00Z"_s)), utc(u"2026-05-15T21:30:00Z"_s));
    QCOMPARE(late.next(utc(u"2026-05-08T21:29:00Z"_s)), utc(u"2026-05-08T21:30:00Z"_s));
}

void TestCronSchedule::yearRollover()
{
    QCOMPARE(parsed(u"0 0 * * *"_s).next(utc(u"2026-12-31T23:59:00Z"_s)),
             utc(u"2027-01-01T00:00:00Z"_s));
}

void TestCronSchedule::strictlyAfter()
{
    const CronSchedule schedule = parsed(u"0 9 * * *"_s);
    const QDateTime firing = utc(u"2026-05-06T09:00:00Z"_s);
    // At the firing time itself: the next one. Just before it: it.
    QCOMPARE(schedule.next(firing), firing.addDays(1));
    QCOMPARE(schedule.next(firing.addMSecs(-1)), firing);
    QCOMPARE(schedule.next(firing.addMSecs(1)), firing.addDays(1));
    // Every minute: the next whole minute, never the current one.
    const CronSchedule everyMinute = parsed(u"* * * * *"_s);
    QCOMPARE(everyMinute.next(utc(u"2026-05-06T09:00:00Z"_s)), utc(u"2026-05-06T09:01:00Z"_s));
    QCOMPARE(everyMinute.next(utc(u"2026-05-06T09:00:30.500Z"_s)), utc(u"2026-05-06T09:01:00Z"_s));
    QCOMPARE(everyMinute.next(utc(u"2026-05-06T09:00:59.999Z"_s)), utc(u"2026-05-06T09:01:00Z"_s));
}

void TestCronSchedule::resultIsUtc()
{
    const CronSchedule schedule = parsed(u"CRON_TZ=Asia/Tokyo 0 9 * * *"_s);
    // Asked with a local time of another zone; answered in UTC (09:00 JST is 00:00 UTC).
    const QDateTime after(QDate(2026, 5, 6), QTime(12, 0), QTimeZone("America/Los_Angeles"));
    const QDateTime next = schedule.next(after);
    QCOMPARE(next.timeSpec(), Qt::UTC);
    QCOMPARE(next, utc(u"2026-05-07T00:00:00Z"_s));
}

void TestCronSchedule::daylightSavingSpringForward()
{
    // Europe/Paris moves from CET (+01:00) to CEST (+02:00) on Sunday 2026-03-29 at 02:00.
    const CronSchedule schedule = parsed(u"CRON_TZ=Europe/Paris 0 9 * * *"_s);
    const QList<QDateTime> got = firings(schedule, utc(u"2026-03-27T12:00:00Z"_s), 3);
    const QList<QDateTime> expected{utc(u"2026-03-28T08:00:00Z"_s), // 09:00 CET
                                    utc(u"2026-03-29T07:00:00Z"_s), // 09:00 CEST
                                    utc(u"2026-03-30T07:00:00Z"_s)};
    QVERIFY2(got == expected, qPrintable(show(got)));
    for (const QDateTime &time : got)
        QCOMPARE(time.toTimeZone(schedule.timeZone()).time(), QTime(9, 0));
    // A firing right after the change: 03:00 CEST is 01:00 UTC, one hour after 01:00 CET.
    QCOMPARE(parsed(u"CRON_TZ=Europe/Paris 0 1,3 * * *"_s).next(utc(u"2026-03-29T00:00:00Z"_s)),
             utc(u"2026-03-29T01:00:00Z"_s));
    QCOMPARE(paris(2026, 3, 29, 3, 0), utc(u"2026-03-29T01:00:00Z"_s));
}

void TestCronSchedule::springForwardGapStillFires()
{
    // 02:30 does not exist in Paris on 2026-03-29 (02:00 CET jumps to 03:00 CEST). The schedule
    // must not lose that day: it fires once, moved forward by the gap (03:30 CEST, 01:30 UTC),
    // then at 02:30 CEST on the following days.
    const CronSchedule schedule = parsed(u"CRON_TZ=Europe/Paris 30 2 * * *"_s);
    const QList<QDateTime> got = firings(schedule, utc(u"2026-03-28T12:00:00Z"_s), 2);
    const QList<QDateTime> expected{utc(u"2026-03-29T01:30:00Z"_s), utc(u"2026-03-30T00:30:00Z"_s)};
    QVERIFY2(got == expected, qPrintable(show(got)));
}

void TestCronSchedule::daylightSavingFallBack()
{
    // Europe/Paris moves from CEST (+02:00) back to CET (+01:00) on Sunday 2026-10-25 at 03:00.
    const CronSchedule schedule = parsed(u"CRON_TZ=Europe/Paris 0 9 * * *"_s);
    const QList<QDateTime> got = firings(schedule, utc(u"2026-10-23T12:00:00Z"_s), 3);
    const QList<QDateTime> expected{utc(u"2026-10-24T07:00:00Z"_s), // 09:00 CEST
                                    utc(u"2026-10-25T08:00:00Z"_s), // 09:00 CET
                                    utc(u"2026-10-26T08:00:00Z"_s)};
    QVERIFY2(got == expected, qPrintable(show(got)));
    // Weekdays only, across the change: Friday CEST, then Monday CET.
    const QList<QDateTime> weekdays =
        firings(parsed(u"CRON_TZ=Europe/Paris 30 8 * * 1-5"_s), utc(u"2026-10-23T00:00:00Z"_s), 2);
    const QList<QDateTime> weekdaysExpected{utc(u"2026-10-23T06:30:00Z"_s),
                                            utc(u"2026-10-26T07:30:00Z"_s)};
    QVERIFY2(weekdays == weekdaysExpected, qPrintable(show(weekdays)));
}

void TestCronSchedule::fallBackRepeatedHourFiresOnce()
{
    // 02:30 happens twice in Paris on 2026-10-25 (00:30 and 01:30 UTC). A daily 02:30 schedule
    // starts a workspace once that day, not twice.
    const CronSchedule schedule = parsed(u"CRON_TZ=Europe/Paris 30 2 * * *"_s);
    const QDateTime first = schedule.next(utc(u"2026-10-24T12:00:00Z"_s));
    QVERIFY(first == utc(u"2026-10-25T00:30:00Z"_s) || first == utc(u"2026-10-25T01:30:00Z"_s));
    QCOMPARE(first.toTimeZone(schedule.timeZone()).time(), QTime(2, 30));
    QCOMPARE(schedule.next(first), utc(u"2026-10-26T01:30:00Z"_s)); // 02:30 CET
    // Asked between the two 02:30s, there is nothing more that day either way it was counted.
    const QDateTime between = utc(u"2026-10-25T00:45:00Z"_s);
    const QDateTime afterBetween = schedule.next(between);
    QVERIFY2(afterBetween == utc(u"2026-10-25T01:30:00Z"_s) ||
                 afterBetween == utc(u"2026-10-26T01:30:00Z"_s),
             qPrintable(afterBetween.toString(Qt::ISODate)));
    if (first == utc(u"2026-10-25T01:30:00Z"_s)) // counted at its second occurrence only
        QCOMPARE(afterBetween, first);
}

QTEST_GUILESS_MAIN(TestCronSchedule)
#include "test_cron_schedule.moc"
