#include "provisioning_row_codec.h"

#include "row_codec.h"

#include <QJsonDocument>

namespace coder::server {

namespace {

QJsonArray arrayFrom(const QVariant &value)
{
    const QString text = value.toString();
    if (text.size() <= 2)
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).array();
}

QMap<QString, QString> tagsFrom(const QVariant &value)
{
    QMap<QString, QString> tags;
    const QJsonObject object = RowCodec::objectFrom(value);
    for (auto it = object.begin(); it != object.end(); ++it)
        tags.insert(it.key(), it.value().toString());
    return tags;
}

QStringList stringListFrom(const QVariant &value)
{
    QStringList list;
    for (const QJsonValue &item : arrayFrom(value))
        list.append(item.toString());
    return list;
}

QString compact(const QJsonDocument &document)
{
    return QString::fromUtf8(document.toJson(QJsonDocument::Compact));
}

} // namespace

using C = ProvisioningRowCodec;

const QString C::fileColumns = QStringLiteral("id, hash, mimetype, data, created_by, created_at");
const QString C::organizationColumns =
    QStringLiteral("id, name, display_name, description, is_default, created_at, updated_at");
const QString C::templateColumns = QStringLiteral(
    "id, organization_id, name, display_name, description, icon, provisioner, active_version_id, "
    "default_ttl_ms, activity_bump_ms, allow_user_autostart, allow_user_autostop, "
    "allow_user_cancel_workspace_jobs, created_by, created_at, updated_at, deleted");
const QString C::templateVersionColumns = QStringLiteral(
    "id, template_id, organization_id, name, message, readme, file_id, job_id, parameters, "
    "created_by, created_at, updated_at, archived");
const QString C::jobColumnsWithoutInput = QStringLiteral(
    "id, created_at, updated_at, started_at, completed_at, canceled_at, heartbeat_at, status, "
    "error, error_code, organization_id, initiator_id, provisioner, type, file_id, tags, "
    "worker_id");
const QString C::jobColumns = jobColumnsWithoutInput + QStringLiteral(", input");
const QString C::jobLogColumns =
    QStringLiteral("id, job_id, created_at, source, level, stage, output");
const QString C::daemonColumns =
    QStringLiteral("id, name, provisioners, tags, version, created_at, last_seen_at");
const QString C::workspaceColumns = QStringLiteral(
    "id, owner_id, organization_id, template_id, name, autostart_schedule, ttl_ms, last_used_at, "
    "created_at, updated_at, deleted");
const QString C::buildColumnsWithoutPayload = QStringLiteral(
    "id, workspace_id, template_version_id, build_number, transition, initiator_id, reason, "
    "job_id, deadline, max_deadline, created_at, updated_at");
const QString C::buildColumns =
    buildColumnsWithoutPayload + QStringLiteral(", parameters, provisioner_state");
const QString C::resourceColumns =
    QStringLiteral("id, job_id, transition, type, name, persistent, hide, icon, created_at");
const QString C::agentStateColumns = QStringLiteral(
    "lifecycle_state, first_connected_at, last_connected_at, disconnected_at, updated_at, "
    "started_at, ready_at, logs_length, logs_overflowed, version, metadata_results, "
    "listening_ports, stats, heartbeat_interval_ms");
const QString C::agentLogColumns = QStringLiteral("id, agent_id, created_at, level, output");
const QString C::agentColumns =
    QStringLiteral("id, resource_id, name, operating_system, architecture, directory, "
                   "environment_variables, startup_script, startup_script_timeout_seconds, "
                   "created_at, shutdown_script, shutdown_script_timeout_seconds, "
                   "metadata_definitions, connection_timeout_seconds, ") +
    agentStateColumns;
const QString C::appColumns = QStringLiteral(
    "id, agent_id, slug, display_name, icon, url, command, sharing_level, subdomain, healthcheck, "
    "created_at");

QString C::jobStatus(const ProvisionerJob &job)
{
    if (job.completedAt.isValid()) {
        if (!job.error.isEmpty())
            return job_status::failed;
        if (job.canceledAt.isValid())
            return job_status::canceled;
        return job_status::succeeded;
    }
    if (job.canceledAt.isValid())
        return job_status::canceling;
    if (!job.startedAt.isValid())
        return job_status::pending;
    return job_status::running;
}

