#pragma once

#include "job_runner.h"

#include <QString>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace coder::server {

// A pool of job threads, each taking jobs from a JobSource one at a time and running them to
// their end with a JobRunner. Built-in daemons run inside coderd; `coder provisionerd start`
// runs one over a WebSocket.
class ProvisionerWorkerPool
{
public:
    ProvisionerWorkerPool(JobSource &source, QHash<QString, Provisioner *> provisioners,
                          JobRunner::Options options, int concurrency);
    ~ProvisionerWorkerPool(); // stop()

    void start();
    // Takes no more jobs and waits for the running ones to end.
    void stop();

private:
    void loop();

    JobSource &m_source;
    JobRunner m_runner;
    int m_concurrency;
    std::atomic<bool> m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace coder::server
