#pragma once

#include "core/agent_report_types.h"
#include "core/api_types.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUuid>
#include <optional>

// The API's templates, template versions, provisioner jobs, workspaces, builds, resources, agents
// and apps (Coder's shapes, v2.16), each with its one field list (json_mapping.h) that coderd
// writes and the clients read. A few fields of later Coder versions are sent as well (a job's
// type, input, organization and initiator), since clients here use them.
namespace coder::core {

struct ProvisionerJobInput
{
    QUuid templateVersionId; // of a template_version_import job
    QUuid workspaceBuildId;  // of a workspace_build job

    static auto jsonFields()
    {
        return std::make_tuple(
            field("template_version_id", &ProvisionerJobInput::templateVersionId, OmitEmpty),
            field("workspace_build_id", &ProvisionerJobInput::workspaceBuildId, OmitEmpty));
    }
};

struct ProvisionerJob
{
    QUuid id;
    QDateTime createdAt;
    QDateTime startedAt;   // invalid: null
    QDateTime completedAt; // invalid: null
    QDateTime canceledAt;  // invalid: null
    QString error;         // "" when none
    QString errorCode;
    QString status; // pending | running | succeeded | canceling | canceled | failed
    QUuid workerId; // null until a daemon takes it
    QUuid fileId;
    QMap<QString, QString> tags;
    int queuePosition = 0;
    int queueSize = 0;
    QUuid organizationId;
    QUuid initiatorId;
    QString type; // template_version_import | workspace_build
    ProvisionerJobInput input;

    // succeeded, canceled or failed: no more logs will come.
    bool isCompleted() const;

    static auto jsonFields()
    {
        return std::make_tuple(
            field("id", &ProvisionerJob::id, Required),
            field("created_at", &ProvisionerJob::createdAt),
            field("started_at", &ProvisionerJob::startedAt, Nullable),
            field("completed_at", &ProvisionerJob::completedAt, Nullable),
            field("canceled_at", &ProvisionerJob::canceledAt, Nullable),
            field("error", &ProvisionerJob::error), field("error_code", &ProvisionerJob::errorCode),
            field("status", &ProvisionerJob::status, Required),
            field("worker_id", &ProvisionerJob::workerId, Nullable),
            field("file_id", &ProvisionerJob::fileId), field("tags", &ProvisionerJob::tags),
            field("queue_position", &ProvisionerJob::queuePosition),
            field("queue_size", &ProvisionerJob::queueSize),
            field("organization_id", &ProvisionerJob::organizationId),
            field("initiator_id", &ProvisionerJob::initiatorId),
            field("type", &ProvisionerJob::type), field("input", &ProvisionerJob::input));
    }
};

struct ProvisionerJobLog
{
    qint64 id = 0;
    QDateTime createdAt;
    QString logSource; // provisioner_daemon | provisioner
    QString logLevel;  // trace | debug | info | warn | error
    QString stage;
    QString output;

    static auto jsonFields()
    {
        return std::make_tuple(
            field("id", &ProvisionerJobLog::id), field("created_at", &ProvisionerJobLog::createdAt),
            field("log_source", &ProvisionerJobLog::logSource),
            field("log_level", &ProvisionerJobLog::logLevel),
            field("stage", &ProvisionerJobLog::stage), field("output", &ProvisionerJobLog::output));
    }
};

struct ProvisionerDaemon
{
    QUuid id;
    QUuid organizationId;
    QUuid keyId;
    QDateTime createdAt;
    QDateTime lastSeenAt; // invalid: null
    QString name;
    QString version;
    QString apiVersion;
    QStringList provisioners;
    QMap<QString, QString> tags;

