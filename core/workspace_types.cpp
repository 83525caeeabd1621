#include "workspace_types.h"

#include "json_fields.h"

namespace coder::core {

namespace {

using namespace json_fields;

QMap<QString, QString> stringMap(const QJsonObject &object, const QString &field)
{
    QMap<QString, QString> map;
    const QJsonObject values = object.value(field).toObject();
    for (auto it = values.begin(); it != values.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

QJsonObject mapJson(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.begin(); it != map.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonValue nullableTime(const QDateTime &value)
{
    return value.isValid() ? QJsonValue(formatApiTime(value)) : QJsonValue(QJsonValue::Null);
}

QJsonValue nullableString(const QString &value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonValue nullableInteger(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

// A list field that may be absent or null (Go writes null for an empty slice).
template <typename T>
std::optional<QString> readList(const QJsonObject &object, const QString &field, QList<T> &out)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isArray())
        return QStringLiteral("field \"%1\" is not an array").arg(field);
    auto list = listFromJson<T>(value.toArray());
    if (!list)
        return QStringLiteral("field \"%1\": %2").arg(field, list.error());
    out = std::move(list.value());
    return std::nullopt;
}

template <typename T> QJsonArray listJson(const QList<T> &list)
{
    QJsonArray array;
    for (const auto &item : list)
        array.append(item.toJson());
    return array;
}

// A nested object the client relies on (the job of a version or build).
template <typename T>
std::optional<QString> readObject(const QJsonObject &object, const QString &field, T &out)
{
    const QJsonValue value = object.value(field);
    if (!value.isObject())
        return QStringLiteral("missing or invalid field \"%1\"").arg(field);
    auto decoded = T::fromJson(value.toObject());
    if (!decoded)
        return QStringLiteral("field \"%1\": %2").arg(field, decoded.error());
    out = std::move(decoded.value());
    return std::nullopt;
}

} // namespace

bool ProvisionerJob::isCompleted() const
{
    return status == u"succeeded" || status == u"failed" || status == u"canceled";
}

Result<ProvisionerJob, QString> ProvisionerJob::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    ProvisionerJob job;
    job.id = *id;
    job.createdAt = optionalTime(object, QStringLiteral("created_at"));
    job.startedAt = optionalTime(object, QStringLiteral("started_at"));
    job.completedAt = optionalTime(object, QStringLiteral("completed_at"));
    job.canceledAt = optionalTime(object, QStringLiteral("canceled_at"));
    job.error = optionalString(object, QStringLiteral("error"));
    job.errorCode = optionalString(object, QStringLiteral("error_code"));
    job.status = optionalString(object, QStringLiteral("status"));
    job.workerId = optionalString(object, QStringLiteral("worker_id"));
    job.fileId = optionalString(object, QStringLiteral("file_id"));
    job.tags = stringMap(object, QStringLiteral("tags"));
    job.queuePosition = static_cast<int>(integer(object, QStringLiteral("queue_position")));
    job.queueSize = static_cast<int>(integer(object, QStringLiteral("queue_size")));
    job.organizationId = optionalString(object, QStringLiteral("organization_id"));
    const QJsonObject input = object.value(QStringLiteral("input")).toObject();
    job.templateVersionId = optionalString(input, QStringLiteral("template_version_id"));
    job.workspaceBuildId = optionalString(input, QStringLiteral("workspace_build_id"));
    job.type = optionalString(object, QStringLiteral("type"));
    return job;
}

QJsonObject ProvisionerJob::toJson() const
{
    QJsonObject input;
    if (!templateVersionId.isEmpty())
        input.insert(QStringLiteral("template_version_id"), templateVersionId);
    if (!workspaceBuildId.isEmpty())
        input.insert(QStringLiteral("workspace_build_id"), workspaceBuildId);
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("started_at"), nullableTime(startedAt)},
            {QStringLiteral("completed_at"), nullableTime(completedAt)},
            {QStringLiteral("canceled_at"), nullableTime(canceledAt)},
            {QStringLiteral("error"), error},
            {QStringLiteral("error_code"), errorCode},
            {QStringLiteral("status"), status},
            {QStringLiteral("worker_id"), nullableString(workerId)},
            {QStringLiteral("file_id"), fileId},
            {QStringLiteral("tags"), mapJson(tags)},
            {QStringLiteral("queue_position"), queuePosition},
            {QStringLiteral("queue_size"), queueSize},
            {QStringLiteral("organization_id"), organizationId},
            {QStringLiteral("input"), input},
            {QStringLiteral("type"), type}};
}

Result<ProvisionerJobLog, QString> ProvisionerJobLog::fromJson(const QJsonObject &object)
{
    const QJsonValue id = object.value(QStringLiteral("id"));
    if (!id.isDouble())
        return QStringLiteral("missing or invalid field \"id\"");
    ProvisionerJobLog log;
    log.id = static_cast<qint64>(id.toDouble());
    log.createdAt = optionalTime(object, QStringLiteral("created_at"));
    log.logSource = optionalString(object, QStringLiteral("log_source"));
    log.logLevel = optionalString(object, QStringLiteral("log_level"));
    log.stage = optionalString(object, QStringLiteral("stage"));
    log.output = optionalString(object, QStringLiteral("output"));
    return log;
}

QJsonObject ProvisionerJobLog::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("log_source"), logSource},
            {QStringLiteral("log_level"), logLevel},
            {QStringLiteral("stage"), stage},
            {QStringLiteral("output"), output}};
}

