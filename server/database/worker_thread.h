#pragma once

#include <QObject>
#include <QThread>
#include <type_traits>

namespace coder::server {

// A thread with an event loop and a context object living in it, for work that must stay on
// one thread (a Qt SQL connection, a QSocketNotifier). call() must not be used after stop().
class WorkerThread
{
public:
    explicit WorkerThread(const QString &name);
    // Stops the thread.
    ~WorkerThread();

    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // Lives in the thread: the receiver for connections whose slots must run there.
    QObject *context() const { return m_context; }
    bool isCurrent() const { return QThread::currentThread() == &m_thread; }

    // Runs function in the thread and waits for its result.
    template <typename Function> std::invoke_result_t<Function> call(Function function)
    {
        using Value = std::invoke_result_t<Function>;
        if (isCurrent())
            return function();
        if constexpr (std::is_void_v<Value>) {
            QMetaObject::invokeMethod(m_context, std::move(function), Qt::BlockingQueuedConnection);
        } else {
            Value result{};
            QMetaObject::invokeMethod(m_context, std::move(function), Qt::BlockingQueuedConnection,
                                      &result);
            return result;
        }
    }

    // Queues function to the thread without waiting; dropped once the thread stopped.
    template <typename Function> void post(Function function)
    {
        QMetaObject::invokeMethod(m_context, std::move(function), Qt::QueuedConnection);
    }

    // Ends the event loop and waits for the thread. Idempotent.
    void stop();

private:
    QThread m_thread;
    QObject *m_context;
};

} // namespace coder::server