QString C::workspaceStatus(const QString &jobStatus, const QString &transition)
{
    if (jobStatus == job_status::running) {
        if (transition == transition::stop)
            return QStringLiteral("stopping");
        if (transition == transition::remove)
            return QStringLiteral("deleting");
        return QStringLiteral("starting");
    }
    if (jobStatus == job_status::succeeded) {
        if (transition == transition::stop)
            return QStringLiteral("stopped");
        if (transition == transition::remove)
            return QStringLiteral("deleted");
        return QStringLiteral("running");
    }
    return jobStatus; // pending, canceling, canceled, failed
}

QString C::tagsJson(const QMap<QString, QString> &tags)
{
    if (tags.isEmpty())
        return QStringLiteral("{}");
    QJsonObject object;
    for (auto it = tags.begin(); it != tags.end(); ++it)
        object.insert(it.key(), it.value());
    return compact(QJsonDocument(object));
}

QString C::stringListJson(const QStringList &list)
{
    return compact(QJsonDocument(QJsonArray::fromStringList(list)));
}

QString C::arrayJson(const QJsonArray &array)
{
    if (array.isEmpty())
        return QStringLiteral("[]");
    return compact(QJsonDocument(array));
}

QVariant C::optionalBytes(const QByteArray &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(value);
}

File C::file(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    File file;
    file.id = RowCodec::uuidFrom(q(0));
    file.hash = q(1).toString().toLatin1();
    file.mimetype = q(2).toString();
    file.data = q(3).toByteArray();
    file.createdBy = RowCodec::uuidFrom(q(4));
    file.createdAt = RowCodec::timeFrom(q(5));
    return file;
}

Organization C::organization(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    Organization organization;
    organization.id = RowCodec::uuidFrom(q(0));
    organization.name = q(1).toString();
    organization.displayName = q(2).toString();
    organization.description = q(3).toString();
    organization.isDefault = q(4).toBool();
    organization.createdAt = RowCodec::timeFrom(q(5));
    organization.updatedAt = RowCodec::timeFrom(q(6));
    return organization;
}

Template C::tmpl(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    Template t;
    t.id = RowCodec::uuidFrom(q(0));
    t.organizationId = RowCodec::uuidFrom(q(1));
    t.name = q(2).toString();
    t.displayName = q(3).toString();
    t.description = q(4).toString();
    t.icon = q(5).toString();
    t.provisioner = q(6).toString();
    t.activeVersionId = RowCodec::uuidFrom(q(7));
    t.defaultTtlMs = q(8).toLongLong();
    t.activityBumpMs = q(9).toLongLong();
    t.allowUserAutostart = q(10).toBool();
    t.allowUserAutostop = q(11).toBool();
    t.allowUserCancelWorkspaceJobs = q(12).toBool();
    t.createdBy = RowCodec::uuidFrom(q(13));
    t.createdAt = RowCodec::timeFrom(q(14));
    t.updatedAt = RowCodec::timeFrom(q(15));
    t.deleted = q(16).toBool();
    return t;
}

TemplateVersion C::templateVersion(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    TemplateVersion v;
    v.id = RowCodec::uuidFrom(q(0));
    v.templateId = RowCodec::uuidFrom(q(1));
    v.organizationId = RowCodec::uuidFrom(q(2));
    v.name = q(3).toString();
    v.message = q(4).toString();
    v.readme = q(5).toString();
    v.fileId = RowCodec::uuidFrom(q(6));
    v.jobId = RowCodec::uuidFrom(q(7));
    v.parameters = arrayFrom(q(8));
    v.createdBy = RowCodec::uuidFrom(q(9));
    v.createdAt = RowCodec::timeFrom(q(10));
    v.updatedAt = RowCodec::timeFrom(q(11));
    v.archived = q(12).toBool();
    return v;
}