Result<TemplateVersionParameterOption, QString>
TemplateVersionParameterOption::fromJson(const QJsonObject &object)
{
    if (!object.value(QStringLiteral("value")).isString())
        return QStringLiteral("missing or invalid field \"value\"");
    return TemplateVersionParameterOption{optionalString(object, QStringLiteral("name")),
                                          optionalString(object, QStringLiteral("description")),
                                          optionalString(object, QStringLiteral("value")),
                                          optionalString(object, QStringLiteral("icon"))};
}

QJsonObject TemplateVersionParameterOption::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("value"), value},
            {QStringLiteral("icon"), icon}};
}

Result<TemplateVersionParameter, QString>
TemplateVersionParameter::fromJson(const QJsonObject &object)
{
    QString error;
    const auto name = requiredString(object, QStringLiteral("name"), error);
    if (!name)
        return error;
    TemplateVersionParameter parameter;
    parameter.name = *name;
    parameter.displayName = optionalString(object, QStringLiteral("display_name"));
    parameter.description = optionalString(object, QStringLiteral("description"));
    parameter.descriptionPlaintext =
        optionalString(object, QStringLiteral("description_plaintext"));
    parameter.type = object.value(QStringLiteral("type")).toString(QStringLiteral("string"));
    parameter.formType = optionalString(object, QStringLiteral("form_type"));
    parameter.isMutable = flag(object, QStringLiteral("mutable"));
    parameter.defaultValue = optionalString(object, QStringLiteral("default_value"));
    parameter.icon = optionalString(object, QStringLiteral("icon"));
    if (auto problem = readList(object, QStringLiteral("options"), parameter.options))
        return *problem;
    parameter.validationRegex = optionalString(object, QStringLiteral("validation_regex"));
    parameter.validationMin = optionalInteger(object, QStringLiteral("validation_min"));
    parameter.validationMax = optionalInteger(object, QStringLiteral("validation_max"));
    parameter.validationError = optionalString(object, QStringLiteral("validation_error"));
    parameter.validationMonotonic = optionalString(object, QStringLiteral("validation_monotonic"));
    parameter.required = flag(object, QStringLiteral("required"));
    parameter.ephemeral = flag(object, QStringLiteral("ephemeral"));
    return parameter;
}

QJsonObject TemplateVersionParameter::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("display_name"), displayName},
            {QStringLiteral("description"), description},
            {QStringLiteral("description_plaintext"), descriptionPlaintext},
            {QStringLiteral("type"), type},
            {QStringLiteral("form_type"), formType},
            {QStringLiteral("mutable"), isMutable},
            {QStringLiteral("default_value"), defaultValue},
            {QStringLiteral("icon"), icon},
            {QStringLiteral("options"), listJson(options)},
            {QStringLiteral("validation_regex"), validationRegex},
            {QStringLiteral("validation_min"), nullableInteger(validationMin)},
            {QStringLiteral("validation_max"), nullableInteger(validationMax)},
            {QStringLiteral("validation_error"), validationError},
            {QStringLiteral("validation_monotonic"), validationMonotonic},
            {QStringLiteral("required"), required},
            {QStringLiteral("ephemeral"), ephemeral}};
}

