// WorkPool and Mailbox (core/work_pool.h, core/mailbox.h): work runs off the caller's thread,
// results come back to the owner's thread or are dropped once it is gone, and stop() is
// asynchronous yet runs what was already posted.

#include "core/thread_role.h"
#include "core/work_pool.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>

using coder::core::Mailbox;
using coder::core::WorkPool;

namespace {

// Receives results on the thread it lives on.
class Owner : public QObject
{
public:
    QList<int> results;
    QList<QThread *> deliveredOn;
    Mailbox mailbox{this};
};

} // namespace

class TestWorkPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsOffThreadAndDeliversToOwner()
    {
        WorkPool pool(QStringLiteral("test"), 2);
        QCOMPARE(pool.threadCount(), 2);
        Owner owner;
        std::atomic<QThread *> ranOn{nullptr};
        for (int i = 0; i < 10; ++i)
            pool.run(
                owner.mailbox.address(),
                [i, &ranOn] {
                    ranOn = QThread::currentThread();
                    return i * i;
                },
                [&owner](int value) {
                    owner.results.append(value);
                    owner.deliveredOn.append(QThread::currentThread());
                });
        QTRY_COMPARE(owner.results.size(), 10);
        QVERIFY(ranOn.load() != QThread::currentThread());
        for (QThread *thread : std::as_const(owner.deliveredOn))
            QCOMPARE(thread, QThread::currentThread());
        std::sort(owner.results.begin(), owner.results.end());
        QCOMPARE(owner.results.first(), 0);
        QCOMPARE(owner.results.last(), 81);
    }

    void resultDroppedOnceOwnerIsGone()
    {
        WorkPool pool(QStringLiteral("test"), 1);
        auto owner = std::make_unique<Owner>();
        std::atomic<bool> started{false};
        std::atomic<bool> release{false};
        std::atomic<bool> finished{false};
        bool delivered = false;
        pool.run(
            owner->mailbox.address(),
            [&] {
                started = true;
                while (!release)
                    QThread::msleep(1);
                finished = true;
                return 1;
            },
            [&delivered](int) { delivered = true; });
        QTRY_VERIFY(started.load());
        owner.reset(); // while the work runs
        release = true;
        QTRY_VERIFY(finished.load());
        QTest::qWait(50); // anything queued would have run by now
        QVERIFY(!delivered);
    }

    void stopRunsWhatWasPostedThenEndsThreads()
    {
        std::atomic<int> exits{0};
        std::atomic<int> ran{0};
        WorkPool pool(QStringLiteral("test"), 3, [&exits] { ++exits; });
        QSignalSpy stopped(&pool, &WorkPool::stopped);
        for (int i = 0; i < 20; ++i)
            pool.post([&ran] {
                QThread::msleep(2);
                ++ran;
            });
        pool.stop();
        QVERIFY(pool.isStopping());
        QCOMPARE(stopped.count(), 0);       // stop() does not wait
        pool.post([&ran] { ran += 1000; }); // too late: dropped
        QTRY_COMPARE(stopped.count(), 1);
        QCOMPARE(ran.load(), 20);
        QCOMPARE(exits.load(), 3);
    }

    void workSkippedWhenOwnerGoneBeforeItStarts()
    {
        WorkPool pool(QStringLiteral("test"), 1);
        std::atomic<bool> release{false};
        pool.post([&release] {
            while (!release)
                QThread::msleep(1);
        });
        auto owner = std::make_unique<Owner>();
        std::atomic<bool> ran{false};
        pool.run(
            owner->mailbox.address(), [&ran] { ran = true; }, [] {});
        owner.reset();
        release = true;
        std::atomic<bool> drained{false};
        pool.post([&drained] { drained = true; });
        QTRY_VERIFY(drained.load());
        QVERIFY(!ran.load());
    }

    void taskThatThrowsDoesNotKillThePool()
    {
        WorkPool pool(QStringLiteral("test"), 1);
        std::atomic<bool> after{false};
        pool.post([] { throw std::runtime_error("boom"); });
        pool.post([&after] { after = true; });
        QTRY_VERIFY(after.load());
    }

    void eventLoopThreadsAreMarked()
    {
        QVERIFY(!coder::core::thread_role::isEventLoop());
        bool marked = false;
        QThread thread;
        QObject context;
        context.moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(
            &context,
            [&marked] {
                coder::core::thread_role::markEventLoop();
                marked = coder::core::thread_role::isEventLoop();
            },
            Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        QVERIFY(marked);
        QVERIFY(!coder::core::thread_role::isEventLoop()); // per thread
    }
};

QTEST_GUILESS_MAIN(TestWorkPool)
#include "test_work_pool.moc"