    static auto jsonFields()
    {
        return std::make_tuple(field("id", &ProvisionerDaemon::id, Required),
                               field("organization_id", &ProvisionerDaemon::organizationId),
                               field("key_id", &ProvisionerDaemon::keyId),
                               field("created_at", &ProvisionerDaemon::createdAt),
                               field("last_seen_at", &ProvisionerDaemon::lastSeenAt, Nullable),
                               field("name", &ProvisionerDaemon::name),
                               field("version", &ProvisionerDaemon::version),
                               field("api_version", &ProvisionerDaemon::apiVersion),
                               field("provisioners", &ProvisionerDaemon::provisioners),
                               field("tags", &ProvisionerDaemon::tags));
    }
};

struct TemplateVersionParameterOption
{
    QString name;
    QString description;
    QString value;
    QString icon;

    static auto jsonFields()
    {
        return std::make_tuple(field("name", &TemplateVersionParameterOption::name, Required),
                               field("description", &TemplateVersionParameterOption::description),
                               field("value", &TemplateVersionParameterOption::value),
                               field("icon", &TemplateVersionParameterOption::icon));
    }
};

struct TemplateVersionParameter
{
    QString name;
    QString displayName;
    QString description;
    QString descriptionPlaintext;
    QString type = QStringLiteral("string"); // string | number | bool | list(string)
    QString formType;
    bool isMutable = false;
    QString defaultValue;
    QString icon;
    QList<TemplateVersionParameterOption> options;
    QString validationError;
    QString validationRegex;
    std::optional<qint64> validationMin;
    std::optional<qint64> validationMax;
    QString validationMonotonic; // increasing | decreasing
    bool required = false;
    bool ephemeral = false;

    static auto jsonFields()
    {
        using P = TemplateVersionParameter;
        return std::make_tuple(
            field("name", &P::name, Required), field("display_name", &P::displayName, OmitEmpty),
            field("description", &P::description),
            field("description_plaintext", &P::descriptionPlaintext), field("type", &P::type),
            field("form_type", &P::formType, OmitEmpty), field("mutable", &P::isMutable),
            field("default_value", &P::defaultValue), field("icon", &P::icon),
            field("options", &P::options),
            field("validation_error", &P::validationError, OmitEmpty),
            field("validation_regex", &P::validationRegex, OmitEmpty),
            field("validation_min", &P::validationMin, OmitEmpty),
            field("validation_max", &P::validationMax, OmitEmpty),
            field("validation_monotonic", &P::validationMonotonic, OmitEmpty),
            field("required", &P::required), field("ephemeral", &P::ephemeral));
    }
};

struct TemplateVersion
{
    QUuid id;
    QUuid templateId; // null: not attached to a template yet
    QUuid organizationId;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString name;
    QString message;
    ProvisionerJob job;
    QString readme;
    MinimalUser createdBy;
    bool archived = false;
    QStringList warnings;

    static auto jsonFields()
    {
        using V = TemplateVersion;
        return std::make_tuple(
            field("id", &V::id, Required), field("template_id", &V::templateId, Nullable),
            field("organization_id", &V::organizationId), field("created_at", &V::createdAt),
            field("updated_at", &V::updatedAt), field("name", &V::name),
            field("message", &V::message), field("job", &V::job, Required),
            field("readme", &V::readme), field("created_by", &V::createdBy),
            field("archived", &V::archived), field("warnings", &V::warnings));
    }
};

struct TemplateAutostopRequirement
{
    QStringList daysOfWeek; // monday ... sunday; empty: never
    qint64 weeks = 1;

    static auto jsonFields()
    {
        return std::make_tuple(field("days_of_week", &TemplateAutostopRequirement::daysOfWeek),
                               field("weeks", &TemplateAutostopRequirement::weeks));
    }
};

struct TemplateAutostartRequirement
{
    QStringList daysOfWeek; // the days autostart may run