MinimalUser MinimalUser::fromJson(const QJsonObject &object)
{
    return MinimalUser{optionalString(object, QStringLiteral("id")),
                       optionalString(object, QStringLiteral("username")),
                       optionalString(object, QStringLiteral("avatar_url"))};
}

QJsonObject MinimalUser::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("username"), username},
            {QStringLiteral("avatar_url"), avatarUrl}};
}

Result<TemplateVersion, QString> TemplateVersion::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    TemplateVersion version;
    version.id = *id;
    if (auto problem = readObject(object, QStringLiteral("job"), version.job))
        return *problem;
    version.templateId = optionalString(object, QStringLiteral("template_id"));
    version.organizationId = optionalString(object, QStringLiteral("organization_id"));
    version.createdAt = optionalTime(object, QStringLiteral("created_at"));
    version.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    version.name = optionalString(object, QStringLiteral("name"));
    version.message = optionalString(object, QStringLiteral("message"));
    version.readme = optionalString(object, QStringLiteral("readme"));
    version.createdBy =
        MinimalUser::fromJson(object.value(QStringLiteral("created_by")).toObject());
    version.archived = flag(object, QStringLiteral("archived"));
    version.warnings = object.value(QStringLiteral("warnings")).toArray();
    return version;
}

QJsonObject TemplateVersion::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("template_id"), nullableString(templateId)},
            {QStringLiteral("organization_id"), organizationId},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)},
            {QStringLiteral("name"), name},
            {QStringLiteral("message"), message},
            {QStringLiteral("job"), job.toJson()},
            {QStringLiteral("readme"), readme},
            {QStringLiteral("created_by"), createdBy.toJson()},
            {QStringLiteral("archived"), archived},
            {QStringLiteral("warnings"), warnings}};
}

Result<Template, QString> Template::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    const auto name = requiredString(object, QStringLiteral("name"), error);
    if (!id || !name)
        return error;
    Template result;
    result.id = *id;
    result.name = *name;
    result.createdAt = optionalTime(object, QStringLiteral("created_at"));
    result.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    result.organizationId = optionalString(object, QStringLiteral("organization_id"));
    result.organizationName = optionalString(object, QStringLiteral("organization_name"));
    result.organizationDisplayName =
        optionalString(object, QStringLiteral("organization_display_name"));
    result.displayName = optionalString(object, QStringLiteral("display_name"));
    result.provisioner = optionalString(object, QStringLiteral("provisioner"));
    result.activeVersionId = optionalString(object, QStringLiteral("active_version_id"));
    result.activeUserCount = integer(object, QStringLiteral("active_user_count"));
    result.buildTimeStats = object.value(QStringLiteral("build_time_stats")).toObject();
    result.description = optionalString(object, QStringLiteral("description"));
    result.icon = optionalString(object, QStringLiteral("icon"));
    result.defaultTtlMs = integer(object, QStringLiteral("default_ttl_ms"));
    result.activityBumpMs = integer(object, QStringLiteral("activity_bump_ms"));
    result.allowUserAutostart = flag(object, QStringLiteral("allow_user_autostart"), true);
    result.allowUserAutostop = flag(object, QStringLiteral("allow_user_autostop"), true);
    result.allowUserCancelWorkspaceJobs =
        flag(object, QStringLiteral("allow_user_cancel_workspace_jobs"), true);
    result.createdById = optionalString(object, QStringLiteral("created_by_id"));
    result.createdByName = optionalString(object, QStringLiteral("created_by_name"));
    result.deprecated = flag(object, QStringLiteral("deprecated"));
    result.deprecationMessage = optionalString(object, QStringLiteral("deprecation_message"));
    return result;
}

QJsonObject Template::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)},
            {QStringLiteral("organization_id"), organizationId},
            {QStringLiteral("organization_name"), organizationName},
            {QStringLiteral("organization_display_name"), organizationDisplayName},
            {QStringLiteral("name"), name},
            {QStringLiteral("display_name"), displayName},
            {QStringLiteral("provisioner"), provisioner},
            {QStringLiteral("active_version_id"), activeVersionId},
            {QStringLiteral("active_user_count"), activeUserCount},
            {QStringLiteral("build_time_stats"), buildTimeStats},
            {QStringLiteral("description"), description},
            {QStringLiteral("icon"), icon},
            {QStringLiteral("default_ttl_ms"), defaultTtlMs},
            {QStringLiteral("activity_bump_ms"), activityBumpMs},
            {QStringLiteral("allow_user_autostart"), allowUserAutostart},
            {QStringLiteral("allow_user_autostop"), allowUserAutostop},
            {QStringLiteral("allow_user_cancel_workspace_jobs"), allowUserCancelWorkspaceJobs},
            {QStringLiteral("created_by_id"), createdById},
            {QStringLiteral("created_by_name"), createdByName},
            {QStringLiteral("deprecated"), deprecated},
            {QStringLiteral("deprecation_message"), deprecationMessage}};
}

