#include "job_daemons.h"

#include "core/mailbox.h"

#include <QLoggingCategory>
#include <QThread>
#include <QTimer>
#include <atomic>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobs)

// One daemon, living in its thread: acquire, run, repeat; idle in the event loop in between.
class DaemonLoop : public QObject
{
public:
    DaemonLoop(JobSource &source, JobRunner &runner, const JobDaemons::Options &options)
        : m_source(source), m_runner(runner), m_options(options), m_retry(this)
    {
        m_retry.setSingleShot(true);
        connect(&m_retry, &QTimer::timeout, this, &DaemonLoop::poll);
    }

    // Called from any thread.
    void requestStop()
    {
        m_stopping = true;
        m_mailbox.address().post([this] {
            if (!m_working)
                finish();
        });
    }
    // A job may have been posted: callable from any thread, also after the loop is gone.
    std::function<void()> waker()
    {
        return [address = m_mailbox.address(), this] {
            address.post([this] {
                if (!m_working && m_retry.isActive()) {
                    m_retry.stop();
                    poll();
                }
            });
        };
    }

    void poll()
    {
        if (m_stopping) {
            finish();
            return;
        }
        m_working = true;
        auto job = m_source.acquire(m_options.acquireWaitMs);
        if (job && *job)
            m_runner.run(m_source, **job); // also when stopping: it is this daemon's now
        m_working = false;
        if (m_stopping) {
            finish();
            return;
        }
        if (!job) {
            // coderd unreachable or refusing: back off (up to 10 s) instead of spinning.
            qCWarning(lcJobs) << "cannot acquire a job:" << job.error();
            m_failures = std::min(m_failures + 1, 10);
            m_retry.start(100 * m_failures * m_failures);
            return;
        }
        m_failures = 0;
        if (*job)
            QMetaObject::invokeMethod(this, &DaemonLoop::poll, Qt::QueuedConnection);
        else
            m_retry.start(m_options.retryIntervalMs);
    }

private:
    void finish()
    {
        if (m_finished)
            return;
        m_finished = true;
        m_retry.stop();
        m_source.threadEnding();
        thread()->quit();
    }

    JobSource &m_source;
    JobRunner &m_runner;
    const JobDaemons::Options &m_options;
    QTimer m_retry;
    std::atomic<bool> m_stopping = false;
    bool m_working = false;
    bool m_finished = false;
    int m_failures = 0;
    core::Mailbox m_mailbox{this};
};

JobDaemons::JobDaemons(QList<JobSource *> sources, QHash<QString, Provisioner *> provisioners,
                       Options options, QObject *parent)
    : QObject(parent), m_sources(std::move(sources)),
      m_runner(std::move(provisioners), options.runner), m_options(std::move(options))
{}

JobDaemons::~JobDaemons()
{
    stop();
    for (QThread *thread : m_threads)
        thread->wait();
    for (DaemonLoop *loop : m_loops)
        delete loop; // its thread has ended
    for (QThread *thread : m_threads)
        delete thread;
}

void JobDaemons::start()
{
    if (!m_threads.empty())
        return;
    for (qsizetype i = 0; i < m_sources.size(); ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("provisionerd-%1").arg(i));
        auto *loop = new DaemonLoop(*m_sources[i], m_runner, m_options);
        loop->moveToThread(thread);
        connect(thread, &QThread::started, loop, &DaemonLoop::poll);
        connect(thread, &QThread::finished, this, [this] {
            if (--m_running == 0 && m_stopping)
                Q_EMIT stopped();
        });
        m_sources[i]->onJobPosted(loop->waker());
        m_threads.push_back(thread);
        m_loops.push_back(loop);
        ++m_running;
        thread->start();
    }
}

void JobDaemons::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_running == 0) {
        QMetaObject::invokeMethod(this, &JobDaemons::stopped, Qt::QueuedConnection);
        return;
    }
    for (JobSource *source : std::as_const(m_sources))
        source->interrupt();
    for (DaemonLoop *loop : m_loops)
        loop->requestStop();
}

} // namespace coder::server
