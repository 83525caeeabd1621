#include "provisioner_job_server.h"

#include "server/database/pubsub.h"

#include <QCryptographicHash>
#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcJobServer, "coder.provisioner")

namespace channels {
QString jobLogs(const QUuid &jobId)
{
    return QStringLiteral("job_logs:") + jobId.toString(QUuid::WithoutBraces);
}
QString workspace(const QUuid &workspaceId)
{
    return QStringLiteral("workspace:") + workspaceId.toString(QUuid::WithoutBraces);
}
void workspaceChanged(Pubsub &pubsub, const QUuid &workspaceId, const QByteArray &what)
{
    pubsub.publish(workspace(workspaceId), what);
    pubsub.publish(workspaces, workspaceId.toByteArray(QUuid::WithoutBraces));
}
} // namespace channels

namespace {

QString describe(const StoreError &error)
{
    return error.message.isEmpty() ? QStringLiteral("database error") : error.message;
}

QList<WorkspaceApp> appsOf(const core::TemplateAgent &spec)
{
    QList<WorkspaceApp> apps;
    for (const core::TemplateApp &app : spec.apps) {
        WorkspaceApp row;
        row.slug = app.slug;
        row.displayName = app.displayName.isEmpty() ? app.slug : app.displayName;
        row.icon = app.icon;
        row.url = app.url;
        row.command = app.command;
        row.sharingLevel = app.sharingLevel;
        row.subdomain = app.subdomain;
        if (app.healthcheck)
            row.healthcheck = {{QStringLiteral("url"), app.healthcheck->url},
                               {QStringLiteral("interval"), app.healthcheck->intervalSeconds},
                               {QStringLiteral("threshold"), app.healthcheck->threshold}};
        apps.append(row);
    }
    return apps;
}

// Provisioned resources as rows; agents keep only the SHA-256 of their token.
QList<WorkspaceResource> resourceRows(const QList<ProvisionedResource> &resources,
                                      const QString &transition)
{
    QList<WorkspaceResource> rows;
    for (const ProvisionedResource &resource : resources) {
        WorkspaceResource row;
        row.id = QUuid::createUuid();
        row.transition = transition;
        row.type = resource.type;
        row.name = resource.name;
        row.persistent = resource.persistent;
        for (const ProvisionedAgent &agent : resource.agents) {
            WorkspaceAgent a;
            a.id = QUuid::createUuid();
            a.resourceId = row.id;
            a.name = agent.spec.name;
            if (!agent.token.isEmpty())
                a.authTokenHash =
                    QCryptographicHash::hash(agent.token.toUtf8(), QCryptographicHash::Sha256);
            a.operatingSystem = agent.spec.os;
            a.architecture = agent.spec.arch.isEmpty() ? QStringLiteral("amd64") : agent.spec.arch;
            a.directory = agent.spec.directory;
            for (auto it = agent.spec.env.cbegin(); it != agent.spec.env.cend(); ++it)
                a.environmentVariables.insert(it.key(), it.value());
            a.startupScript = agent.spec.startupScript;
            a.startupScriptTimeoutSeconds = agent.spec.startupScriptTimeoutSeconds;
            a.shutdownScript = agent.spec.shutdownScript;
            a.shutdownScriptTimeoutSeconds = agent.spec.shutdownScriptTimeoutSeconds;
            a.connectionTimeoutSeconds = agent.spec.connectionTimeoutSeconds;
            a.metadataDefinitions = agent.spec.toJson().value(QLatin1String("metadata")).toArray();
            a.apps = appsOf(agent.spec);
            for (WorkspaceApp &app : a.apps) {
                app.id = QUuid::createUuid();
                app.agentId = a.id;
            }
            row.agents.append(a);
        }
        rows.append(row);
    }
    return rows;
}

} // namespace

QUuid workspaceIdOfJob(const ProvisionerJob &job)
{
    return QUuid::fromString(job.input.value(QStringLiteral("workspace_id")).toString());
}