Result<WorkspaceApp, QString> WorkspaceApp::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    WorkspaceApp app;
    app.id = *id;
    app.url = optionalString(object, QStringLiteral("url"));
    app.external = flag(object, QStringLiteral("external"));
    app.slug = optionalString(object, QStringLiteral("slug"));
    app.displayName = optionalString(object, QStringLiteral("display_name"));
    app.command = optionalString(object, QStringLiteral("command"));
    app.icon = optionalString(object, QStringLiteral("icon"));
    app.subdomain = flag(object, QStringLiteral("subdomain"));
    app.sharingLevel = optionalString(object, QStringLiteral("sharing_level"));
    const QJsonObject healthcheck = object.value(QStringLiteral("healthcheck")).toObject();
    app.healthcheck.url = optionalString(healthcheck, QStringLiteral("url"));
    app.healthcheck.interval = static_cast<int>(integer(healthcheck, QStringLiteral("interval")));
    app.healthcheck.threshold = static_cast<int>(integer(healthcheck, QStringLiteral("threshold")));
    app.health = optionalString(object, QStringLiteral("health"));
    app.hidden = flag(object, QStringLiteral("hidden"));
    return app;
}

QJsonObject WorkspaceApp::toJson() const
{
    const QJsonObject check{{QStringLiteral("url"), healthcheck.url},
                            {QStringLiteral("interval"), healthcheck.interval},
                            {QStringLiteral("threshold"), healthcheck.threshold}};
    return {{QStringLiteral("id"), id},
            {QStringLiteral("url"), url},
            {QStringLiteral("external"), external},
            {QStringLiteral("slug"), slug},
            {QStringLiteral("display_name"), displayName},
            {QStringLiteral("command"), command},
            {QStringLiteral("icon"), icon},
            {QStringLiteral("subdomain"), subdomain},
            {QStringLiteral("sharing_level"), sharingLevel},
            {QStringLiteral("healthcheck"), check},
            {QStringLiteral("health"), health},
            {QStringLiteral("hidden"), hidden}};
}

Result<WorkspaceAgent, QString> WorkspaceAgent::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    WorkspaceAgent agent;
    agent.id = *id;
    agent.createdAt = optionalTime(object, QStringLiteral("created_at"));
    agent.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    agent.firstConnectedAt = optionalTime(object, QStringLiteral("first_connected_at"));
    agent.lastConnectedAt = optionalTime(object, QStringLiteral("last_connected_at"));
    agent.disconnectedAt = optionalTime(object, QStringLiteral("disconnected_at"));
    agent.status = optionalString(object, QStringLiteral("status"));
    agent.lifecycleState = optionalString(object, QStringLiteral("lifecycle_state"));
    agent.name = optionalString(object, QStringLiteral("name"));
    agent.resourceId = optionalString(object, QStringLiteral("resource_id"));
    agent.architecture = optionalString(object, QStringLiteral("architecture"));
    agent.operatingSystem = optionalString(object, QStringLiteral("operating_system"));
    agent.environmentVariables = stringMap(object, QStringLiteral("environment_variables"));
    agent.directory = optionalString(object, QStringLiteral("directory"));
    agent.expandedDirectory = optionalString(object, QStringLiteral("expanded_directory"));
    agent.version = optionalString(object, QStringLiteral("version"));
    if (auto problem = readList(object, QStringLiteral("apps"), agent.apps))
        return *problem;
    agent.startupScriptTimeoutSeconds =
        integer(object, QStringLiteral("startup_script_timeout_seconds"));
    agent.troubleshootingUrl = optionalString(object, QStringLiteral("troubleshooting_url"));
    return agent;
}

