#pragma once

#include "core/api_types.h"
#include "core/workspace_types.h"
#include "server/database/models.h"
#include "server/database/provisioning_models.h"

#include <optional>

namespace coder::server {

// Stored rows as the API's types (core/api_types.h, core/workspace_types.h: the one wire format):
// what coderd sends, with what the API derives besides the rows (statuses, health, names, links)
// and the values Coder sends for what this deployment does not have (quotas, dormancy, ...).

// A workspace's status from its latest build's job status and transition, exactly as Coder
// derives it.
QString workspaceStatus(const QString &jobStatus, const QString &transition);
// An agent's connection status as Coder reports it (connecting, connected, disconnected,
// timeout), from its connection times.
QString agentStatus(const WorkspaceAgent &agent, const QDateTime &now);
// An agent with its status and health as of now.
core::WorkspaceAgent apiAgent(const WorkspaceAgent &agent, const QDateTime &now);

struct OrganizationRef
{
    QUuid id;
    QString name;
    QString displayName;
};

// A build with what its JSON shows besides its own row.
struct BuildView
{
    WorkspaceBuild build;
    ProvisionerJob job;
    QString workspaceName;
    QUuid workspaceOwnerId;
    QString workspaceOwnerName;
    QString templateVersionName;
    QString initiatorName;
    QList<WorkspaceResource> resources;
};

core::User apiUser(const User &user);
QList<core::SlimRole> apiRoles(const QStringList &roles);
core::ApiKey apiKey(const ApiKey &key);
// author: the acting user's row, when there was one and it is still there.
core::AuditLog apiAuditLog(const AuditLog &entry, const std::optional<User> &author);
core::Organization apiOrganization(const Organization &organization);
core::ProvisionerJob apiJob(const ProvisionerJob &job);
core::ProvisionerJobLog apiJobLog(const ProvisionerJobLog &log);
core::ProvisionerDaemon apiDaemon(const ProvisionerDaemon &daemon);
core::TemplateVersion apiTemplateVersion(const TemplateVersion &version, const ProvisionerJob &job,
                                         const User &createdBy);
core::Template apiTemplate(const Template &tmpl, const OrganizationRef &org,
                           const QString &createdByName, qint64 activeUserCount);
core::WorkspaceResource apiResource(const WorkspaceResource &resource, const QDateTime &now);
core::WorkspaceBuild apiBuild(const BuildView &build, const QDateTime &now);
core::Workspace apiWorkspace(const WorkspaceView &view, const BuildView &latest,
                             const OrganizationRef &org, const QDateTime &now);

} // namespace coder::server