ProvisionerJobServer::ProvisionerJobServer(Store &store, Pubsub &pubsub,
                                           std::function<QUrl()> accessUrl)
    : m_store(store), m_pubsub(pubsub), m_accessUrl(std::move(accessUrl))
{}

core::Result<std::optional<AcquiredJob>, QString>
ProvisionerJobServer::acquire(const JobAcquireRequest &request)
{
    // A job whose payload cannot be made (its file or build vanished) is failed, and the next
    // one is tried, so one broken job never blocks the queue.
    for (;;) {
        auto acquired = m_store.jobs().acquire(request);
        if (!acquired)
            return describe(acquired.error());
        if (!*acquired)
            return std::optional<AcquiredJob>();
        const ProvisionerJob &job = **acquired;
        jobChanged(job);
        auto payload = payloadFor(job);
        if (payload)
            return std::optional<AcquiredJob>(std::move(*payload));
        qCWarning(lcJobServer) << "failing job" << job.id << ":" << payload.error();
        if (auto failed = m_store.workspaces().failJob(job.id, request.workerId, payload.error(),
                                                       QStringLiteral("INVALID_JOB"), std::nullopt))
            jobChanged(*failed);
    }
}

core::Result<AcquiredJob, QString> ProvisionerJobServer::payloadFor(const ProvisionerJob &job)
{
    AcquiredJob payload;
    payload.jobId = job.id;
    payload.type = job.type;
    payload.provisioner = job.provisioner;
    auto file = m_store.templates().fileById(job.fileId);
    if (!file)
        return QStringLiteral("the job's template archive %1 is missing")
            .arg(job.fileId.toString());
    payload.templateArchive = file->data;
    if (job.type != job_type::workspaceBuild)
        return payload;

    auto build = m_store.workspaces().buildByJobId(job.id);
    if (!build)
        return QStringLiteral("the job's workspace build is missing");
    auto workspace = m_store.workspaces().byId(build->workspaceId);
    if (!workspace)
        return QStringLiteral("the job's workspace is missing");
    payload.buildId = build->id;
    payload.transition = build->transition;
    payload.workspace = {workspace->workspace.id, workspace->workspace.name,
                         workspace->workspace.ownerId, workspace->ownerName,
                         m_accessUrl().toString()};
    auto parameters =
        core::json::fromJson<QList<core::WorkspaceBuildParameter>>(QJsonValue(build->parameters));
    if (!parameters)
        return QString(QStringLiteral("the build's parameters cannot be read: ") +
                       parameters.error());
    payload.parameters = std::move(*parameters);
    // A build starts with its predecessor's state (copied when it was created) and records
    // its own as it goes, so this is what exists now.
    payload.priorState = build->provisionerState;
    return payload;
}

core::Result<ProvisionerJob, QString> ProvisionerJobServer::runningJob(const QUuid &jobId,
                                                                       const QUuid &workerId)
{
    auto job = m_store.jobs().byId(jobId);
    if (!job)
        return describe(job.error());
    if (job->workerId != workerId ||
        (job->status != job_status::running && job->status != job_status::canceling))
        return QStringLiteral("job %1 is no longer running on this daemon")
            .arg(jobId.toString(QUuid::WithoutBraces));
    return *job;
}

core::Result<bool, QString> ProvisionerJobServer::heartbeat(const QUuid &jobId,
                                                            const QUuid &workerId)
{
    auto job = m_store.jobs().heartbeat(jobId, workerId);
    if (!job) {
        if (job.error().kind == StoreError::Internal ||
            job.error().kind == StoreError::Unavailable) // a database restart: keep working
            return describe(job.error());
        return true; // failed meanwhile (e.g. as an orphan) or given up: stop working on it
    }
    return job->status == job_status::canceling;
}

core::Result<core::Ok, QString> ProvisionerJobServer::appendLogs(const QUuid &jobId,
                                                                 const QUuid &workerId,
                                                                 const QList<JobLogLine> &logs)
{
    if (auto job = runningJob(jobId, workerId); !job)
        return job.error();
    QList<ProvisionerJobLog> rows;
    for (const JobLogLine &line : logs) {
        ProvisionerJobLog row;
        row.jobId = jobId;
        row.level = line.level;
        row.stage = line.stage;
        row.output = line.output;
        rows.append(row);
    }
    if (auto stored = m_store.jobs().appendLogs(jobId, rows); !stored)
        return describe(stored.error());
    m_pubsub.publish(channels::jobLogs(jobId), "logs");
    return core::Ok{};
}

