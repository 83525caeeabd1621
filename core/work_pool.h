#pragma once

#include "mailbox.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <deque>
#include <functional>
#include <type_traits>
#include <vector>

class QThread;

namespace coder::core {

// Runs blocking work (SQL, above all) on a few threads of its own, so that the threads that
// serve sockets never wait (ARCHITECTURE.md §3). Each thread is a QThread with an event loop
// and keeps whatever per-thread state the work needs (a database connection); onThreadExit
// runs on each before it ends. Work is taken in the order it was posted by whichever thread is
// free. stop() is asynchronous: what was posted still runs, then the threads end and stopped()
// is emitted on the pool's thread, so a GUI thread hosting it never waits on it.
class WorkPool : public QObject
{
    Q_OBJECT
public:
    WorkPool(const QString &name, int threads, std::function<void()> onThreadExit = {},
             QObject *parent = nullptr);
    // Stops and, only if threads still run, waits for them (call stop() first and wait for
    // stopped() to never block here).
    ~WorkPool() override;

    int threadCount() const { return int(m_threads.size()); }
    bool isStopping() const;

    // Runs task on a pool thread. After stop() it is dropped.
    void post(std::function<void()> task);

    // Runs work on a pool thread and then done(result) on the thread of the mailbox's owner,
    // unless that owner is gone by then.
    template <typename Work, typename Done>
    void run(const Mailbox::Address &to, Work work, Done done)
    {
        post([to, work = std::move(work), done = std::move(done)]() mutable {
            if (!to.isOpen())
                return; // nobody waits for it any more
            if constexpr (std::is_void_v<std::invoke_result_t<Work>>) {
                work();
                to.post(std::move(done));
            } else {
                to.post([done = std::move(done), result = work()]() mutable {
                    done(std::move(result));
                });
            }
        });
    }

    // Takes no more work; the threads end once the work posted so far is done.
    void stop();
    // stop(), then blocks until the threads have ended: only for an owner's destructor that
    // must know no work still runs before it frees what the work uses (later posts are dropped).
    void stopAndWait();

Q_SIGNALS:
    void stopped();

private:
    class Runner;
    friend class Runner;
    // Called by a runner on its thread: the next task, or nullptr once there is none.
    bool takeTask(Runner *runner, std::function<void()> &task);
    void threadFinished();

    std::function<void()> m_onThreadExit;
    std::vector<QThread *> m_threads;
    std::vector<Runner *> m_runners;
    mutable QMutex m_mutex;
    std::deque<std::function<void()>> m_queue;
    std::vector<Runner *> m_idle;
    bool m_stopping = false;
    int m_running = 0; // threads not finished yet
};

} // namespace coder::core