    static auto jsonFields()
    {
        return std::make_tuple(field("days_of_week", &TemplateAutostartRequirement::daysOfWeek));
    }
};

struct Template
{
    QUuid id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QUuid organizationId;
    QString organizationName;
    QString organizationDisplayName;
    QString organizationIcon;
    QString name;
    QString displayName;
    QString provisioner; // process | docker
    QUuid activeVersionId;
    qint64 activeUserCount = 0;
    QJsonObject buildTimeStats; // {start|stop|delete: {"P50": ms|null, "P95": ms|null}}
    QString description;
    bool deprecated = false;
    QString deprecationMessage;
    QString icon;
    qint64 defaultTtlMs = 0;
    qint64 activityBumpMs = 0;
    TemplateAutostopRequirement autostopRequirement;
    TemplateAutostartRequirement autostartRequirement;
    QUuid createdById;
    QString createdByName;
    bool allowUserAutostart = true;
    bool allowUserAutostop = true;
    bool allowUserCancelWorkspaceJobs = true;
    qint64 failureTtlMs = 0;
    qint64 timeTilDormantMs = 0;
    qint64 timeTilDormantAutodeleteMs = 0;
    bool requireActiveVersion = false;
    QString maxPortShareLevel; // owner | authenticated | public

    static auto jsonFields()
    {
        using T = Template;
        return std::make_tuple(
            field("id", &T::id, Required), field("created_at", &T::createdAt),
            field("updated_at", &T::updatedAt), field("organization_id", &T::organizationId),
            field("organization_name", &T::organizationName),
            field("organization_display_name", &T::organizationDisplayName),
            field("organization_icon", &T::organizationIcon), field("name", &T::name, Required),
            field("display_name", &T::displayName), field("provisioner", &T::provisioner),
            field("active_version_id", &T::activeVersionId),
            field("active_user_count", &T::activeUserCount),
            field("build_time_stats", &T::buildTimeStats), field("description", &T::description),
            field("deprecated", &T::deprecated),
            field("deprecation_message", &T::deprecationMessage), field("icon", &T::icon),
            field("default_ttl_ms", &T::defaultTtlMs),
            field("activity_bump_ms", &T::activityBumpMs),
            field("autostop_requirement", &T::autostopRequirement),
            field("autostart_requirement", &T::autostartRequirement),
            field("created_by_id", &T::createdById), field("created_by_name", &T::createdByName),
            field("allow_user_autostart", &T::allowUserAutostart),
            field("allow_user_autostop", &T::allowUserAutostop),
            field("allow_user_cancel_workspace_jobs", &T::allowUserCancelWorkspaceJobs),
            field("failure_ttl_ms", &T::failureTtlMs),
            field("time_til_dormant_ms", &T::timeTilDormantMs),
            field("time_til_dormant_autodelete_ms", &T::timeTilDormantAutodeleteMs),
            field("require_active_version", &T::requireActiveVersion),
            field("max_port_share_level", &T::maxPortShareLevel));
    }
};

struct Healthcheck
{
    QString url;
    qint64 interval = 0;  // seconds
    qint64 threshold = 0; // failures before unhealthy

    static auto jsonFields()
    {
        return std::make_tuple(field("url", &Healthcheck::url),
                               field("interval", &Healthcheck::interval),
                               field("threshold", &Healthcheck::threshold));
    }
};

struct WorkspaceApp
{
    QUuid id;
    QString url;
    bool external = false;
    QString slug;
    QString displayName;
    QString command;
    QString icon;
    bool subdomain = false;
    QString subdomainName;
    QString sharingLevel; // owner | authenticated | public
    Healthcheck healthcheck;
    QString health; // disabled | initializing | healthy | unhealthy
    bool hidden = false;

    static auto jsonFields()
    {
        using A = WorkspaceApp;
        return std::make_tuple(
            field("id", &A::id, Required), field("url", &A::url), field("external", &A::external),
            field("slug", &A::slug, Required), field("display_name", &A::displayName),
            field("command", &A::command, OmitEmpty), field("icon", &A::icon, OmitEmpty),
            field("subdomain", &A::subdomain),
            field("subdomain_name", &A::subdomainName, OmitEmpty),
            field("sharing_level", &A::sharingLevel), field("healthcheck", &A::healthcheck),
            field("health", &A::health), field("hidden", &A::hidden));
    }
};

struct WorkspaceAgentHealth
{
    bool healthy = false;
    QString reason; // why not, when not