ProvisionerJob C::job(const QSqlQuery &row, int first, bool withInput)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    ProvisionerJob job;
    job.id = RowCodec::uuidFrom(q(0));
    job.createdAt = RowCodec::timeFrom(q(1));
    job.updatedAt = RowCodec::timeFrom(q(2));
    job.startedAt = RowCodec::timeFrom(q(3));
    job.completedAt = RowCodec::timeFrom(q(4));
    job.canceledAt = RowCodec::timeFrom(q(5));
    job.heartbeatAt = RowCodec::timeFrom(q(6));
    job.status = q(7).toString();
    job.error = q(8).toString();
    job.errorCode = q(9).toString();
    job.organizationId = RowCodec::uuidFrom(q(10));
    job.initiatorId = RowCodec::uuidFrom(q(11));
    job.provisioner = q(12).toString();
    job.type = q(13).toString();
    job.fileId = RowCodec::uuidFrom(q(14));
    job.tags = tagsFrom(q(15));
    job.workerId = RowCodec::uuidFrom(q(16));
    if (withInput)
        job.input = RowCodec::objectFrom(q(17));
    return job;
}

ProvisionerJobLog C::jobLog(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    ProvisionerJobLog log;
    log.id = q(0).toLongLong();
    log.jobId = RowCodec::uuidFrom(q(1));
    log.createdAt = RowCodec::timeFrom(q(2));
    log.source = q(3).toString();
    log.level = q(4).toString();
    log.stage = q(5).toString();
    log.output = q(6).toString();
    return log;
}

ProvisionerDaemon C::daemon(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    ProvisionerDaemon d;
    d.id = RowCodec::uuidFrom(q(0));
    d.name = q(1).toString();
    d.provisioners = stringListFrom(q(2));
    d.tags = tagsFrom(q(3));
    d.version = q(4).toString();
    d.createdAt = RowCodec::timeFrom(q(5));
    d.lastSeenAt = RowCodec::timeFrom(q(6));
    return d;
}

Workspace C::workspace(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    Workspace w;
    w.id = RowCodec::uuidFrom(q(0));
    w.ownerId = RowCodec::uuidFrom(q(1));
    w.organizationId = RowCodec::uuidFrom(q(2));
    w.templateId = RowCodec::uuidFrom(q(3));
    w.name = q(4).toString();
    w.autostartSchedule = q(5).toString();
    w.ttlMs = q(6).toLongLong();
    w.lastUsedAt = RowCodec::timeFrom(q(7));
    w.createdAt = RowCodec::timeFrom(q(8));
    w.updatedAt = RowCodec::timeFrom(q(9));
    w.deleted = q(10).toBool();
    return w;
}

WorkspaceBuild C::build(const QSqlQuery &row, int first, bool withPayload)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    WorkspaceBuild b;
    b.id = RowCodec::uuidFrom(q(0));
    b.workspaceId = RowCodec::uuidFrom(q(1));
    b.templateVersionId = RowCodec::uuidFrom(q(2));
    b.buildNumber = q(3).toInt();
    b.transition = q(4).toString();
    b.initiatorId = RowCodec::uuidFrom(q(5));
    b.reason = q(6).toString();
    b.jobId = RowCodec::uuidFrom(q(7));
    b.deadline = RowCodec::timeFrom(q(8));
    b.maxDeadline = RowCodec::timeFrom(q(9));
    b.createdAt = RowCodec::timeFrom(q(10));
    b.updatedAt = RowCodec::timeFrom(q(11));
    if (withPayload) {
        b.parameters = arrayFrom(q(12));
        b.provisionerState = q(13).toByteArray();
    }
    return b;
}

WorkspaceResource C::resource(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    WorkspaceResource r;
    r.id = RowCodec::uuidFrom(q(0));
    r.jobId = RowCodec::uuidFrom(q(1));
    r.transition = q(2).toString();
    r.type = q(3).toString();
    r.name = q(4).toString();
    r.persistent = q(5).toBool();
    r.hide = q(6).toBool();
    r.icon = q(7).toString();
    r.createdAt = RowCodec::timeFrom(q(8));
    return r;
}

WorkspaceAgent C::agent(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    WorkspaceAgent a;
    a.id = RowCodec::uuidFrom(q(0));
    a.resourceId = RowCodec::uuidFrom(q(1));
    a.name = q(2).toString();
    a.operatingSystem = q(3).toString();
    a.architecture = q(4).toString();
    a.directory = q(5).toString();
    a.environmentVariables = RowCodec::objectFrom(q(6));
    a.startupScript = q(7).toString();
    a.startupScriptTimeoutSeconds = q(8).toInt();
    a.createdAt = RowCodec::timeFrom(q(9));
    a.shutdownScript = q(10).toString();
    a.shutdownScriptTimeoutSeconds = q(11).toInt();
    a.metadataDefinitions = arrayFrom(q(12));
    a.connectionTimeoutSeconds = q(13).toInt();
    agentState(a, row, first + 14);
    return a;
}