core::Result<core::Ok, QString>
ProvisionerJobServer::checkpoint(const QUuid &jobId, const QUuid &workerId, const QByteArray &state)
{
    if (auto stored = m_store.workspaces().checkpointBuildState(jobId, workerId, state); !stored)
        return describe(stored.error());
    return core::Ok{};
}

core::Result<core::Ok, QString> ProvisionerJobServer::completeImport(const QUuid &jobId,
                                                                     const QUuid &workerId,
                                                                     const ImportResult &result)
{
    const QJsonArray parameters = core::json::toJsonValue(result.parameters).toArray();
    auto job =
        m_store.templates().completeImportJob(jobId, workerId, parameters, result.readme,
                                              resourceRows(result.resources, transition::start));
    if (!job)
        return describe(job.error());
    jobChanged(*job);
    return core::Ok{};
}

core::Result<core::Ok, QString> ProvisionerJobServer::completeBuild(const QUuid &jobId,
                                                                    const QUuid &workerId,
                                                                    const BuildResult &result)
{
    auto build = m_store.workspaces().buildByJobId(jobId);
    if (!build)
        return describe(build.error());
    // Autostop counts from the moment the workspace is up, as Coder's deadline does. Set before
    // the job completes, so that nobody sees a finished start build without its deadline.
    if (build->transition == transition::start) {
        if (auto workspace = m_store.workspaces().byId(build->workspaceId);
            workspace && workspace->workspace.ttlMs > 0) {
            const QDateTime deadline =
                QDateTime::currentDateTimeUtc().addMSecs(workspace->workspace.ttlMs);
            if (auto updated = m_store.workspaces().updateBuildDeadline(build->id, deadline, {});
                !updated)
                qCWarning(lcJobServer) << "cannot set the deadline of build" << build->id;
        }
    }
    auto job = m_store.workspaces().completeBuildJob(
        jobId, workerId, result.state, resourceRows(result.resources, build->transition));
    if (!job)
        return describe(job.error());
    jobChanged(*job);
    return core::Ok{};
}

core::Result<core::Ok, QString>
ProvisionerJobServer::fail(const QUuid &jobId, const QUuid &workerId, const BuildFailure &failure)
{
    // The state is what exists despite the failure (empty: nothing); import jobs have no build
    // to record it on, and the store ignores it for them.
    auto job = m_store.workspaces().failJob(jobId, workerId, failure.message, {}, failure.state);
    if (!job)
        return describe(job.error());
    jobChanged(*job);
    return core::Ok{};
}

int ProvisionerJobServer::failStaleJobs(const QDateTime &before)
{
    const QString message =
        QStringLiteral("The provisioner daemon running this job stopped responding (no heartbeat "
                       "since %1); the job was failed. Stop or delete the workspace to clean up.")
            .arg(before.toString(Qt::ISODate));
    auto failed = m_store.jobs().failStale(before, message);
    if (!failed) {
        qCWarning(lcJobServer) << "cannot fail stale jobs:" << failed.error().message;
        return 0;
    }
    for (const ProvisionerJob &job : std::as_const(*failed)) {
        qCWarning(lcJobServer) << "job" << job.id << "failed: its daemon stopped heartbeating";
        jobChanged(job);
    }
    return int(failed->size());
}

void ProvisionerJobServer::jobPosted()
{
    m_pubsub.publish(channels::jobPosted, "posted");
}

void ProvisionerJobServer::jobChanged(const ProvisionerJob &job)
{
    if (!job.isActive())
        m_pubsub.publish(channels::jobLogs(job.id), "end");
    if (const QUuid workspace = workspaceIdOfJob(job); !workspace.isNull())
        channels::workspaceChanged(m_pubsub, workspace, "job");
}

} // namespace coder::server
