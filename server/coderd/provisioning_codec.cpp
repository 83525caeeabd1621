#include "provisioning_codec.h"

#include "json_codec.h"

#include <QJsonDocument>

namespace coder::server {

namespace {

constexpr qint64 agentConnectionTimeoutMs = 120 * 1000;
constexpr qint64 agentInactiveDisconnectMs = 60 * 1000;

core::JsonWriter &timeOrNull(core::JsonWriter &json, const char *key, const QDateTime &time)
{
    json.key(key);
    return time.isValid() ? json.value(time) : json.null();
}

core::JsonWriter &idOrNull(core::JsonWriter &json, const char *key, const QUuid &id)
{
    json.key(key);
    return id.isNull() ? json.null() : json.value(id);
}

QByteArray compact(const QJsonObject &object)
{
    if (object.isEmpty()) // every job's input in a list, which leaves it out
        return QByteArrayLiteral("{}");
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray compact(const QJsonArray &array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

// Through QJsonObject: JsonWriter's keys are the code's own ASCII literals, never user text.
void writeStringMap(core::JsonWriter &json, const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    json.raw(compact(object));
}

} // namespace

QString workspaceStatus(const QString &jobStatus, const QString &transition)
{
    if (jobStatus == job_status::pending)
        return QStringLiteral("pending");
    if (jobStatus == job_status::running) {
        if (transition == transition::start)
            return QStringLiteral("starting");
        if (transition == transition::stop)
            return QStringLiteral("stopping");
        return QStringLiteral("deleting");
    }
    if (jobStatus == job_status::succeeded) {
        if (transition == transition::start)
            return QStringLiteral("running");
        if (transition == transition::stop)
            return QStringLiteral("stopped");
        return QStringLiteral("deleted");
    }
    if (jobStatus == job_status::canceling)
        return QStringLiteral("canceling");
    if (jobStatus == job_status::canceled)
        return QStringLiteral("canceled");
    return QStringLiteral("failed");
}

QString agentStatus(const WorkspaceAgent &agent, const QDateTime &now)
{
    if (!agent.firstConnectedAt.isValid())
        return agent.createdAt.msecsTo(now) > agentConnectionTimeoutMs
                   ? QStringLiteral("timeout")
                   : QStringLiteral("connecting");
    if (agent.disconnectedAt.isValid() && agent.disconnectedAt >= agent.lastConnectedAt)
        return QStringLiteral("disconnected");
    if (agent.lastConnectedAt.msecsTo(now) > agentInactiveDisconnectMs)
        return QStringLiteral("disconnected");
    return QStringLiteral("connected");
}

// clang-format off: one key per line reads like the JSON it writes
void writeOrganization(core::JsonWriter &json, const Organization &organization)
{
    json.beginObject()
        .key("id")
        .value(organization.id)
        .key("name")
        .value(organization.name)
        .key("display_name")
        .value(organization.displayName)
        .key("description")
        .value(organization.description)
        .key("icon")
        .value("")
        .key("created_at")
        .value(organization.createdAt)
        .key("updated_at")
        .value(organization.updatedAt)
        .key("is_default")
        .value(organization.isDefault)
        .endObject();
}

void writeProvisionerJob(core::JsonWriter &json, const ProvisionerJob &job)
{
    json.beginObject().key("id").value(job.id).key("created_at").value(job.createdAt);
    timeOrNull(json, "started_at", job.startedAt);
    timeOrNull(json, "completed_at", job.completedAt);
    timeOrNull(json, "canceled_at", job.canceledAt);
    json.key("error")
        .value(job.error)
        .key("error_code")
        .value(job.errorCode)
        .key("status")
        .value(job.status);
    idOrNull(json, "worker_id", job.workerId);
    json.key("file_id").value(job.fileId).key("tags");
    writeStringMap(json, job.tags);
    json.key("queue_position")
        .value(0)
        .key("queue_size")
        .value(0)
        .key("organization_id")
        .value(job.organizationId)
        .key("type")
        .value(job.type)
        .key("input")
        .raw(compact(job.input))
        .endObject();
}

void writeProvisionerJobLog(core::JsonWriter &json, const ProvisionerJobLog &log)
{
    json.beginObject()
        .key("id")
        .value(log.id)
        .key("created_at")
        .value(log.createdAt)
        .key("log_source")
        .value(log.source)
        .key("log_level")
        .value(log.level)
        .key("stage")
        .value(log.stage)
        .key("output")
        .value(log.output)
        .endObject();
}

void writeTemplateVersion(core::JsonWriter &json, const TemplateVersion &version,
                          const ProvisionerJob &job, const User &createdBy)
{
    json.beginObject().key("id").value(version.id);
    idOrNull(json, "template_id", version.templateId);
    json.key("organization_id")
        .value(version.organizationId)
        .key("created_at")
        .value(version.createdAt)
        .key("updated_at")
        .value(version.updatedAt)
        .key("name")
        .value(version.name)
        .key("message")
        .value(version.message)
        .key("job");
    writeProvisionerJob(json, job);
    json.key("readme")
        .value(version.readme)
        .key("created_by")
        .beginObject()
        .key("id")
        .value(createdBy.id)
        .key("username")
        .value(createdBy.username)
        .key("avatar_url")
        .value("")
        .endObject()
        .key("archived")
        .value(version.archived)
        .key("warnings")
        .beginArray()
        .endArray()
        .endObject();
}

void writeTemplate(core::JsonWriter &json, const Template &tmpl, const OrganizationRef &org,
                   const QString &createdByName, qint64 activeUserCount)
{
    json.beginObject()
        .key("id")
        .value(tmpl.id)
        .key("created_at")
        .value(tmpl.createdAt)
        .key("updated_at")
        .value(tmpl.updatedAt)
        .key("organization_id")
        .value(tmpl.organizationId)
        .key("organization_name")
        .value(org.name)
        .key("organization_display_name")
        .value(org.displayName)
        .key("name")
        .value(tmpl.name)
        .key("display_name")
        .value(tmpl.displayName)
        .key("provisioner")
        .value(tmpl.provisioner)
        .key("active_version_id")
        .value(tmpl.activeVersionId)
        .key("active_user_count")
        .value(activeUserCount)
        .key("build_time_stats")
        .beginObject()
        .endObject()
        .key("description")
        .value(tmpl.description)
        .key("icon")
        .value(tmpl.icon)
        .key("default_ttl_ms")
        .value(tmpl.defaultTtlMs)
        .key("activity_bump_ms")
        .value(tmpl.activityBumpMs)
        .key("allow_user_autostart")
        .value(tmpl.allowUserAutostart)
        .key("allow_user_autostop")
        .value(tmpl.allowUserAutostop)
        .key("allow_user_cancel_workspace_jobs")
        .value(tmpl.allowUserCancelWorkspaceJobs)
        .key("created_by_id")
        .value(tmpl.createdBy)
        .key("created_by_name")
        .value(createdByName)
        .key("deprecated")
        .value(false)
        .key("deprecation_message")
        .value("")
        .endObject();
}

void writeWorkspaceResource(core::JsonWriter &json, const WorkspaceResource &resource,
                            const QDateTime &now)
{
    json.beginObject()
        .key("id")
        .value(resource.id)
        .key("created_at")
        .value(resource.createdAt)
        .key("job_id")
        .value(resource.jobId)
        .key("workspace_transition")
        .value(resource.transition)
        .key("type")
        .value(resource.type)
        .key("name")
        .value(resource.name)
        .key("hide")
        .value(resource.hide)
        .key("icon")
        .value(resource.icon)
        .key("agents")
        .beginArray();
    for (const WorkspaceAgent &agent : resource.agents) {
        json.beginObject()
            .key("id")
            .value(agent.id)
            .key("created_at")
            .value(agent.createdAt)
            .key("updated_at")
            .value(agent.updatedAt);
        timeOrNull(json, "first_connected_at", agent.firstConnectedAt);
        timeOrNull(json, "last_connected_at", agent.lastConnectedAt);
        timeOrNull(json, "disconnected_at", agent.disconnectedAt);
        json.key("status")
            .value(agentStatus(agent, now))
            .key("lifecycle_state")
            .value(agent.lifecycleState)
            .key("name")
            .value(agent.name)
            .key("resource_id")
            .value(agent.resourceId)
            .key("architecture")
            .value(agent.architecture)
            .key("operating_system")
            .value(agent.operatingSystem)
            .key("environment_variables")
            .raw(compact(agent.environmentVariables))
            .key("directory")
            .value(agent.directory)
            .key("expanded_directory")
            .value("")
            .key("version")
            .value("")
            .key("startup_script_timeout_seconds")
            .value(agent.startupScriptTimeoutSeconds)
            .key("troubleshooting_url")
            .value("")
            .key("apps")
            .beginArray();
        for (const WorkspaceApp &app : agent.apps) {
            json.beginObject()
                .key("id")
                .value(app.id)
                .key("url")
                .value(app.url)
                .key("external")
                .value(false)
                .key("slug")
                .value(app.slug)
                .key("display_name")
                .value(app.displayName)
                .key("command")
                .value(app.command)
                .key("icon")
                .value(app.icon)
                .key("subdomain")
                .value(app.subdomain)
                .key("sharing_level")
                .value(app.sharingLevel)
                .key("healthcheck")
                .raw(compact(app.healthcheck))
                .key("health")
                .value(app.healthcheck.isEmpty() ? "disabled" : "initializing")
                .key("hidden")
                .value(false)
                .endObject();
        }
        json.endArray().endObject();
    }
    json.endArray().key("metadata").beginArray().endArray().key("daily_cost").value(0).endObject();
}

void writeWorkspaceBuild(core::JsonWriter &json, const BuildView &view, const QDateTime &now)
{
    const WorkspaceBuild &build = view.build;
    json.beginObject()
        .key("id")
        .value(build.id)
        .key("created_at")
        .value(build.createdAt)
        .key("updated_at")
        .value(build.updatedAt)
        .key("workspace_id")
        .value(build.workspaceId)
        .key("workspace_name")
        .value(view.workspaceName)
        .key("workspace_owner_id")
        .value(view.workspaceOwnerId)
        .key("workspace_owner_name")
        .value(view.workspaceOwnerName)
        .key("template_version_id")
        .value(build.templateVersionId)
        .key("template_version_name")
        .value(view.templateVersionName)
        .key("build_number")
        .value(build.buildNumber)
        .key("transition")
        .value(build.transition)
        .key("initiator_id")
        .value(build.initiatorId)
        .key("initiator_name")
        .value(view.initiatorName)
        .key("job");
    writeProvisionerJob(json, view.job);
    json.key("reason").value(build.reason).key("resources").beginArray();
    for (const WorkspaceResource &resource : view.resources)
        writeWorkspaceResource(json, resource, now);
    json.endArray();
    timeOrNull(json, "deadline", build.deadline);
    timeOrNull(json, "max_deadline", build.maxDeadline);
    json.key("status")
        .value(workspaceStatus(view.job.status, build.transition))
        .key("daily_cost")
        .value(0)
        .endObject();
}

void writeWorkspace(core::JsonWriter &json, const WorkspaceView &view, const BuildView &latest,
                    const OrganizationRef &org, const QDateTime &now)
{
    const Workspace &workspace = view.workspace;
    QStringList failingAgents;
    bool running =
        latest.job.status == job_status::succeeded && latest.build.transition == transition::start;
    if (running)
        for (const WorkspaceResource &resource : latest.resources)
            for (const WorkspaceAgent &agent : resource.agents)
                if (agentStatus(agent, now) != QLatin1String("connected"))
                    failingAgents.append(uuidText(agent.id));
    json.beginObject()
        .key("id")
        .value(workspace.id)
        .key("created_at")
        .value(workspace.createdAt)
        .key("updated_at")
        .value(workspace.updatedAt)
        .key("owner_id")
        .value(workspace.ownerId)
        .key("owner_name")
        .value(view.ownerName)
        .key("organization_id")
        .value(workspace.organizationId)
        .key("organization_name")
        .value(org.name)
        .key("template_id")
        .value(workspace.templateId)
        .key("template_name")
        .value(view.templateName)
        .key("template_display_name")
        .value(view.templateDisplayName)
        .key("template_icon")
        .value(view.templateIcon)
        .key("template_allow_user_cancel_workspace_jobs")
        .value(view.templateAllowUserCancelWorkspaceJobs)
        .key("template_active_version_id")
        .value(view.templateActiveVersionId)
        .key("latest_build");
    writeWorkspaceBuild(json, latest, now);
    json.key("outdated")
        .value(latest.build.templateVersionId != view.templateActiveVersionId)
        .key("name")
        .value(workspace.name)
        .key("autostart_schedule");
    if (workspace.autostartSchedule.isEmpty())
        json.null();
    else
        json.value(workspace.autostartSchedule);
    json.key("ttl_ms");
    if (workspace.ttlMs > 0)
        json.value(workspace.ttlMs);
    else
        json.null();
    json.key("last_used_at")
        .value(workspace.lastUsedAt.isValid() ? workspace.lastUsedAt : workspace.updatedAt)
        .key("deleting_at")
        .null()
        .key("dormant_at")
        .null()
        .key("health")
        .beginObject()
        .key("healthy")
        .value(failingAgents.isEmpty())
        .key("failing_agents")
        .beginArray();
    for (const QString &agent : std::as_const(failingAgents))
        json.value(agent);
    json.endArray()
        .endObject()
        .key("automatic_updates")
        .value("never")
        .key("allow_renames")
        .value(false)
        .key("favorite")
        .value(false)
        .endObject();
}

void writeProvisionerDaemon(core::JsonWriter &json, const ProvisionerDaemon &daemon)
{
    json.beginObject().key("id").value(daemon.id).key("created_at").value(daemon.createdAt);
    timeOrNull(json, "last_seen_at", daemon.lastSeenAt);
    json.key("name")
        .value(daemon.name)
        .key("version")
        .value(daemon.version)
        .key("provisioners")
        .raw(compact(QJsonArray::fromStringList(daemon.provisioners)))
        .key("tags");
    writeStringMap(json, daemon.tags);
    json.endObject();
}
// clang-format on

} // namespace coder::server