    static auto jsonFields()
    {
        return std::make_tuple(field("healthy", &WorkspaceAgentHealth::healthy),
                               field("reason", &WorkspaceAgentHealth::reason, OmitEmpty));
    }
};

struct WorkspaceAgent
{
    QUuid id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime firstConnectedAt; // invalid: null
    QDateTime lastConnectedAt;  // invalid: null
    QDateTime disconnectedAt;   // invalid: null
    QDateTime startedAt;        // invalid: null
    QDateTime readyAt;          // invalid: null
    QString status;             // connecting | connected | disconnected | timeout
    QString lifecycleState;     // created | starting | ready | ... | off
    QString name;
    QUuid resourceId;
    QString instanceId;
    QString architecture;
    QMap<QString, QString> environmentVariables;
    QString operatingSystem;
    qint64 logsLength = 0;
    bool logsOverflowed = false;
    QString directory;
    QString expandedDirectory;
    QString version;
    QString apiVersion;
    QList<WorkspaceApp> apps;
    qint64 connectionTimeoutSeconds = 0;
    QString troubleshootingUrl;
    QStringList subsystems;
    WorkspaceAgentHealth health;
    QStringList displayApps; // vscode | vscode_insiders | web_terminal | port_forwarding_helper |
                             // ssh_helper
    QJsonArray logSources;
    QJsonArray scripts;
    QString startupScriptBehavior; // blocking | non-blocking
    qint64 startupScriptTimeoutSeconds = 0;
    // Ours, beside Coder's fields: the latest metadata values (Coder serves them on a route of
    // their own) and the agent's stream statistics.
    QList<WorkspaceAgentMetadata> metadata;
    AgentStats stats;

    static auto jsonFields()
    {
        using A = WorkspaceAgent;
        return std::make_tuple(
            field("id", &A::id, Required), field("created_at", &A::createdAt),
            field("updated_at", &A::updatedAt),
            field("first_connected_at", &A::firstConnectedAt, Nullable),
            field("last_connected_at", &A::lastConnectedAt, Nullable),
            field("disconnected_at", &A::disconnectedAt, Nullable),
            field("started_at", &A::startedAt, Nullable), field("ready_at", &A::readyAt, Nullable),
            field("status", &A::status), field("lifecycle_state", &A::lifecycleState),
            field("name", &A::name, Required), field("resource_id", &A::resourceId),
            field("instance_id", &A::instanceId, OmitEmpty),
            field("architecture", &A::architecture),
            field("environment_variables", &A::environmentVariables),
            field("operating_system", &A::operatingSystem), field("logs_length", &A::logsLength),
            field("logs_overflowed", &A::logsOverflowed),
            field("directory", &A::directory, OmitEmpty),
            field("expanded_directory", &A::expandedDirectory, OmitEmpty),
            field("version", &A::version), field("api_version", &A::apiVersion),
            field("apps", &A::apps),
            field("connection_timeout_seconds", &A::connectionTimeoutSeconds),
            field("troubleshooting_url", &A::troubleshootingUrl),
            field("subsystems", &A::subsystems), field("health", &A::health),
            field("display_apps", &A::displayApps), field("log_sources", &A::logSources),
            field("scripts", &A::scripts),
            field("startup_script_behavior", &A::startupScriptBehavior),
            field("startup_script_timeout_seconds", &A::startupScriptTimeoutSeconds),
            field("metadata", &A::metadata), field("stats", &A::stats));
    }
};

struct WorkspaceResourceMetadata
{
    QString key;
    QString value;
    bool sensitive = false;

    static auto jsonFields()
    {
        return std::make_tuple(field("key", &WorkspaceResourceMetadata::key),
                               field("value", &WorkspaceResourceMetadata::value),
                               field("sensitive", &WorkspaceResourceMetadata::sensitive));
    }
};

struct WorkspaceResource
{
    QUuid id;
    QDateTime createdAt;
    QUuid jobId;
    QString workspaceTransition;
    QString type;
    QString name;
    bool hide = false;
    QString icon;
    QList<WorkspaceAgent> agents;
    QList<WorkspaceResourceMetadata> metadata;
    qint64 dailyCost = 0;

