// requestShortTimeSlices (core/short_time_slices.h): on a kernel that has per-thread slices
// (Linux 6.12 and later) the calling thread, and only it, runs in 0.1 ms slices afterwards, with
// its nice value kept.

#include "core/short_time_slices.h"
#include "tests/support/unavailable.h"

#include <QTest>
#include <QThread>
#include <QVersionNumber>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace {

struct Observed
{
    bool reniced = false;
    bool granted = false;
    quint64 slice = 0;
    int nice = 0;
};

bool kernelHasCustomSlices()
{
    utsname name{};
    if (uname(&name) != 0)
        return false;
    return QVersionNumber::fromString(QString::fromLatin1(name.release)) >= QVersionNumber(6, 12);
}

} // namespace

class TestShortTimeSlices : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theCallingThreadGetsShortSlicesAndKeepsItsNiceValue()
    {
        if (!kernelHasCustomSlices())
            CODER_UNAVAILABLE(QStringLiteral("the kernel predates per-thread slices (Linux 6.12)"));
        Observed observed;
        QThread *thread = QThread::create([&observed] {
            const auto tid = id_t(gettid());
            // Raising one's own nice value needs no privilege.
            observed.reniced = setpriority(PRIO_PROCESS, tid, 3) == 0;
            observed.granted = coder::core::requestShortTimeSlices();
            observed.slice = coder::core::currentTimeSliceNs();
            observed.nice = getpriority(PRIO_PROCESS, tid);
        });
        thread->start();
        QVERIFY(thread->wait(10000));
        delete thread;
        QVERIFY(observed.reniced);
        QVERIFY(observed.granted);
        QCOMPARE(observed.slice, quint64(100'000));
        QCOMPARE(observed.nice, 3);
        // The request was the thread's own: this one still has the default slice.
        QVERIFY(coder::core::currentTimeSliceNs() != quint64(100'000));
    }
};

QTEST_GUILESS_MAIN(TestShortTimeSlices)
#include "test_short_time_slices.moc"