QJsonObject WorkspaceAgent::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)},
            {QStringLiteral("first_connected_at"), nullableTime(firstConnectedAt)},
            {QStringLiteral("last_connected_at"), nullableTime(lastConnectedAt)},
            {QStringLiteral("disconnected_at"), nullableTime(disconnectedAt)},
            {QStringLiteral("status"), status},
            {QStringLiteral("lifecycle_state"), lifecycleState},
            {QStringLiteral("name"), name},
            {QStringLiteral("resource_id"), resourceId},
            {QStringLiteral("architecture"), architecture},
            {QStringLiteral("operating_system"), operatingSystem},
            {QStringLiteral("environment_variables"), mapJson(environmentVariables)},
            {QStringLiteral("directory"), directory},
            {QStringLiteral("expanded_directory"), expandedDirectory},
            {QStringLiteral("version"), version},
            {QStringLiteral("apps"), listJson(apps)},
            {QStringLiteral("startup_script_timeout_seconds"), startupScriptTimeoutSeconds},
            {QStringLiteral("troubleshooting_url"), troubleshootingUrl}};
}

Result<WorkspaceResource, QString> WorkspaceResource::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    WorkspaceResource resource;
    resource.id = *id;
    resource.createdAt = optionalTime(object, QStringLiteral("created_at"));
    resource.jobId = optionalString(object, QStringLiteral("job_id"));
    resource.workspaceTransition = optionalString(object, QStringLiteral("workspace_transition"));
    resource.type = optionalString(object, QStringLiteral("type"));
    resource.name = optionalString(object, QStringLiteral("name"));
    resource.hide = flag(object, QStringLiteral("hide"));
    resource.icon = optionalString(object, QStringLiteral("icon"));
    if (auto problem = readList(object, QStringLiteral("agents"), resource.agents))
        return *problem;
    resource.metadata = object.value(QStringLiteral("metadata")).toArray();
    resource.dailyCost = integer(object, QStringLiteral("daily_cost"));
    return resource;
}

QJsonObject WorkspaceResource::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("job_id"), jobId},
            {QStringLiteral("workspace_transition"), workspaceTransition},
            {QStringLiteral("type"), type},
            {QStringLiteral("name"), name},
            {QStringLiteral("hide"), hide},
            {QStringLiteral("icon"), icon},
            {QStringLiteral("agents"), listJson(agents)},
            {QStringLiteral("metadata"), metadata},
            {QStringLiteral("daily_cost"), dailyCost}};
}

Result<WorkspaceBuild, QString> WorkspaceBuild::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    if (!id)
        return error;
    WorkspaceBuild build;
    build.id = *id;
    if (auto problem = readObject(object, QStringLiteral("job"), build.job))
        return *problem;
    build.createdAt = optionalTime(object, QStringLiteral("created_at"));
    build.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    build.workspaceId = optionalString(object, QStringLiteral("workspace_id"));
    build.workspaceName = optionalString(object, QStringLiteral("workspace_name"));
    build.workspaceOwnerId = optionalString(object, QStringLiteral("workspace_owner_id"));
    build.workspaceOwnerName = optionalString(object, QStringLiteral("workspace_owner_name"));
    build.templateVersionId = optionalString(object, QStringLiteral("template_version_id"));
    build.templateVersionName = optionalString(object, QStringLiteral("template_version_name"));
    build.buildNumber = integer(object, QStringLiteral("build_number"));
    build.transition = optionalString(object, QStringLiteral("transition"));
    build.initiatorId = optionalString(object, QStringLiteral("initiator_id"));
    build.initiatorName = optionalString(object, QStringLiteral("initiator_name"));
    build.reason = optionalString(object, QStringLiteral("reason"));
    if (auto problem = readList(object, QStringLiteral("resources"), build.resources))
        return *problem;
    build.deadline = optionalTime(object, QStringLiteral("deadline"));
    build.maxDeadline = optionalTime(object, QStringLiteral("max_deadline"));
    build.status = optionalString(object, QStringLiteral("status"));
    build.dailyCost = integer(object, QStringLiteral("daily_cost"));
    return build;
}

QJsonObject WorkspaceBuild::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)},
            {QStringLiteral("workspace_id"), workspaceId},
            {QStringLiteral("workspace_name"), workspaceName},
            {QStringLiteral("workspace_owner_id"), workspaceOwnerId},
            {QStringLiteral("workspace_owner_name"), workspaceOwnerName},
            {QStringLiteral("template_version_id"), templateVersionId},
            {QStringLiteral("template_version_name"), templateVersionName},
            {QStringLiteral("build_number"), buildNumber},
            {QStringLiteral("transition"), transition},
            {QStringLiteral("initiator_id"), initiatorId},
            {QStringLiteral("initiator_name"), initiatorName},
            {QStringLiteral("job"), job.toJson()},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("resources"), listJson(resources)},
            {QStringLiteral("deadline"), nullableTime(deadline)},
            {QStringLiteral("max_deadline"), nullableTime(maxDeadline)},
            {QStringLiteral("status"), status},
            {QStringLiteral("daily_cost"), dailyCost}};
}

