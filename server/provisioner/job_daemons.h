#pragma once

#include "job_runner.h"

#include <QList>
#include <QObject>
#include <QString>
#include <vector>

class QThread;

namespace coder::server {

class DaemonLoop;

// Provisioner daemons: one QThread each, taking jobs from its JobSource one at a time and
// running them to their end with a JobRunner. Built-in daemons run inside coderd (a source
// each); `coder provisionerd start` runs them over one WebSocket. A daemon thread blocks while
// a job runs (a provisioner runs programs and waits for them: that is its job, and no socket is
// served there); between jobs it waits in its event loop for a wake from the source or a
// retry timer. stop() is asynchronous: running jobs finish, then stopped() is emitted.
class JobDaemons : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        JobRunner::Options runner;
        // How long one acquire may wait inside the source for a job (a remote source's long
        // poll); 0: a single attempt, woken by the source's onJobPosted.
        int acquireWaitMs = 0;
        int retryIntervalMs = 1000; // with nothing to do, look again this often
    };

    // Thread i takes its jobs from sources[i] (the same source may be given several times).
    JobDaemons(QList<JobSource *> sources, QHash<QString, Provisioner *> provisioners,
               Options options, QObject *parent = nullptr);
    // Stops and, if a thread still runs, waits for it: wait for stopped() to never block here.
    ~JobDaemons() override;

    void start();
    // Takes no more jobs; emits stopped() once the running ones have ended.
    void stop();
    bool isRunning() const { return m_running > 0; }

Q_SIGNALS:
    void stopped();

private:
    QList<JobSource *> m_sources;
    JobRunner m_runner;
    Options m_options;
    std::vector<QThread *> m_threads;
    std::vector<DaemonLoop *> m_loops;
    int m_running = 0;
    bool m_stopping = false;
};

} // namespace coder::server
