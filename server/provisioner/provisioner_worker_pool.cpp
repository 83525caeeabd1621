#include "provisioner_worker_pool.h"

#include <QLoggingCategory>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobs)

ProvisionerWorkerPool::ProvisionerWorkerPool(JobSource &source,
                                             QHash<QString, Provisioner *> provisioners,
                                             JobRunner::Options options, int concurrency)
    : m_source(source), m_runner(source, std::move(provisioners), std::move(options)),
      m_concurrency(std::max(1, concurrency))
{}

ProvisionerWorkerPool::~ProvisionerWorkerPool()
{
    stop();
}

void ProvisionerWorkerPool::start()
{
    m_stopping = false;
    for (int i = 0; i < m_concurrency; ++i)
        m_threads.emplace_back([this] { loop(); });
}

void ProvisionerWorkerPool::stop()
{
    m_stopping = true;
    m_source.interrupt();
    for (std::thread &thread : m_threads)
        thread.join();
    m_threads.clear();
}

void ProvisionerWorkerPool::loop()
{
    int failures = 0;
    while (!m_stopping) {
        auto job = m_source.acquire(10000);
        if (!job) {
            // coderd unreachable or refusing: back off (up to 10 s) instead of spinning.
            if (m_stopping)
                break;
            qCWarning(lcJobs) << "cannot acquire a job:" << job.error();
            failures = std::min(failures + 1, 10);
            for (int slice = 0; slice < failures * failures && !m_stopping; ++slice)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        failures = 0;
        if (*job)
            m_runner.run(**job);
    }
    m_source.threadEnding();
}

} // namespace coder::server
