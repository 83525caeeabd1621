#include "work_pool.h"

#include <QLoggingCategory>
#include <QThread>
#include <exception>

namespace coder::core {

Q_LOGGING_CATEGORY(lcPool, "coder.pool")

// Lives in one pool thread: runs tasks until the queue is empty, then waits (in its event loop,
// not on a condition variable) to be woken by post().
class WorkPool::Runner : public QObject
{
public:
    explicit Runner(WorkPool *pool) : m_pool(pool) {}

    void drain()
    {
        std::function<void()> task;
        while (m_pool->takeTask(this, task)) {
            try {
                task();
            } catch (const std::exception &e) {
                qCWarning(lcPool) << objectName() << "task threw:" << e.what();
            } catch (...) {
                qCWarning(lcPool) << objectName() << "task threw";
            }
            task = nullptr; // what it captured goes now, on this thread
        }
    }

    void finish()
    {
        if (m_pool->m_onThreadExit)
            m_pool->m_onThreadExit();
        thread()->quit();
    }

private:
    WorkPool *m_pool;
};

WorkPool::WorkPool(const QString &name, int threads, std::function<void()> onThreadExit,
                   QObject *parent)
    : QObject(parent), m_onThreadExit(std::move(onThreadExit))
{
    const int count = std::max(1, threads);
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("%1-%2").arg(name).arg(i));
        auto *runner = new Runner(this);
        runner->setObjectName(thread->objectName());
        runner->moveToThread(thread);
        connect(thread, &QThread::finished, this, &WorkPool::threadFinished, Qt::QueuedConnection);
        m_threads.push_back(thread);
        m_runners.push_back(runner);
        m_idle.push_back(runner);
        thread->start();
    }
    m_running = count;
}

WorkPool::~WorkPool()
{
    stopAndWait();
    for (Runner *runner : m_runners)
        delete runner; // its thread has ended: nothing else touches it
    for (QThread *thread : m_threads)
        delete thread;
}

void WorkPool::stopAndWait()
{
    stop();
    for (QThread *thread : m_threads)
        thread->wait();
}

bool WorkPool::isStopping() const
{
    QMutexLocker locker(&m_mutex);
    return m_stopping;
}

void WorkPool::post(std::function<void()> task)
{
    Runner *wake = nullptr;
    {
        QMutexLocker locker(&m_mutex);
        if (m_stopping)
            return;
        m_queue.push_back(std::move(task));
        if (!m_idle.empty()) {
            wake = m_idle.back();
            m_idle.pop_back();
        }
    }
    if (wake)
        QMetaObject::invokeMethod(
            wake, [wake] { wake->drain(); }, Qt::QueuedConnection);
}

bool WorkPool::takeTask(Runner *runner, std::function<void()> &task)
{
    QMutexLocker locker(&m_mutex);
    if (!m_queue.empty()) {
        task = std::move(m_queue.front());
        m_queue.pop_front();
        return true;
    }
    if (m_stopping)
        QMetaObject::invokeMethod(
            runner, [runner] { runner->finish(); }, Qt::QueuedConnection);
    else
        m_idle.push_back(runner);
    return false;
}

void WorkPool::stop()
{
    std::vector<Runner *> idle;
    {
        QMutexLocker locker(&m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
        idle.swap(m_idle);
    }
    // Busy runners finish when they find the queue empty.
    for (Runner *runner : idle)
        QMetaObject::invokeMethod(
            runner, [runner] { runner->drain(); }, Qt::QueuedConnection);
}

void WorkPool::threadFinished()
{
    if (--m_running == 0)
        Q_EMIT stopped();
}

} // namespace coder::core

#include "moc_work_pool.cpp"
