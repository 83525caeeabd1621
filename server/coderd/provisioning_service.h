#pragma once

#include "coderd_config.h"
#include "core/mailbox.h"
#include "core/result.h"
#include "server/database/provisioning_models.h"

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>
#include <vector>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class JobDaemons;
class LifecycleScheduler;
class LocalJobSource;
class Provisioner;
class ProvisionerJobServer;
class Pubsub;
class Store;
class WorkspaceBuilder;

// Everything of coderd that builds workspaces: the job server daemons talk to, the workspace
// builder the routes and the scheduler use, the built-in daemons with their provisioners, the
// reaper that fails jobs whose daemon stopped heartbeating, and the autostart/autostop
// scheduler. Lives on the thread hosting coderd and never waits there: what blocks runs on the
// pool (prepare(), the reaper's and the scheduler's passes) or on the daemons' threads.
class ProvisioningService : public QObject
{
    Q_OBJECT
public:
    ProvisioningService(Store &store, Pubsub &pubsub, const CoderdConfig &config,
                        core::WorkPool &pool, std::function<QUrl()> accessUrl,
                        QObject *parent = nullptr);
    ~ProvisioningService() override;

    // What start() needs that takes time: the built-in daemons registered (named
    // <instanceName>-built-in-<n>, so that a restarted coderd takes over its own rows; replicas on
    // one host share them, which is harmless: a job is only ever reported on by the thread that
    // runs it, and orphans are found by their heartbeat) and the agent bundle for Docker
    // workspaces. Blocking: call it on a pool thread.
    struct Prepared
    {
        QList<ProvisionerDaemon> daemons;
        QString bundleDirectory;   // empty: no Docker daemon here, or no bundle could be made
        QStringList bundleCommand; // the agent's command in a container, from the bundle
    };
    static core::Result<Prepared, QString> prepare(Store &store, const CoderdConfig &config,
                                                   const QString &instanceName);
    // Checks the provisioning settings of config; "" or what is wrong, for the user.
    static QString configProblem(const CoderdConfig &config);

    // Starts the daemons, the reaper and the scheduler; returns at once.
    void start(const Prepared &prepared);
    // Stops taking jobs; emits stopped() once the running ones have ended. Returns at once.
    void stop();

    ProvisionerJobServer &jobs() { return *m_jobs; }
    WorkspaceBuilder &builder() { return *m_builder; }

Q_SIGNALS:
    void stopped();

private:
    void reap();

    Store &m_store;
    const CoderdConfig &m_config;
    core::WorkPool &m_pool;
    std::unique_ptr<ProvisionerJobServer> m_jobs;
    std::unique_ptr<WorkspaceBuilder> m_builder;
    std::vector<std::unique_ptr<Provisioner>> m_provisioners;
    std::vector<std::unique_ptr<LocalJobSource>> m_sources;
    std::unique_ptr<JobDaemons> m_daemons;
    std::unique_ptr<LifecycleScheduler> m_scheduler;
    QTimer m_reaper;
    bool m_reaping = false;
    bool m_stopping = false;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