    static auto jsonFields()
    {
        using R = WorkspaceResource;
        return std::make_tuple(
            field("id", &R::id, Required), field("created_at", &R::createdAt),
            field("job_id", &R::jobId), field("workspace_transition", &R::workspaceTransition),
            field("type", &R::type), field("name", &R::name), field("hide", &R::hide),
            field("icon", &R::icon), field("agents", &R::agents), field("metadata", &R::metadata),
            field("daily_cost", &R::dailyCost));
    }
};

struct WorkspaceBuild
{
    QUuid id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QUuid workspaceId;
    QString workspaceName;
    QUuid workspaceOwnerId;
    QString workspaceOwnerName;
    QString workspaceOwnerAvatarUrl;
    QUuid templateVersionId;
    QString templateVersionName;
    qint64 buildNumber = 0;
    QString transition; // start | stop | delete
    QUuid initiatorId;
    QString initiatorName;
    ProvisionerJob job;
    QString reason; // initiator | autostart | autostop
    QList<WorkspaceResource> resources;
    QDateTime deadline;    // invalid: null
    QDateTime maxDeadline; // invalid: null
    QString status;        // the workspace status this build gives
    qint64 dailyCost = 0;

    static auto jsonFields()
    {
        using B = WorkspaceBuild;
        return std::make_tuple(
            field("id", &B::id, Required), field("created_at", &B::createdAt),
            field("updated_at", &B::updatedAt), field("workspace_id", &B::workspaceId),
            field("workspace_name", &B::workspaceName),
            field("workspace_owner_id", &B::workspaceOwnerId),
            field("workspace_owner_name", &B::workspaceOwnerName),
            field("workspace_owner_avatar_url", &B::workspaceOwnerAvatarUrl),
            field("template_version_id", &B::templateVersionId),
            field("template_version_name", &B::templateVersionName),
            field("build_number", &B::buildNumber), field("transition", &B::transition),
            field("initiator_id", &B::initiatorId), field("initiator_name", &B::initiatorName),
            field("job", &B::job, Required), field("reason", &B::reason),
            field("resources", &B::resources), field("deadline", &B::deadline, Nullable),
            field("max_deadline", &B::maxDeadline, Nullable), field("status", &B::status),
            field("daily_cost", &B::dailyCost));
    }
};

struct WorkspaceHealth
{
    bool healthy = true;
    QList<QUuid> failingAgents;

    static auto jsonFields()
    {
        return std::make_tuple(field("healthy", &WorkspaceHealth::healthy),
                               field("failing_agents", &WorkspaceHealth::failingAgents));
    }
};

struct Workspace
{
    QUuid id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QUuid ownerId;
    QString ownerName;
    QString ownerAvatarUrl;
    QUuid organizationId;
    QString organizationName;
    QUuid templateId;
    QString templateName;
    QString templateDisplayName;
    QString templateIcon;
    bool templateAllowUserCancelWorkspaceJobs = true;
    QUuid templateActiveVersionId;
    bool templateRequireActiveVersion = false;
    WorkspaceBuild latestBuild;
    bool outdated = false;
    QString name;
    std::optional<QString> autostartSchedule; // "CRON_TZ=... M H * * DOW"; null: manual
    std::optional<qint64> ttlMs;              // null: no automatic stop
    QDateTime lastUsedAt;
    QDateTime deletingAt; // invalid: null
    QDateTime dormantAt;  // invalid: null
    WorkspaceHealth health;
    QString automaticUpdates = QStringLiteral("never");
    bool allowRenames = false;
    bool favorite = false;

    // "owner/name".
    QString fullName() const { return ownerName + u'/' + name; }

