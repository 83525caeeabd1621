#include "provisioning_service.h"

#include "core/work_pool.h"
#include "lifecycle_scheduler.h"
#include "local_job_source.h"
#include "provisioner_job_server.h"
#include "server/database/store.h"
#include "server/provisioner/agent_bundle.h"
#include "server/provisioner/agent_program.h"
#include "server/provisioner/docker_provisioner.h"
#include "server/provisioner/job_daemons.h"
#include "server/provisioner/process_provisioner.h"
#include "server/provisioner/process_sandbox.h"
#include "workspace_builder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobServer)

namespace {

QString dockerSocket(const CoderdConfig &config)
{
    return config.dockerHost.isEmpty() ? QStringLiteral("/var/run/docker.sock") : config.dockerHost;
}

} // namespace

ProvisioningService::ProvisioningService(Store &store, Pubsub &pubsub, const CoderdConfig &config,
                                         core::WorkPool &pool, std::function<QUrl()> accessUrl,
                                         QObject *parent)
    : QObject(parent), m_store(store), m_config(config), m_pool(pool),
      m_jobs(std::make_unique<ProvisionerJobServer>(store, pubsub, std::move(accessUrl))),
      m_builder(std::make_unique<WorkspaceBuilder>(store, *m_jobs))
{
    connect(&m_reaper, &QTimer::timeout, this, &ProvisioningService::reap);
}

ProvisioningService::~ProvisioningService() = default;

QString ProvisioningService::configProblem(const CoderdConfig &config)
{
    if (const QFileInfo agent(config.agentProgram);
        !config.agentProgram.isEmpty() && (!agent.isFile() || !agent.isExecutable()))
        return QStringLiteral("the workspace agent %1 is not an executable file")
            .arg(config.agentProgram);
    return ProcessSandbox::resolve(config.processSandbox, config.allowUnsandboxedRoot).error;
}

core::Result<ProvisioningService::Prepared, QString>
ProvisioningService::prepare(Store &store, const CoderdConfig &config, const QString &instanceName)
{
    Prepared prepared;
    const QString workDirectory = config.dataDir + QStringLiteral("/provisionerd");
    if (!QDir().mkpath(workDirectory))
        return QStringLiteral("cannot create %1").arg(workDirectory);
    // The agent bundle is made only where a Docker daemon is there to use it.
    if (config.provisionerDaemons > 0 && QFileInfo::exists(dockerSocket(config))) {
        const AgentProgram agent = AgentProgram::resolve(config.agentProgram);
        AgentBundle bundle(agent.path, config.dataDir + QStringLiteral("/agent-bundles"));
        if (auto made = bundle.prepare()) {
            prepared.bundleDirectory = *made;
            prepared.bundleCommand = QStringList{DockerProvisioner::bundleMountPath() +
                                                 AgentBundle::startScript(agent.path)} +
                                     agent.arguments;
        } else
            qCWarning(lcJobServer)
                << "no agent bundle for Docker workspaces:" << made.error().message;
    }
    QStringList provisioners{QStringLiteral("docker"), QStringLiteral("process")};
    for (int i = 0; i < config.provisionerDaemons; ++i) {
        ProvisionerDaemon row;
        row.name = QStringLiteral("%1-built-in-%2").arg(instanceName).arg(i);
        row.provisioners = provisioners;
        row.version = QStringLiteral(CODER_VERSION);
        row.lastSeenAt = QDateTime::currentDateTimeUtc();
        auto stored = store.jobs().upsertDaemon(row);
        if (!stored)
            return QStringLiteral("cannot register the built-in provisioner daemons: %1")
                .arg(stored.error().message);
        prepared.daemons.append(*stored);
    }
    return prepared;
}

void ProvisioningService::start(const Prepared &prepared)
{
    ProcessProvisionerOptions process;
    process.workspacesRoot = m_config.dataDir + QStringLiteral("/workspaces");
    // configProblem() refused what does not resolve before this could start.
    process.sandbox =
        ProcessSandbox::resolve(m_config.processSandbox, m_config.allowUnsandboxedRoot).name;
    process.sandboxHiddenPaths = {m_config.dataDir};
    process.agentCommand = AgentProgram::resolve(m_config.agentProgram).command();
    m_provisioners.push_back(std::make_unique<ProcessProvisioner>(process));
    DockerProvisionerOptions docker;
    docker.socketPath = m_config.dockerHost;
    docker.bundleDirectory = prepared.bundleDirectory;
    docker.bundleCommand = prepared.bundleCommand;
    m_provisioners.push_back(std::make_unique<DockerProvisioner>(docker));

    QHash<QString, Provisioner *> byName;
    for (const auto &provisioner : m_provisioners)
        byName.insert(provisioner->name(), provisioner.get());
    JobDaemons::Options options;
    options.runner.workDirectory = m_config.dataDir + QStringLiteral("/provisionerd");
    options.runner.heartbeatIntervalMs = m_config.provisionerHeartbeatIntervalMs;
    QList<JobSource *> sources;
    for (const ProvisionerDaemon &daemon : prepared.daemons) {
        m_sources.push_back(std::make_unique<LocalJobSource>(
            *m_jobs, JobAcquireRequest{daemon.id, daemon.provisioners, daemon.tags}));
        sources.append(m_sources.back().get());
    }
    m_daemons = std::make_unique<JobDaemons>(sources, byName, options);
    connect(m_daemons.get(), &JobDaemons::stopped, this, &ProvisioningService::stopped);
    m_daemons->start();

    // Check for orphans a few times per timeout, and once right away: after a restart, jobs of
    // the previous run are failed as soon as their heartbeat is old enough.
    m_reaper.start(std::max(250, m_config.provisionerHeartbeatTimeoutMs / 4));
    reap();
    m_scheduler = std::make_unique<LifecycleScheduler>(m_store, *m_builder, m_pool,
                                                       m_config.autobuildPollIntervalMs);
    m_scheduler->start();
}

void ProvisioningService::reap()
{
    if (std::exchange(m_reaping, true))
        return; // the last pass still runs
    QList<QUuid> workers;
    for (const auto &source : m_sources)
        workers.append(source->workerId());
    const qint64 timeoutMs = m_config.provisionerHeartbeatTimeoutMs;
    // The work keeps no pointer to this object (the pool may finish it after it is gone);
    // the store and job server it uses outlive the pool's work (Coderd drains the pool first).
    m_pool.run(
        m_mailbox.address(),
        [&store = m_store, &jobs = *m_jobs, workers, timeoutMs] {
            const QDateTime now = QDateTime::currentDateTimeUtc();
            for (const QUuid &worker : workers)
                store.jobs().touchDaemon(worker, now);
            jobs.failStaleJobs(now.addMSecs(-timeoutMs));
        },
        [this] { m_reaping = false; });
}

void ProvisioningService::stop()
{
    if (std::exchange(m_stopping, true))
        return;
    m_reaper.stop();
    if (m_scheduler)
        m_scheduler->stop();
    if (m_daemons)
        m_daemons->stop(); // stopped() follows once their jobs have ended
    else
        QMetaObject::invokeMethod(this, &ProvisioningService::stopped, Qt::QueuedConnection);
}

} // namespace coder::server
