#pragma once

#include "core/json_writer.h"
#include "server/database/models.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

// The API's JSON for templates, workspaces, builds and jobs (Coder's shapes; see json_codec.h).

// A workspace's status from its latest build's job and transition, exactly as Coder derives it.
QString workspaceStatus(const QString &jobStatus, const QString &transition);
// An agent's connection status as Coder reports it (connecting, connected, disconnected,
// timeout), from its connection times.
QString agentStatus(const WorkspaceAgent &agent, const QDateTime &now);

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

void writeOrganization(core::JsonWriter &json, const Organization &organization);
void writeProvisionerJob(core::JsonWriter &json, const ProvisionerJob &job);
void writeProvisionerJobLog(core::JsonWriter &json, const ProvisionerJobLog &log);
void writeTemplateVersion(core::JsonWriter &json, const TemplateVersion &version,
                          const ProvisionerJob &job, const User &createdBy);
void writeTemplate(core::JsonWriter &json, const Template &tmpl, const OrganizationRef &org,
                   const QString &createdByName, qint64 activeUserCount);
void writeWorkspaceResource(core::JsonWriter &json, const WorkspaceResource &resource,
                            const QDateTime &now);
void writeWorkspaceBuild(core::JsonWriter &json, const BuildView &build, const QDateTime &now);
void writeWorkspace(core::JsonWriter &json, const WorkspaceView &view, const BuildView &latest,
                    const OrganizationRef &org, const QDateTime &now);
void writeProvisionerDaemon(core::JsonWriter &json, const ProvisionerDaemon &daemon);

} // namespace coder::server
