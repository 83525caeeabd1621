#pragma once

#include "coderd_config.h"

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>
#include <vector>

namespace coder::server {

class LifecycleScheduler;
class LocalJobSource;
class Provisioner;
class ProvisionerWorkerPool;
class ProvisionerJobServer;
class Pubsub;
class Store;
class WorkspaceBuilder;

// Everything of coderd that builds workspaces: the job server daemons talk to, the workspace
// builder the routes and the scheduler use, the built-in daemons with their provisioners, the
// reaper that fails jobs whose daemon stopped heartbeating, and the autostart/autostop
// scheduler. Lives on coderd's main thread.
class ProvisioningService : public QObject
{
    Q_OBJECT
public:
    ProvisioningService(Store &store, Pubsub &pubsub, const CoderdConfig &config,
                        std::function<QUrl()> accessUrl, QObject *parent = nullptr);
    ~ProvisioningService() override;

    // Built-in daemons are named <instanceName>-built-in-<n>, so a restarted coderd takes over
    // its own rows; replicas on one host share them, which is harmless: a job is only ever
    // reported on by the thread that runs it, and orphans are found by their heartbeat.
    QString start(const QString &instanceName);
    // Stops taking jobs and waits for the running ones to end.
    void stop();

    ProvisionerJobServer &jobs() { return *m_jobs; }
    WorkspaceBuilder &builder() { return *m_builder; }

private:
    void reap();

    Store &m_store;
    const CoderdConfig &m_config;
    std::unique_ptr<ProvisionerJobServer> m_jobs;
    std::unique_ptr<WorkspaceBuilder> m_builder;
    std::vector<std::unique_ptr<Provisioner>> m_provisioners;
    std::vector<std::unique_ptr<LocalJobSource>> m_sources;
    std::vector<std::unique_ptr<ProvisionerWorkerPool>> m_daemons;
    std::unique_ptr<LifecycleScheduler> m_scheduler;
    QTimer m_reaper;
};

} // namespace coder::server
