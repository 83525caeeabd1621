#pragma once

#include "core/api_types.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

// Typed JSON codecs for templates, workspaces, builds and provisioner jobs (Coder's shapes,
// snake_case, RFC 3339 UTC times). fromJson needs only the fields a client relies on (ids,
// names, the nested job of a version or build) and ignores fields it does not know; toJson
// writes every field it knows, nullable times and ids as null.
namespace coder::core {

struct ProvisionerJob
{
    QString id;
    QDateTime createdAt;
    QDateTime startedAt;   // invalid: null
    QDateTime completedAt; // invalid: null
    QDateTime canceledAt;  // invalid: null
    QString error;         // "" when none
    QString errorCode;
    QString status; // pending | running | succeeded | canceling | canceled | failed
    QString workerId;
    QString fileId;
    QMap<QString, QString> tags;
    int queuePosition = 0;
    int queueSize = 0;
    QString organizationId;
    QString templateVersionId; // input of a template_version_import job
    QString workspaceBuildId;  // input of a workspace_build job
    QString type;              // template_version_import | workspace_build

    // succeeded, canceled or failed: no more logs will come.
    bool isCompleted() const;

    static Result<ProvisionerJob, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct ProvisionerJobLog
{
    qint64 id = 0;
    QDateTime createdAt;
    QString logSource; // provisioner_daemon | provisioner
    QString logLevel;  // trace | debug | info | warn | error
    QString stage;
    QString output;

    static Result<ProvisionerJobLog, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct TemplateVersionParameterOption
{
    QString name;
    QString description;
    QString value;
    QString icon;

    static Result<TemplateVersionParameterOption, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
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
    QString validationRegex;
    std::optional<qint64> validationMin;
    std::optional<qint64> validationMax;
    QString validationError;
    QString validationMonotonic;
    bool required = false;
    bool ephemeral = false;

    static Result<TemplateVersionParameter, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct MinimalUser
{
    QString id;
    QString username;
    QString avatarUrl;

    static MinimalUser fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct TemplateVersion
{
    QString id;
    QString templateId; // empty: null (not attached to a template yet)
    QString organizationId;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString name;
    QString message;
    ProvisionerJob job;
    QString readme;
    MinimalUser createdBy;
    bool archived = false;
    QJsonArray warnings;

    static Result<TemplateVersion, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct Template
{
    QString id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString organizationId;
    QString organizationName;
    QString organizationDisplayName;
    QString name;
    QString displayName;
    QString provisioner; // process | docker
    QString activeVersionId;
    qint64 activeUserCount = 0;
    QJsonObject buildTimeStats;
    QString description;
    QString icon;
    qint64 defaultTtlMs = 0;
    qint64 activityBumpMs = 0;
    bool allowUserAutostart = true;
    bool allowUserAutostop = true;
    bool allowUserCancelWorkspaceJobs = true;
    QString createdById;
    QString createdByName;
    bool deprecated = false;
    QString deprecationMessage;

    static Result<Template, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct WorkspaceAppHealthcheck
{
    QString url;
    int interval = 0;
    int threshold = 0;
};

struct WorkspaceApp
{
    QString id;
    QString url;
    bool external = false;
    QString slug;
    QString displayName;
    QString command;
    QString icon;
    bool subdomain = false;
    QString sharingLevel;
    WorkspaceAppHealthcheck healthcheck;
    QString health; // disabled | initializing | healthy | unhealthy
    bool hidden = false;

    static Result<WorkspaceApp, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct WorkspaceAgent
{
    QString id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime firstConnectedAt; // invalid: null
    QDateTime lastConnectedAt;  // invalid: null
    QDateTime disconnectedAt;   // invalid: null
    QString status;             // connecting | connected | disconnected | timeout
    QString lifecycleState;
    QString name;
    QString resourceId;
    QString architecture;
    QString operatingSystem;
    QMap<QString, QString> environmentVariables;
    QString directory;
    QString expandedDirectory;
    QString version;
    QList<WorkspaceApp> apps;
    qint64 startupScriptTimeoutSeconds = 0;
    QString troubleshootingUrl;

    static Result<WorkspaceAgent, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct WorkspaceResource
{
    QString id;
    QDateTime createdAt;
    QString jobId;
    QString workspaceTransition;
    QString type;
    QString name;
    bool hide = false;
    QString icon;
    QList<WorkspaceAgent> agents;
    QJsonArray metadata;
    qint64 dailyCost = 0;

    static Result<WorkspaceResource, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct WorkspaceBuild
{
    QString id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString workspaceId;
    QString workspaceName;
    QString workspaceOwnerId;
    QString workspaceOwnerName;
    QString templateVersionId;
    QString templateVersionName;
    qint64 buildNumber = 0;
    QString transition; // start | stop | delete
    QString initiatorId;
    QString initiatorName;
    ProvisionerJob job;
    QString reason; // initiator | autostart | autostop
    QList<WorkspaceResource> resources;
    QDateTime deadline;    // invalid: null
    QDateTime maxDeadline; // invalid: null
    QString status;        // the workspace status this build gives
    qint64 dailyCost = 0;

    static Result<WorkspaceBuild, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct WorkspaceHealth
{
    bool healthy = true;
    QStringList failingAgents;
};

struct Workspace
{
    QString id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString ownerId;
    QString ownerName;
    QString organizationId;
    QString organizationName;
    QString templateId;
    QString templateName;
    QString templateDisplayName;
    QString templateIcon;
    bool templateAllowUserCancelWorkspaceJobs = true;
    QString templateActiveVersionId;
    WorkspaceBuild latestBuild;
    bool outdated = false;
    QString name;
    std::optional<QString> autostartSchedule; // "CRON_TZ=... M H * * DOW"; nullopt: manual
    std::optional<qint64> ttlMs;              // nullopt: no automatic stop
    QDateTime lastUsedAt;
    QDateTime deletingAt; // invalid: null
    QDateTime dormantAt;  // invalid: null
    WorkspaceHealth health;
    QString automaticUpdates = QStringLiteral("never");
    bool allowRenames = false;
    bool favorite = false;

    // "owner/name".
    QString fullName() const { return ownerName + u'/' + name; }

    static Result<Workspace, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct WorkspacesPage
{
    QList<Workspace> workspaces;
    qint64 count = 0;

    static Result<WorkspacesPage, QString> fromJson(const QJsonObject &object);
};

struct WorkspaceBuildParameter
{
    QString name;
    QString value;

    static Result<WorkspaceBuildParameter, QString> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct CreateTemplateVersionRequest
{
    QString name;       // empty: the server picks one
    QString message;    // empty: omitted
    QString templateId; // empty: a version not attached to a template yet
    QString fileId;
    QString provisioner; // empty: from the template's manifest
    QMap<QString, QString> tags;

    QJsonObject toJson() const;
};

struct CreateTemplateRequest
{
    QString name;
    QString displayName;
    QString description;
    QString icon;
    QString versionId;
    std::optional<qint64> defaultTtlMs;
    std::optional<bool> allowUserAutostart;
    std::optional<bool> allowUserAutostop;
    std::optional<bool> allowUserCancelWorkspaceJobs;

    QJsonObject toJson() const;
};

struct CreateWorkspaceRequest
{
    QString templateId;        // one of templateId and templateVersionId
    QString templateVersionId; //
    QString name;
    std::optional<QString> autostartSchedule;
    std::optional<qint64> ttlMs;
    QList<WorkspaceBuildParameter> richParameterValues;

    QJsonObject toJson() const;
};

struct CreateWorkspaceBuildRequest
{
    QString transition;        // start | stop | delete
    QString templateVersionId; // empty: the version of the previous build
    QList<WorkspaceBuildParameter> richParameterValues;

    QJsonObject toJson() const;
};

} // namespace coder::core
