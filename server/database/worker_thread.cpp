#include "worker_thread.h"

namespace coder::server {

WorkerThread::WorkerThread(const QString &name) : m_context(new QObject)
{
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    m_thread.start();
}

WorkerThread::~WorkerThread()
{
    stop();
    // The thread is finished, so its object can go from here; queued work still waiting for it
    // is discarded with it.
    delete m_context;
}

void WorkerThread::stop()
{
    if (isCurrent()) {
        qWarning("WorkerThread::stop() called from its own thread; ignored.");
        return;
    }
    m_thread.quit();
    m_thread.wait();
}

} // namespace coder::server