    static auto jsonFields()
    {
        using W = Workspace;
        return std::make_tuple(
            field("id", &W::id, Required), field("created_at", &W::createdAt),
            field("updated_at", &W::updatedAt), field("owner_id", &W::ownerId),
            field("owner_name", &W::ownerName), field("owner_avatar_url", &W::ownerAvatarUrl),
            field("organization_id", &W::organizationId),
            field("organization_name", &W::organizationName), field("template_id", &W::templateId),
            field("template_name", &W::templateName),
            field("template_display_name", &W::templateDisplayName),
            field("template_icon", &W::templateIcon),
            field("template_allow_user_cancel_workspace_jobs",
                  &W::templateAllowUserCancelWorkspaceJobs),
            field("template_active_version_id", &W::templateActiveVersionId),
            field("template_require_active_version", &W::templateRequireActiveVersion),
            field("latest_build", &W::latestBuild, Required), field("outdated", &W::outdated),
            field("name", &W::name, Required),
            field("autostart_schedule", &W::autostartSchedule, Nullable),
            field("ttl_ms", &W::ttlMs, Nullable), field("last_used_at", &W::lastUsedAt),
            field("deleting_at", &W::deletingAt, Nullable),
            field("dormant_at", &W::dormantAt, Nullable), field("health", &W::health),
            field("automatic_updates", &W::automaticUpdates),
            field("allow_renames", &W::allowRenames), field("favorite", &W::favorite));
    }
};

struct WorkspacesPage
{
    QList<Workspace> workspaces;
    qint64 count = 0;

    static auto jsonFields()
    {
        return std::make_tuple(field("workspaces", &WorkspacesPage::workspaces),
                               field("count", &WorkspacesPage::count));
    }
};

// ---- requests ----

struct WorkspaceBuildParameter
{
    QString name;
    QString value;

    static auto jsonFields()
    {
        return std::make_tuple(field("name", &WorkspaceBuildParameter::name, Required),
                               field("value", &WorkspaceBuildParameter::value));
    }
};

struct CreateTemplateVersionRequest
{
    QString name;     // empty: the server picks one
    QString message;  // empty: omitted
    QUuid templateId; // null: a version not attached to a template yet
    QUuid fileId;
    QString storageMethod = QStringLiteral("file");
    QString provisioner; // empty: from the template's manifest
    QMap<QString, QString> tags;

    static auto jsonFields()
    {
        using R = CreateTemplateVersionRequest;
        return std::make_tuple(
            field("name", &R::name, OmitEmpty), field("message", &R::message, OmitEmpty),
            field("template_id", &R::templateId, OmitEmpty), field("file_id", &R::fileId),
            field("storage_method", &R::storageMethod),
            field("provisioner", &R::provisioner, OmitEmpty), field("tags", &R::tags, OmitEmpty));
    }
};

struct CreateTemplateRequest
{
    QString name;
    QString displayName;
    QString description;
    QString icon;
    QUuid versionId;
    std::optional<qint64> defaultTtlMs;
    std::optional<qint64> activityBumpMs;
    std::optional<bool> allowUserAutostart;
    std::optional<bool> allowUserAutostop;
    std::optional<bool> allowUserCancelWorkspaceJobs;

    static auto jsonFields()
    {
        using R = CreateTemplateRequest;
        return std::make_tuple(
            field("name", &R::name), field("display_name", &R::displayName, OmitEmpty),
            field("description", &R::description, OmitEmpty), field("icon", &R::icon, OmitEmpty),
            field("template_version_id", &R::versionId),
            field("default_ttl_ms", &R::defaultTtlMs, OmitEmpty),
            field("activity_bump_ms", &R::activityBumpMs, OmitEmpty),
            field("allow_user_autostart", &R::allowUserAutostart, OmitEmpty),
            field("allow_user_autostop", &R::allowUserAutostop, OmitEmpty),
            field("allow_user_cancel_workspace_jobs", &R::allowUserCancelWorkspaceJobs, OmitEmpty));
    }
};

struct CreateWorkspaceRequest
{
    QUuid templateId;        // one of templateId and templateVersionId
    QUuid templateVersionId; //
    QString name;
    std::optional<QString> autostartSchedule;
    std::optional<qint64> ttlMs;
    QList<WorkspaceBuildParameter> richParameterValues;

