#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUuid>
#include <optional>

namespace coder::server {

// Rows of templates, workspaces, builds and provisioner jobs (ARCHITECTURE.md §5). Times are
// UTC, millisecond precision; an invalid QDateTime is NULL. JSON columns hold what the API or
// the provisioner defined; the store does not look inside them.

// The one organization every deployment has, made by migration 0002 ("coder").
inline const QUuid kDefaultOrganizationId =
    QUuid::fromString(QStringLiteral("c0de0000-0000-4000-8000-000000000001"));

struct File
{
    QUuid id;
    QByteArray hash; // SHA-256 of data, hex; unique: a second upload of the same bytes is the first
    QString mimetype;
    QByteArray data;
    QUuid createdBy;
    QDateTime createdAt;
};

struct Organization
{
    QUuid id;
    QString name; // "coder" for the default organization
    QString displayName;
    QString description;
    bool isDefault = false;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct Template
{
    QUuid id;
    QUuid organizationId;
    QString name; // unique per organization among templates not deleted, case-insensitive
    QString displayName;
    QString description;
    QString icon;
    QString provisioner; // "process" | "docker"
    QUuid activeVersionId;
    qint64 defaultTtlMs = 0;         // autostop after start; 0: none
    qint64 activityBumpMs = 3600000; // how far activity pushes the deadline
    bool allowUserAutostart = true;
    bool allowUserAutostop = true;
    bool allowUserCancelWorkspaceJobs = true;
    QUuid createdBy;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;
};

struct TemplateVersion
{
    QUuid id;
    QUuid templateId; // null until the version is attached to a template
    QUuid organizationId;
    QString name; // unique per template
    QString message;
    QString readme;
    QUuid fileId;
    QUuid jobId;
    // Set by a succeeded import job: the TemplateManifest's parameters as the API shows them
    // (Coder's TemplateVersionParameter objects).
    QJsonArray parameters;
    QUuid createdBy;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool archived = false;
};

namespace job_status {
inline const QString pending = QStringLiteral("pending");
inline const QString running = QStringLiteral("running");
inline const QString succeeded = QStringLiteral("succeeded");
inline const QString failed = QStringLiteral("failed");
inline const QString canceling = QStringLiteral("canceling");
inline const QString canceled = QStringLiteral("canceled");
} // namespace job_status

namespace job_type {
inline const QString templateVersionImport = QStringLiteral("template_version_import");
inline const QString workspaceBuild = QStringLiteral("workspace_build");
} // namespace job_type

struct ProvisionerJob
{
    QUuid id;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime startedAt;
    QDateTime completedAt;
    QDateTime canceledAt;
    QDateTime heartbeatAt;                // last sign of life from the daemon running it
    QString status = job_status::pending; // derived as Coder does, kept in a column to filter on
    QString error;
    QString errorCode;
    QUuid organizationId;
    QUuid initiatorId;
    QString provisioner; // "process" | "docker"
    QString type;        // job_type
    QUuid fileId;
    // template_version_import: {"template_version_id"}; workspace_build: {"workspace_build_id"}
    QJsonObject input;
    QMap<QString, QString> tags; // a daemon runs the job only when it has every tag
    QUuid workerId;              // the daemon that acquired it
    bool isActive() const
    {
        return status == job_status::pending || status == job_status::running ||
               status == job_status::canceling;
    }
};

struct ProvisionerJobLog
{
    qint64 id = 0; // increasing per database; "after" cursors use it
    QUuid jobId;
    QDateTime createdAt;
    QString source = QStringLiteral("provisioner"); // "provisioner_daemon" | "provisioner"
    QString level = QStringLiteral("info");         // trace | debug | info | warn | error
    QString stage;
    QString output;
};

struct ProvisionerDaemon
{
    QUuid id;
    QString name; // unique
    QStringList provisioners;
    QMap<QString, QString> tags;
    QString version;
    QDateTime createdAt;
    QDateTime lastSeenAt;
};

struct Workspace
{
    QUuid id;
    QUuid ownerId;
    QUuid organizationId;
    QUuid templateId;
    QString name;              // unique per owner among workspaces not deleted, case-insensitive
    QString autostartSchedule; // "CRON_TZ=Europe/Paris 30 8 * * 1-5" or empty
    qint64 ttlMs = 0;          // 0: no autostop
    QDateTime lastUsedAt;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;
};

namespace transition {
inline const QString start = QStringLiteral("start");
inline const QString stop = QStringLiteral("stop");
inline const QString remove = QStringLiteral("delete");
} // namespace transition

struct WorkspaceBuild
{
    QUuid id;
    QUuid workspaceId;
    QUuid templateVersionId;
    int buildNumber = 0; // 1, 2, ... per workspace
    QString transition;
    QUuid initiatorId;
    QString reason = QStringLiteral("initiator"); // initiator | autostart | autostop
    QUuid jobId;
    // What the provisioner created, as it reported it; handed back to the next build so stop and
    // delete remove exactly that. Opaque to coderd.
    QByteArray provisionerState;
    QJsonArray parameters; // [{"name","value"}], the values this build used
    QDateTime deadline;    // autostop time of a start build; NULL: none
    QDateTime maxDeadline;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct WorkspaceApp
{
    QUuid id;
    QUuid agentId;
    QString slug;
    QString displayName;
    QString icon;
    QString url; // "http://localhost:8080"; empty for a command app
    QString command;
    QString sharingLevel = QStringLiteral("owner"); // owner | authenticated | public
    bool subdomain = false;
    QJsonObject healthcheck; // {"url","interval","threshold"} or empty
    QDateTime createdAt;
};

struct WorkspaceAgent
{
    QUuid id;
    QUuid resourceId;
    QString name;
    // SHA-256 of the agent's token; the token itself is never stored. Written with the agent,
    // never read back with it: resources carry no secret, even hashed.
    QByteArray authTokenHash;
    QString operatingSystem = QStringLiteral("linux");
    QString architecture = QStringLiteral("amd64");
    QString directory;
    QJsonObject environmentVariables;
    QString startupScript;
    int startupScriptTimeoutSeconds = 300;
    QString shutdownScript;
    int shutdownScriptTimeoutSeconds = 300;
    int connectionTimeoutSeconds = 120; // 0: never "timeout"
    // The heartbeat interval of the replica holding the agent's tunnel, written with each
    // heartbeat: any replica takes the agent for disconnected two intervals after the last.
    int heartbeatIntervalMs = 15000;
    // [{"key","display_name","script","interval","timeout"}]: what the agent measures
    QJsonArray metadataDefinitions;
    QString lifecycleState = QStringLiteral("created");
    QDateTime firstConnectedAt;
    QDateTime lastConnectedAt;
    QDateTime disconnectedAt;
    QDateTime startedAt;   // the startup script started (lifecycle "starting")
    QDateTime readyAt;     // it ended (ready, start_timeout or start_error)
    qint64 logsLength = 0; // bytes of output logged so far
    bool logsOverflowed = false;
    QString version; // the agent's, as it reported it
    // The agent's latest reports: {key: {"value","error","collected_at"}},
    // [{"process_name","network","port"}], {"open_streams":{kind: n},"bytes_in","bytes_out"}
    QJsonObject metadataResults;
    QJsonArray listeningPorts;
    QJsonObject stats;
    QDateTime createdAt;
    QDateTime updatedAt;
    QList<WorkspaceApp> apps;
};

// An agent with the workspace and build it belongs to, and that workspace's latest build: what
// deciding whether the agent's token is still good needs (AgentService).
struct AgentPlacement
{
    WorkspaceAgent agent;
    QUuid workspaceId;
    QString workspaceName;
    bool workspaceDeleted = false;
    QUuid ownerId;
    QString ownerName;
    QUuid buildId;
    int buildNumber = 0;
    QString buildTransition;
    int latestBuildNumber = 0;
    QString latestBuildTransition;
    bool latestBuildCompleted = false; // its job has ended, whichever way
};

// One line of an agent's startup script output (Coder's workspace agent logs).
struct AgentLog
{
    qint64 id = 0;
    QUuid agentId;
    QDateTime createdAt;
    QString level = QStringLiteral("info");
    QString output;
};

struct WorkspaceResource
{
    QUuid id;
    QUuid jobId;
    QString transition;
    QString type; // "process", "home_directory", "docker_container", "docker_volume"
    QString name;
    bool persistent = false;
    bool hide = false;
    QString icon;
    QDateTime createdAt;
    QList<WorkspaceAgent> agents;
};

// A workspace with what its API object shows: owner, template, latest build and that build's job.
struct WorkspaceView
{
    Workspace workspace;
    QString ownerName;
    QString templateName;
    QString templateDisplayName;
    QString templateIcon;
    QUuid templateActiveVersionId;
    bool templateAllowUserCancelWorkspaceJobs = true;
    QString organizationName;
    QString organizationDisplayName;
    WorkspaceBuild latestBuild;
    ProvisionerJob latestJob;
    QString latestBuildVersionName;   // the name of the latest build's template version
    QString latestBuildInitiatorName; // "" when no user started it
};

struct WorkspaceFilter
{
    QUuid ownerId;     // null: any owner
    QString ownerName; // case-insensitive; empty: any
    QUuid templateId;
    QString templateName; // case-insensitive
    QString name;         // substring, case-insensitive
    QString status;       // a derived workspace status; empty: any
    bool includeDeleted = false;
    int limit = 0; // 0: no limit
    int offset = 0;
};

// A page of a workspace listing and how many workspaces the filter matches in all.
struct WorkspacePage
{
    QList<WorkspaceView> workspaces;
    qint64 count = 0;
};

// What a daemon asks for: any pending job of one of its provisioners whose tags it all has.
// A template version and its import job, read as one snapshot.
struct VersionWithJob
{
    TemplateVersion version;
    ProvisionerJob job;
};

// A build and its job, read as one snapshot.
struct BuildWithJob
{
    WorkspaceBuild build;
    ProvisionerJob job;
};

struct JobAcquireRequest
{
    QUuid workerId;
    QStringList provisioners;
    QMap<QString, QString> tags;
};

} // namespace coder::server
