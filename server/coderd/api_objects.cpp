#include "api_objects.h"

#include "authz.h"

namespace coder::server {

namespace {

QMap<QString, QString> stringMap(const QJsonObject &object)
{
    QMap<QString, QString> map;
    for (auto it = object.begin(); it != object.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

// Coder's reason when an agent is not healthy (codersdk.WorkspaceAgentHealth).
core::WorkspaceAgentHealth agentHealth(const QString &status, const QString &lifecycle)
{
    if (status == QLatin1String("connecting"))
        return {false, QStringLiteral("agent is not running")};
    if (status == QLatin1String("timeout"))
        return {false, QStringLiteral("agent is taking too long to connect")};
    if (status == QLatin1String("disconnected"))
        return {false, QStringLiteral("agent has lost connection")};
    if (lifecycle == QLatin1String("start_timeout") || lifecycle == QLatin1String("start_error"))
        return {false, QStringLiteral("agent startup script exited with an error")};
    if (lifecycle == QLatin1String("shutting_down") ||
        lifecycle == QLatin1String("shutdown_timeout") ||
        lifecycle == QLatin1String("shutdown_error") || lifecycle == QLatin1String("off"))
        return {false, QStringLiteral("agent is shutting down")};
    return {true, {}};
}

// Coder's audit description (coderd/audit.go auditLogDescription): "{user} created workspace
// {target}"; the client fills in the names.
QString auditDescription(const AuditLog &entry)
{
    static const QHash<QString, QString> done{
        {QStringLiteral("create"), QStringLiteral("created")},
        {QStringLiteral("write"), QStringLiteral("updated")},
        {QStringLiteral("delete"), QStringLiteral("deleted")},
        {QStringLiteral("start"), QStringLiteral("started")},
        {QStringLiteral("stop"), QStringLiteral("stopped")},
        {QStringLiteral("login"), QStringLiteral("logged in")},
        {QStringLiteral("logout"), QStringLiteral("logged out")},
        {QStringLiteral("register"), QStringLiteral("registered")},
    };
    QString text = QStringLiteral("{user} ");
    text += entry.statusCode >= 400 ? QStringLiteral("unsuccessfully attempted to ") + entry.action
                                    : done.value(entry.action, entry.action);
    const bool session =
        entry.resourceType == QLatin1String("api_key") &&
        (entry.action == QLatin1String("login") || entry.action == QLatin1String("logout") ||
         entry.action == QLatin1String("register"));
    if (session)
        return text;
    QString resource = entry.resourceType;
    resource.replace(u'_', u' ');
    if (entry.resourceType == QLatin1String("api_key"))
        resource = QStringLiteral("token");
    return text + u' ' + resource + QStringLiteral(" {target}");
}

// Where the dashboard shows the resource, as Coder links it; "" when it has no page.
QString auditResourceLink(const AuditLog &entry)
{
    const QString &target = entry.resourceTarget;
    if (entry.resourceType == QLatin1String("template"))
        return QStringLiteral("/templates/") + target;
    if (entry.resourceType == QLatin1String("user"))
        return QStringLiteral("/users?filter=") + target;
    const QString owner = entry.additionalFields.value(QStringLiteral("owner")).toString();
    if (entry.resourceType == QLatin1String("workspace") && !owner.isEmpty())
        return QStringLiteral("/@%1/%2").arg(owner, target);
    return {};
}

} // namespace

core::WorkspaceAgent apiAgent(const WorkspaceAgent &agent, const QDateTime &now)
{
    core::WorkspaceAgent out;
    out.id = agent.id;
    out.createdAt = agent.createdAt;
    out.updatedAt = agent.updatedAt;
    out.firstConnectedAt = agent.firstConnectedAt;
    out.lastConnectedAt = agent.lastConnectedAt;
    out.disconnectedAt = agent.disconnectedAt;
    out.startedAt = agent.startedAt;
    out.readyAt = agent.readyAt;
    out.version = agent.version;
    out.logsLength = agent.logsLength;
    out.logsOverflowed = agent.logsOverflowed;
    out.status = agentStatus(agent, now);
    out.lifecycleState = agent.lifecycleState;
    out.name = agent.name;
    out.resourceId = agent.resourceId;
    out.architecture = agent.architecture;
    out.environmentVariables = stringMap(agent.environmentVariables);
    out.operatingSystem = agent.operatingSystem;
    out.directory = agent.directory;
    out.connectionTimeoutSeconds = agent.connectionTimeoutSeconds;
    out.health = agentHealth(out.status, out.lifecycleState);
    out.displayApps = {QStringLiteral("vscode"), QStringLiteral("vscode_insiders"),
                       QStringLiteral("web_terminal"), QStringLiteral("port_forwarding_helper"),
                       QStringLiteral("ssh_helper")};
    out.startupScriptBehavior = QStringLiteral("non-blocking");
    out.startupScriptTimeoutSeconds = agent.startupScriptTimeoutSeconds;
    for (const QJsonValue &value : agent.metadataDefinitions) {
        const QJsonObject definition = value.toObject();
        core::WorkspaceAgentMetadata item;
        item.description.key = definition.value(QLatin1String("key")).toString();
        item.description.displayName = definition.value(QLatin1String("display_name")).toString();
        item.description.script = definition.value(QLatin1String("script")).toString();
        item.description.interval = definition.value(QLatin1String("interval")).toInteger(10);
        item.description.timeout = definition.value(QLatin1String("timeout")).toInteger(5);
        const QJsonObject result = agent.metadataResults.value(item.description.key).toObject();
        if (!result.isEmpty()) {
            item.result.value = result.value(QLatin1String("value")).toString();
            item.result.error = result.value(QLatin1String("error")).toString();
            item.result.collectedAt =
                core::parseApiTime(result.value(QLatin1String("collected_at")).toString());
            item.result.age = std::max<qint64>(0, item.result.collectedAt.secsTo(now));
        }
        out.metadata.append(item);
    }
    // Written by the agent service from this same type: an unreadable one is left empty.
    core::json::read(QJsonValue(agent.stats), out.stats);
    for (const WorkspaceApp &app : agent.apps) {
        core::WorkspaceApp shown;
        shown.id = app.id;
        shown.url = app.url;
        shown.slug = app.slug;
        shown.displayName = app.displayName;
        shown.command = app.command;
        shown.icon = app.icon;
        shown.subdomain = app.subdomain;
        shown.sharingLevel = app.sharingLevel;
        shown.healthcheck = {app.healthcheck.value(QStringLiteral("url")).toString(),
                             app.healthcheck.value(QStringLiteral("interval")).toInteger(),
                             app.healthcheck.value(QStringLiteral("threshold")).toInteger()};
        // The agent reports health from a later issue on; until then a checked app is
        // still being checked.
        shown.health =
            app.healthcheck.isEmpty() ? QStringLiteral("disabled") : QStringLiteral("initializing");
        out.apps.append(shown);
    }
    return out;
}

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
        return agent.connectionTimeoutSeconds > 0 &&
                       agent.createdAt.msecsTo(now) > agent.connectionTimeoutSeconds * 1000LL
                   ? QStringLiteral("timeout")
                   : QStringLiteral("connecting");
    if (agent.disconnectedAt.isValid() && agent.disconnectedAt >= agent.lastConnectedAt)
        return QStringLiteral("disconnected");
    // The replica holding the tunnel writes a heartbeat each interval: two silent intervals and
    // it is gone (crashed, cut off), whoever asks.
    if (agent.lastConnectedAt.msecsTo(now) > 2LL * std::max(agent.heartbeatIntervalMs, 1000))
        return QStringLiteral("disconnected");
    return QStringLiteral("connected");
}

QList<core::SlimRole> apiRoles(const QStringList &roles)
{
    QList<core::SlimRole> out;
    for (const QString &role : roles)
        out.append({role, roles::displayName(role), {}});
    return out;
}

core::User apiUser(const User &user)
{
    core::User out;
    out.id = user.id;
    out.username = user.username;
    out.name = user.name;
    out.email = user.email;
    out.createdAt = user.createdAt;
    out.updatedAt = user.updatedAt;
    out.lastSeenAt = user.lastSeenAt;
    out.status = user.status;
    out.loginType = user.loginType;
    out.organizationIds = {kDefaultOrganizationId}; // every user is in the one organization
    out.roles = apiRoles(user.roles);
    return out;
}

core::ApiKey apiKey(const ApiKey &key)
{
    return {key.id,        key.userId,    key.lastUsed, key.expiresAt, key.createdAt,
            key.updatedAt, key.loginType, key.scope,    key.tokenName, key.lifetimeSeconds};
}

core::AuditLog apiAuditLog(const AuditLog &entry, const std::optional<User> &author)
{
    core::AuditLog out;
    out.id = entry.id;
    out.requestId = entry.requestId;
    out.time = entry.time;
    out.ip = entry.ipAddress;
    out.userAgent = entry.userAgent;
    out.resourceType = entry.resourceType;
    out.resourceId = entry.resourceId;
    out.resourceTarget = entry.resourceTarget;
    out.action = entry.action;
    out.diff = entry.diff;
    out.statusCode = entry.statusCode;
    out.additionalFields = entry.additionalFields;
    out.description = auditDescription(entry);
    out.resourceLink = auditResourceLink(entry);
    out.userId = entry.userId;
    if (author) {
        core::User user = apiUser(*author);
        user.organizationIds.clear(); // as Coder embeds it
        out.user = user;
    }
    return out;
}

core::Organization apiOrganization(const Organization &organization)
{
    core::Organization out;
    out.id = organization.id;
    out.name = organization.name;
    out.displayName = organization.displayName;
    out.description = organization.description;
    out.createdAt = organization.createdAt;
    out.updatedAt = organization.updatedAt;
    out.isDefault = organization.isDefault;
    return out;
}

core::ProvisionerJob apiJob(const ProvisionerJob &job)
{
    core::ProvisionerJob out;
    out.id = job.id;
    out.createdAt = job.createdAt;
    out.startedAt = job.startedAt;
    out.completedAt = job.completedAt;
    out.canceledAt = job.canceledAt;
    out.error = job.error;
    out.errorCode = job.errorCode;
    out.status = job.status;
    out.workerId = job.workerId;
    out.fileId = job.fileId;
    out.tags = job.tags;
    out.organizationId = job.organizationId;
    out.initiatorId = job.initiatorId;
    out.type = job.type;
    out.input.templateVersionId =
        QUuid::fromString(job.input.value(QStringLiteral("template_version_id")).toString());
    out.input.workspaceBuildId =
        QUuid::fromString(job.input.value(QStringLiteral("workspace_build_id")).toString());
    return out;
}

core::ProvisionerJobLog apiJobLog(const ProvisionerJobLog &log)
{
    return {log.id, log.createdAt, log.source, log.level, log.stage, log.output};
}

core::ProvisionerDaemon apiDaemon(const ProvisionerDaemon &daemon)
{
    core::ProvisionerDaemon out;
    out.id = daemon.id;
    out.organizationId = kDefaultOrganizationId;
    out.createdAt = daemon.createdAt;
    out.lastSeenAt = daemon.lastSeenAt;
    out.name = daemon.name;
    out.version = daemon.version;
    out.apiVersion = QStringLiteral("1.0"); // the daemon protocol of job_protocol.h
    out.provisioners = daemon.provisioners;
    out.tags = daemon.tags;
    return out;
}

core::TemplateVersion apiTemplateVersion(const TemplateVersion &version, const ProvisionerJob &job,
                                         const User &createdBy)
{
    core::TemplateVersion out;
    out.id = version.id;
    out.templateId = version.templateId;
    out.organizationId = version.organizationId;
    out.createdAt = version.createdAt;
    out.updatedAt = version.updatedAt;
    out.name = version.name;
    out.message = version.message;
    out.job = apiJob(job);
    out.readme = version.readme;
    out.createdBy = {createdBy.id, createdBy.username, {}};
    out.archived = version.archived;
    return out;
}

core::Template apiTemplate(const Template &tmpl, const OrganizationRef &org,
                           const QString &createdByName, qint64 activeUserCount)
{
    core::Template out;
    out.id = tmpl.id;
    out.createdAt = tmpl.createdAt;
    out.updatedAt = tmpl.updatedAt;
    out.organizationId = tmpl.organizationId;
    out.organizationName = org.name;
    out.organizationDisplayName = org.displayName;
    out.name = tmpl.name;
    out.displayName = tmpl.displayName;
    out.provisioner = tmpl.provisioner;
    out.activeVersionId = tmpl.activeVersionId;
    out.activeUserCount = activeUserCount;
    // No build-time statistics are gathered yet: every transition without a figure, as Coder
    // shows a template with no builds.
    const QJsonObject none{{QStringLiteral("P50"), QJsonValue()},
                           {QStringLiteral("P95"), QJsonValue()}};
    out.buildTimeStats = {{QStringLiteral("start"), none},
                          {QStringLiteral("stop"), none},
                          {QStringLiteral("delete"), none}};
    out.description = tmpl.description;
    out.icon = tmpl.icon;
    out.defaultTtlMs = tmpl.defaultTtlMs;
    out.activityBumpMs = tmpl.activityBumpMs;
    out.autostartRequirement.daysOfWeek = {QStringLiteral("monday"),    QStringLiteral("tuesday"),
                                           QStringLiteral("wednesday"), QStringLiteral("thursday"),
                                           QStringLiteral("friday"),    QStringLiteral("saturday"),
                                           QStringLiteral("sunday")};
    out.createdById = tmpl.createdBy;
    out.createdByName = createdByName;
    out.allowUserAutostart = tmpl.allowUserAutostart;
    out.allowUserAutostop = tmpl.allowUserAutostop;
    out.allowUserCancelWorkspaceJobs = tmpl.allowUserCancelWorkspaceJobs;
    // Port sharing is not restricted (Coder without an enterprise licence reports the same).
    out.maxPortShareLevel = QStringLiteral("public");
    return out;
}

core::WorkspaceResource apiResource(const WorkspaceResource &resource, const QDateTime &now)
{
    core::WorkspaceResource out;
    out.id = resource.id;
    out.createdAt = resource.createdAt;
    out.jobId = resource.jobId;
    out.workspaceTransition = resource.transition;
    out.type = resource.type;
    out.name = resource.name;
    out.hide = resource.hide;
    out.icon = resource.icon;
    for (const WorkspaceAgent &agent : resource.agents)
        out.agents.append(apiAgent(agent, now));
    return out;
}

core::WorkspaceBuild apiBuild(const BuildView &view, const QDateTime &now)
{
    const WorkspaceBuild &build = view.build;
    core::WorkspaceBuild out;
    out.id = build.id;
    out.createdAt = build.createdAt;
    out.updatedAt = build.updatedAt;
    out.workspaceId = build.workspaceId;
    out.workspaceName = view.workspaceName;
    out.workspaceOwnerId = view.workspaceOwnerId;
    out.workspaceOwnerName = view.workspaceOwnerName;
    out.templateVersionId = build.templateVersionId;
    out.templateVersionName = view.templateVersionName;
    out.buildNumber = build.buildNumber;
    out.transition = build.transition;
    out.initiatorId = build.initiatorId;
    out.initiatorName = view.initiatorName;
    out.job = apiJob(view.job);
    out.reason = build.reason;
    out.resources.reserve(view.resources.size());
    for (const WorkspaceResource &resource : view.resources)
        out.resources.append(apiResource(resource, now));
    out.deadline = build.deadline;
    out.maxDeadline = build.maxDeadline;
    out.status = workspaceStatus(view.job.status, build.transition);
    return out;
}

core::Workspace apiWorkspace(const WorkspaceView &view, const BuildView &latest,
                             const OrganizationRef &org, const QDateTime &now)
{
    const Workspace &workspace = view.workspace;
    core::Workspace out;
    out.id = workspace.id;
    out.createdAt = workspace.createdAt;
    out.updatedAt = workspace.updatedAt;
    out.ownerId = workspace.ownerId;
    out.ownerName = view.ownerName;
    out.organizationId = workspace.organizationId;
    out.organizationName = org.name;
    out.templateId = workspace.templateId;
    out.templateName = view.templateName;
    out.templateDisplayName = view.templateDisplayName;
    out.templateIcon = view.templateIcon;
    out.templateAllowUserCancelWorkspaceJobs = view.templateAllowUserCancelWorkspaceJobs;
    out.templateActiveVersionId = view.templateActiveVersionId;
    out.latestBuild = apiBuild(latest, now);
    out.outdated = latest.build.templateVersionId != view.templateActiveVersionId;
    out.name = workspace.name;
    if (!workspace.autostartSchedule.isEmpty())
        out.autostartSchedule = workspace.autostartSchedule;
    if (workspace.ttlMs > 0)
        out.ttlMs = workspace.ttlMs;
    out.lastUsedAt = workspace.lastUsedAt.isValid() ? workspace.lastUsedAt : workspace.updatedAt;
    // A running workspace is healthy when every agent is; Coder lists the ones that are not.
    const bool running =
        latest.job.status == job_status::succeeded && latest.build.transition == transition::start;
    if (running) {
        for (const core::WorkspaceResource &resource : std::as_const(out.latestBuild.resources))
            for (const core::WorkspaceAgent &agent : resource.agents)
                if (agent.status != QLatin1String("connected"))
                    out.health.failingAgents.append(agent.id);
    }
    out.health.healthy = out.health.failingAgents.isEmpty();
    return out;
}

} // namespace coder::server