void C::agentState(WorkspaceAgent &a, const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    a.lifecycleState = q(0).toString();
    a.firstConnectedAt = RowCodec::timeFrom(q(1));
    a.lastConnectedAt = RowCodec::timeFrom(q(2));
    a.disconnectedAt = RowCodec::timeFrom(q(3));
    a.updatedAt = RowCodec::timeFrom(q(4));
    a.startedAt = RowCodec::timeFrom(q(5));
    a.readyAt = RowCodec::timeFrom(q(6));
    a.logsLength = q(7).toLongLong();
    a.logsOverflowed = q(8).toBool();
    a.version = q(9).toString();
    a.metadataResults = RowCodec::objectFrom(q(10));
    a.listeningPorts = arrayFrom(q(11));
    a.stats = RowCodec::objectFrom(q(12));
    a.heartbeatIntervalMs = q(13).toInt();
}

AgentLog C::agentLog(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    AgentLog log;
    log.id = q(0).toLongLong();
    log.agentId = RowCodec::uuidFrom(q(1));
    log.createdAt = RowCodec::timeFrom(q(2));
    log.level = q(3).toString();
    log.output = q(4).toString();
    return log;
}

WorkspaceApp C::app(const QSqlQuery &row, int first)
{
    const auto q = [&row, first](int i) { return row.value(first + i); };
    WorkspaceApp a;
    a.id = RowCodec::uuidFrom(q(0));
    a.agentId = RowCodec::uuidFrom(q(1));
    a.slug = q(2).toString();
    a.displayName = q(3).toString();
    a.icon = q(4).toString();
    a.url = q(5).toString();
    a.command = q(6).toString();
    a.sharingLevel = q(7).toString();
    a.subdomain = q(8).toBool();
    a.healthcheck = RowCodec::objectFrom(q(9));
    a.createdAt = RowCodec::timeFrom(q(10));
    return a;
}

std::optional<StoreError> C::uniqueConflict(const QString &firstLine)
{
    // PostgreSQL names the index; SQLite names an expression index, or else the columns.
    struct Index
    {
        QLatin1String name;
        QLatin1String columns;
        QLatin1String field;
        QLatin1String message;
    };
    static const Index indexes[] = {
        {QLatin1String("templates_name_uniq"),
         {},
         QLatin1String("name"),
         QLatin1String("A template with this name already exists.")},
        {QLatin1String("template_versions_name_uniq"),
         {},
         QLatin1String("name"),
         QLatin1String("The template already has a version with this name.")},
        {QLatin1String("workspaces_name_uniq"),
         {},
         QLatin1String("name"),
         QLatin1String("You already have a workspace with this name.")},
        {QLatin1String("organizations_name_uniq"),
         {},
         QLatin1String("name"),
         QLatin1String("An organization with this name already exists.")},
        {QLatin1String("workspace_builds_number_uniq"),
         QLatin1String("workspace_builds.workspace_id, workspace_builds.build_number"),
         QLatin1String("build"),
         QLatin1String("Another build of this workspace was started at the same time.")},
        {QLatin1String("provisioner_daemons_name_uniq"), QLatin1String("provisioner_daemons.name"),
         QLatin1String("name"), QLatin1String("A provisioner daemon with this name exists.")},
        {QLatin1String("workspace_apps_slug_uniq"),
         QLatin1String("workspace_apps.agent_id, workspace_apps.slug"), QLatin1String("slug"),
         QLatin1String("An agent has two apps with the same slug.")},
        {QLatin1String("workspace_agents_token_uniq"),
         QLatin1String("workspace_agents.auth_token_hash"), QLatin1String("auth_token_hash"),
         QLatin1String("Two agents were given the same token.")},
        {QLatin1String("files_hash_uniq"), QLatin1String("files.hash"), QLatin1String("hash"),
         QLatin1String("A file with this content already exists.")},
    };
    for (const Index &index : indexes) {
        if (firstLine.contains(index.name) ||
            (!index.columns.isEmpty() && firstLine.contains(index.columns)))
            return StoreError{StoreError::Conflict, index.message, index.field};
    }
    return std::nullopt;
}

} // namespace coder::server
