#pragma once

#include "actor.h"
#include "core/workspace_types.h"
#include "domain_error.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class AuditRecorder;
class JobLogs;
class ProvisionerJobServer;
class Store;
class TemplateService;

// Template versions as Coder's /templateversions routes offer them: a version created from an
// uploaded archive (with the import job that reads it), read, its parameters and resources once
// imported, its import's logs, and the import canceled. Every call takes the actor and
// authorizes through requireAccess().
class TemplateVersionService
{
public:
    TemplateVersionService(Store &store, AuditRecorder &audit, TemplateService &templates,
                           ProvisionerJobServer &jobs, JobLogs &logs)
        : m_store(store), m_audit(audit), m_templates(templates), m_jobs(jobs), m_logs(logs)
    {}

    // Queues the import and wakes the daemons.
    Outcome<core::TemplateVersion> create(const Actor &actor, const QString &organization,
                                          const core::CreateTemplateVersionRequest &request);
    Outcome<core::TemplateVersion> get(const Actor &actor, const QUuid &id);
    // Invalid until the import succeeded.
    Outcome<QList<core::TemplateVersionParameter>> richParameters(const Actor &actor,
                                                                  const QUuid &id);
    Outcome<QList<core::WorkspaceResource>> resources(const Actor &actor, const QUuid &id);
    Outcome<QList<core::ProvisionerJobLog>> logs(const Actor &actor, const QUuid &id, qint64 after);
    // The import job, for following its logs.
    Outcome<QUuid> importJob(const Actor &actor, const QUuid &id);
    // Invalid once the import has completed.
    Outcome<core::Ok> cancel(const Actor &actor, const QUuid &id);

private:
    Outcome<TemplateVersion> find(const Actor &actor, const QUuid &id, Action action);
    // The version, once its import succeeded (parameters and resources exist only then).
    Outcome<TemplateVersion> imported(const Actor &actor, const QUuid &id);

    Store &m_store;
    AuditRecorder &m_audit;
    TemplateService &m_templates;
    ProvisionerJobServer &m_jobs;
    JobLogs &m_logs;
};

} // namespace coder::server
