#pragma once

#include "provisioning_models.h"
#include "sql_database.h"

#include <QJsonArray>
#include <QList>
#include <QMap>

namespace coder::server {

class JobStore;

// Uploaded files, organizations, templates and their versions: the SQL of files,
// organizations, templates and template_versions. A version is inserted with its import job,
// and completed with it, in one transaction (through JobStore).
class TemplateStore
{
public:
    TemplateStore(SqlDatabase &db, JobStore &jobs) : m_db(db), m_jobs(jobs) {}

    // Files: a second upload of the same bytes returns the first row.
    StoreResult<File> insertFile(const File &file);
    StoreResult<File> fileById(const QUuid &id);

    StoreResult<Organization> defaultOrganization();
    StoreResult<Organization> organizationById(const QUuid &id);
    StoreResult<Organization> organizationByName(const QString &name);

    // Also attaches versionId (which must not belong to a template yet: Conflict
    // "template_version_id") and makes it the active version. Conflict "name".
    StoreResult<Template> insert(const Template &tmpl, const QUuid &versionId);
    StoreResult<Template> byId(const QUuid &id);
    StoreResult<Template> byName(const QUuid &organizationId, const QString &name);
    StoreResult<QList<Template>> list(const QUuid &organizationId);
    // Writes the settable fields (names, description, icon, ttl, allow_*); Conflict "name".
    StoreResult<Template> update(const Template &tmpl);
    // The version must belong to the template and its import must have succeeded (Conflict).
    StoreResult<Template> updateActiveVersion(const QUuid &templateId, const QUuid &versionId);
    // Soft delete; Conflict while workspaces that are not deleted use the template.
    StoreResult<core::Ok> remove(const QUuid &id);

    // Versions, each with its import job, inserted together. Conflict "name" when the template
    // already has a version of that name.
    StoreResult<TemplateVersion> insertVersion(const TemplateVersion &version,
                                               const ProvisionerJob &importJob);
    StoreResult<TemplateVersion> versionById(const QUuid &id);
    StoreResult<TemplateVersion> versionByName(const QUuid &templateId, const QString &name);
    StoreResult<TemplateVersion> versionByJobId(const QUuid &jobId);
    StoreResult<QList<TemplateVersion>> listVersions(const QUuid &templateId);
    // A version and its import job as one snapshot (one statement): never a version as it was
    // before its job completed beside the completed job.
    StoreResult<VersionWithJob> versionWithJob(const QUuid &id);
    // listVersions, each with its job, in one statement.
    StoreResult<QList<VersionWithJob>> versionsWithJobs(const QUuid &templateId);

    // Completes a running (or canceling) import job of workerId: succeeded, and the version gets
    // its parameters and readme, the resources are stored under the job. Conflict when the job
    // is not running on workerId.
    StoreResult<ProvisionerJob> completeImportJob(const QUuid &jobId, const QUuid &workerId,
                                                  const QJsonArray &parameters,
                                                  const QString &readme,
                                                  const QList<WorkspaceResource> &resources);

private:
    using Transaction = SqlDatabase::Transaction;

    StoreResult<Organization> organizationWhere(const QString &condition, const QVariant &value);
    StoreResult<Template> where(const QString &condition, const QVariantList &values);
    StoreResult<TemplateVersion> versionWhere(const QString &condition, const QVariant &value);

    SqlDatabase &m_db;
    JobStore &m_jobs;
};

} // namespace coder::server