    static auto jsonFields()
    {
        using R = CreateWorkspaceRequest;
        return std::make_tuple(field("template_id", &R::templateId, OmitEmpty),
                               field("template_version_id", &R::templateVersionId, OmitEmpty),
                               field("name", &R::name),
                               field("autostart_schedule", &R::autostartSchedule, OmitEmpty),
                               field("ttl_ms", &R::ttlMs, OmitEmpty),
                               field("rich_parameter_values", &R::richParameterValues, OmitEmpty));
    }
};

struct CreateWorkspaceBuildRequest
{
    QString transition;      // start | stop | delete
    QUuid templateVersionId; // null: the version of the previous build
    QList<WorkspaceBuildParameter> richParameterValues;

    static auto jsonFields()
    {
        using R = CreateWorkspaceBuildRequest;
        return std::make_tuple(field("transition", &R::transition),
                               field("template_version_id", &R::templateVersionId, OmitEmpty),
                               field("rich_parameter_values", &R::richParameterValues, OmitEmpty));
    }
};

// POST /api/v2/files
struct UploadResponse
{
    QUuid hash; // the file's id

    static auto jsonFields()
    {
        return std::make_tuple(field("hash", &UploadResponse::hash, Required));
    }
};

// PATCH /api/v2/templates/{template}/versions
struct UpdateActiveVersionRequest
{
    QUuid id;

    static auto jsonFields()
    {
        return std::make_tuple(field("id", &UpdateActiveVersionRequest::id, Required));
    }
};

// PATCH /api/v2/templates/{template}: the fields sent change, the others stay.
struct UpdateTemplateMeta
{
    std::optional<QString> name;
    std::optional<QString> displayName;
    std::optional<QString> description;
    std::optional<QString> icon;
    std::optional<qint64> defaultTtlMs;
    std::optional<qint64> activityBumpMs;
    std::optional<bool> allowUserAutostart;
    std::optional<bool> allowUserAutostop;
    std::optional<bool> allowUserCancelWorkspaceJobs;

    static auto jsonFields()
    {
        using R = UpdateTemplateMeta;
        return std::make_tuple(
            field("name", &R::name, OmitEmpty), field("display_name", &R::displayName, OmitEmpty),
            field("description", &R::description, OmitEmpty), field("icon", &R::icon, OmitEmpty),
            field("default_ttl_ms", &R::defaultTtlMs, OmitEmpty),
            field("activity_bump_ms", &R::activityBumpMs, OmitEmpty),
            field("allow_user_autostart", &R::allowUserAutostart, OmitEmpty),
            field("allow_user_autostop", &R::allowUserAutostop, OmitEmpty),
            field("allow_user_cancel_workspace_jobs", &R::allowUserCancelWorkspaceJobs, OmitEmpty));
    }
};

// PATCH /api/v2/workspaces/{workspace}
struct UpdateWorkspaceRequest
{
    QString name;

    static auto jsonFields()
    {
        return std::make_tuple(field("name", &UpdateWorkspaceRequest::name, Required));
    }
};

// PUT /api/v2/workspaces/{workspace}/autostart
struct UpdateWorkspaceAutostartRequest
{
    std::optional<QString> schedule; // null or "": no automatic start

    static auto jsonFields()
    {
        return std::make_tuple(
            field("schedule", &UpdateWorkspaceAutostartRequest::schedule, Nullable));
    }
};

// PUT /api/v2/workspaces/{workspace}/ttl
struct UpdateWorkspaceTtlRequest
{
    std::optional<qint64> ttlMs; // null or 0: no automatic stop

    static auto jsonFields()
    {
        return std::make_tuple(field("ttl_ms", &UpdateWorkspaceTtlRequest::ttlMs, Nullable));
    }
};

// PUT /api/v2/workspaces/{workspace}/extend
struct PutExtendWorkspaceRequest
{
    QDateTime deadline;

    static auto jsonFields()
    {
        return std::make_tuple(field("deadline", &PutExtendWorkspaceRequest::deadline, Required));
    }
};

} // namespace coder::core
