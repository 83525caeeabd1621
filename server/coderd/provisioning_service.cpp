#include "provisioning_service.h"

#include "lifecycle_scheduler.h"
#include "local_job_source.h"
#include "provisioner_job_server.h"
#include "server/database/store.h"
#include "server/provisioner/agent_bundle.h"
#include "server/provisioner/docker_provisioner.h"
#include "server/provisioner/process_provisioner.h"
#include "server/provisioner/provisioner_worker_pool.h"
#include "workspace_builder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobServer)

ProvisioningService::ProvisioningService(Store &store, Pubsub &pubsub, const CoderdConfig &config,
                                         std::function<QUrl()> accessUrl, QObject *parent)
    : QObject(parent), m_store(store), m_config(config),
      m_jobs(std::make_unique<ProvisionerJobServer>(store, pubsub, std::move(accessUrl))),
      m_builder(std::make_unique<WorkspaceBuilder>(store, *m_jobs))
{
    connect(&m_reaper, &QTimer::timeout, this, &ProvisioningService::reap);
}

ProvisioningService::~ProvisioningService()
{
    stop();
}

QString ProvisioningService::start(const QString &instanceName)
{
    if (m_config.processSandbox != QLatin1String("none") &&
        m_config.processSandbox != QLatin1String("bwrap"))
        return QStringLiteral("invalid --process-sandbox \"%1\": expected none or bwrap")
            .arg(m_config.processSandbox);
    if (m_config.processSandbox == QLatin1String("bwrap") &&
        ProcessProvisioner::findBubblewrap().isEmpty())
        return QStringLiteral("--process-sandbox=bwrap needs bubblewrap (bwrap), which is not "
                              "installed");

    ProcessProvisionerOptions process;
    process.workspacesRoot = m_config.dataDir + QStringLiteral("/workspaces");
    process.sandbox = m_config.processSandbox;
    process.sandboxHiddenPaths = {m_config.dataDir};
    m_provisioners.push_back(std::make_unique<ProcessProvisioner>(process));

    DockerProvisionerOptions docker;
    docker.socketPath = m_config.dockerHost;
    // The agent bundle is made only where a Docker daemon is there to use it.
    const QString socket =
        docker.socketPath.isEmpty() ? QStringLiteral("/var/run/docker.sock") : docker.socketPath;
    if (m_config.provisionerDaemons > 0 && QFileInfo::exists(socket)) {
        AgentBundle bundle(QCoreApplication::applicationFilePath(),
                           m_config.dataDir + QStringLiteral("/agent-bundles"));
        if (auto prepared = bundle.prepare())
            docker.bundleDirectory = *prepared;
        else
            qCWarning(lcJobServer)
                << "no agent bundle for Docker workspaces:" << prepared.error().message;
    }
    m_provisioners.push_back(std::make_unique<DockerProvisioner>(docker));

    QHash<QString, Provisioner *> byName;
    for (const auto &provisioner : m_provisioners)
        byName.insert(provisioner->name(), provisioner.get());
    JobRunner::Options runner;
    runner.workDirectory = m_config.dataDir + QStringLiteral("/provisionerd");
    runner.heartbeatIntervalMs = m_config.provisionerHeartbeatIntervalMs;
    if (!QDir().mkpath(runner.workDirectory))
        return QStringLiteral("cannot create %1").arg(runner.workDirectory);

    for (int i = 0; i < m_config.provisionerDaemons; ++i) {
        ProvisionerDaemon row;
        row.name = QStringLiteral("%1-built-in-%2").arg(instanceName).arg(i);
        row.provisioners = byName.keys();
        row.provisioners.sort();
        row.version = QStringLiteral(CODER_VERSION);
        row.lastSeenAt = QDateTime::currentDateTimeUtc();
        auto stored = m_store.upsertProvisionerDaemon(row);
        if (!stored)
            return QStringLiteral("cannot register the built-in provisioner daemons: %1")
                .arg(stored.error().message);
        m_sources.push_back(std::make_unique<LocalJobSource>(
            *m_jobs, JobAcquireRequest{stored->id, stored->provisioners, stored->tags}));
        m_daemons.push_back(
            std::make_unique<ProvisionerWorkerPool>(*m_sources.back(), byName, runner, 1));
    }
    for (auto &daemon : m_daemons)
        daemon->start();

    // Check for orphans a few times per timeout, and once right away: after a restart, jobs of
    // the previous run are failed as soon as their heartbeat is old enough.
    m_reaper.start(std::max(250, m_config.provisionerHeartbeatTimeoutMs / 4));
    reap();
    m_scheduler =
        std::make_unique<LifecycleScheduler>(m_store, *m_builder, m_config.autobuildPollIntervalMs);
    m_scheduler->start();
    return {};
}

void ProvisioningService::reap()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &source : m_sources)
        m_store.touchProvisionerDaemon(source->workerId(), now);
    m_jobs->failStaleJobs(
        QDateTime::currentDateTimeUtc().addMSecs(-qint64(m_config.provisionerHeartbeatTimeoutMs)));
}

void ProvisioningService::stop()
{
    m_reaper.stop();
    m_scheduler.reset();
    for (auto &daemon : m_daemons)
        daemon->stop();
    m_daemons.clear();
    m_sources.clear();
    m_provisioners.clear();
}

} // namespace coder::server