Result<Workspace, QString> Workspace::fromJson(const QJsonObject &object)
{
    QString error;
    const auto id = requiredString(object, QStringLiteral("id"), error);
    const auto name = requiredString(object, QStringLiteral("name"), error);
    if (!id || !name)
        return error;
    Workspace workspace;
    workspace.id = *id;
    workspace.name = *name;
    if (auto problem = readObject(object, QStringLiteral("latest_build"), workspace.latestBuild))
        return *problem;
    workspace.createdAt = optionalTime(object, QStringLiteral("created_at"));
    workspace.updatedAt = optionalTime(object, QStringLiteral("updated_at"));
    workspace.ownerId = optionalString(object, QStringLiteral("owner_id"));
    workspace.ownerName = optionalString(object, QStringLiteral("owner_name"));
    workspace.organizationId = optionalString(object, QStringLiteral("organization_id"));
    workspace.organizationName = optionalString(object, QStringLiteral("organization_name"));
    workspace.templateId = optionalString(object, QStringLiteral("template_id"));
    workspace.templateName = optionalString(object, QStringLiteral("template_name"));
    workspace.templateDisplayName = optionalString(object, QStringLiteral("template_display_name"));
    workspace.templateIcon = optionalString(object, QStringLiteral("template_icon"));
    workspace.templateAllowUserCancelWorkspaceJobs =
        flag(object, QStringLiteral("template_allow_user_cancel_workspace_jobs"), true);
    workspace.templateActiveVersionId =
        optionalString(object, QStringLiteral("template_active_version_id"));
    workspace.outdated = flag(object, QStringLiteral("outdated"));
    const QJsonValue schedule = object.value(QStringLiteral("autostart_schedule"));
    if (schedule.isString() && !schedule.toString().isEmpty())
        workspace.autostartSchedule = schedule.toString();
    workspace.ttlMs = optionalInteger(object, QStringLiteral("ttl_ms"));
    workspace.lastUsedAt = optionalTime(object, QStringLiteral("last_used_at"));
    workspace.deletingAt = optionalTime(object, QStringLiteral("deleting_at"));
    workspace.dormantAt = optionalTime(object, QStringLiteral("dormant_at"));
    const QJsonObject health = object.value(QStringLiteral("health")).toObject();
    workspace.health.healthy = flag(health, QStringLiteral("healthy"), true);
    for (const auto &agent : health.value(QStringLiteral("failing_agents")).toArray())
        workspace.health.failingAgents.append(agent.toString());
    workspace.automaticUpdates =
        object.value(QStringLiteral("automatic_updates")).toString(QStringLiteral("never"));
    workspace.allowRenames = flag(object, QStringLiteral("allow_renames"));
    workspace.favorite = flag(object, QStringLiteral("favorite"));
    return workspace;
}

QJsonObject Workspace::toJson() const
{
    const QJsonObject healthJson{
        {QStringLiteral("healthy"), health.healthy},
        {QStringLiteral("failing_agents"), QJsonArray::fromStringList(health.failingAgents)}};
    return {{QStringLiteral("id"), id},
            {QStringLiteral("created_at"), formatApiTime(createdAt)},
            {QStringLiteral("updated_at"), formatApiTime(updatedAt)},
            {QStringLiteral("owner_id"), ownerId},
            {QStringLiteral("owner_name"), ownerName},
            {QStringLiteral("organization_id"), organizationId},
            {QStringLiteral("organization_name"), organizationName},
            {QStringLiteral("template_id"), templateId},
            {QStringLiteral("template_name"), templateName},
            {QStringLiteral("template_display_name"), templateDisplayName},
            {QStringLiteral("template_icon"), templateIcon},
            {QStringLiteral("template_allow_user_cancel_workspace_jobs"),
             templateAllowUserCancelWorkspaceJobs},
            {QStringLiteral("template_active_version_id"), templateActiveVersionId},
            {QStringLiteral("latest_build"), latestBuild.toJson()},
            {QStringLiteral("outdated"), outdated},
            {QStringLiteral("name"), name},
            {QStringLiteral("autostart_schedule"),
             autostartSchedule ? QJsonValue(*autostartSchedule) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("ttl_ms"), nullableInteger(ttlMs)},
            {QStringLiteral("last_used_at"), formatApiTime(lastUsedAt)},
            {QStringLiteral("deleting_at"), nullableTime(deletingAt)},
            {QStringLiteral("dormant_at"), nullableTime(dormantAt)},
            {QStringLiteral("health"), healthJson},
            {QStringLiteral("automatic_updates"), automaticUpdates},
            {QStringLiteral("allow_renames"), allowRenames},
            {QStringLiteral("favorite"), favorite}};
}

Result<WorkspacesPage, QString> WorkspacesPage::fromJson(const QJsonObject &object)
{
    WorkspacesPage page;
    const QJsonValue workspaces = object.value(QStringLiteral("workspaces"));
    if (!workspaces.isArray() && !workspaces.isNull())
        return QStringLiteral("missing or invalid field \"workspaces\"");
    if (auto problem = readList(object, QStringLiteral("workspaces"), page.workspaces))
        return *problem;
    page.count = object.value(QStringLiteral("count")).toInteger(page.workspaces.size());
    return page;
}

Result<WorkspaceBuildParameter, QString>
WorkspaceBuildParameter::fromJson(const QJsonObject &object)
{
    QString error;
    const auto name = requiredString(object, QStringLiteral("name"), error);
    if (!name)
        return error;
    return WorkspaceBuildParameter{*name, optionalString(object, QStringLiteral("value"))};
}

QJsonObject WorkspaceBuildParameter::toJson() const
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("value"), value}};
}

QJsonObject CreateTemplateVersionRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("storage_method"), QStringLiteral("file")},
                       {QStringLiteral("file_id"), fileId}};
    if (!name.isEmpty())
        object.insert(QStringLiteral("name"), name);
    if (!message.isEmpty())
        object.insert(QStringLiteral("message"), message);
    if (!templateId.isEmpty())
        object.insert(QStringLiteral("template_id"), templateId);
    if (!provisioner.isEmpty())
        object.insert(QStringLiteral("provisioner"), provisioner);
    if (!tags.isEmpty())
        object.insert(QStringLiteral("tags"), mapJson(tags));
    return object;
}

QJsonObject CreateTemplateRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("name"), name},
                       {QStringLiteral("template_version_id"), versionId}};
    if (!displayName.isEmpty())
        object.insert(QStringLiteral("display_name"), displayName);
    if (!description.isEmpty())
        object.insert(QStringLiteral("description"), description);
    if (!icon.isEmpty())
        object.insert(QStringLiteral("icon"), icon);
    if (defaultTtlMs)
        object.insert(QStringLiteral("default_ttl_ms"), *defaultTtlMs);
    if (allowUserAutostart)
        object.insert(QStringLiteral("allow_user_autostart"), *allowUserAutostart);
    if (allowUserAutostop)
        object.insert(QStringLiteral("allow_user_autostop"), *allowUserAutostop);
    if (allowUserCancelWorkspaceJobs)
        object.insert(QStringLiteral("allow_user_cancel_workspace_jobs"),
                      *allowUserCancelWorkspaceJobs);
    return object;
}

QJsonObject CreateWorkspaceRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("name"), name},
                       {QStringLiteral("rich_parameter_values"), listJson(richParameterValues)}};
    if (!templateId.isEmpty())
        object.insert(QStringLiteral("template_id"), templateId);
    if (!templateVersionId.isEmpty())
        object.insert(QStringLiteral("template_version_id"), templateVersionId);
    if (autostartSchedule)
        object.insert(QStringLiteral("autostart_schedule"), *autostartSchedule);
    if (ttlMs)
        object.insert(QStringLiteral("ttl_ms"), *ttlMs);
    return object;
}

QJsonObject CreateWorkspaceBuildRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("transition"), transition}};
    if (!templateVersionId.isEmpty())
        object.insert(QStringLiteral("template_version_id"), templateVersionId);
    if (!richParameterValues.isEmpty())
        object.insert(QStringLiteral("rich_parameter_values"), listJson(richParameterValues));
    return object;
}

} // namespace coder::core
