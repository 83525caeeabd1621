#pragma once

#include "actor.h"
#include "core/api_types.h"
#include "core/workspace_types.h"
#include "domain_error.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class AuditRecorder;
class Store;

// Organizations and templates as Coder's /organizations and /templates routes offer them: list,
// create from an imported version, read, change settings, delete, list versions and pick the
// active one. Every call takes the actor, authorizes through requireAccess() and audits what it
// changes. `organization` parameters are "default", an id or a name.
class TemplateService
{
public:
    TemplateService(Store &store, AuditRecorder &audit) : m_store(store), m_audit(audit) {}

    Outcome<Organization> findOrganization(const QString &organization);
    Outcome<core::Organization> organization(const Actor &actor, const QString &organization);

    Outcome<QList<core::Template>> list(const Actor &actor, const QString &organization);
    // From a version whose import succeeded and that belongs to no template yet.
    Outcome<core::Template> create(const Actor &actor, const QString &organization,
                                   const core::CreateTemplateRequest &request);
    Outcome<core::Template> byName(const Actor &actor, const QString &organization,
                                   const QString &name);
    Outcome<core::Template> get(const Actor &actor, const QUuid &id);
    // The fields sent change; the audit log records which, from what to what.
    Outcome<core::Template> update(const Actor &actor, const QUuid &id,
                                   const core::UpdateTemplateMeta &request);
    // Conflict while any workspace still uses it.
    Outcome<core::Ok> remove(const Actor &actor, const QUuid &id);

    Outcome<QList<core::TemplateVersion>> versions(const Actor &actor, const QUuid &id);
    Outcome<core::TemplateVersion> versionByName(const Actor &actor, const QUuid &id,
                                                 const QString &name);
    Outcome<core::Ok> setActiveVersion(const Actor &actor, const QUuid &id, const QUuid &versionId);

private:
    // A template not deleted, once the actor may act on templates that way.
    Outcome<Template> find(const Actor &actor, const QUuid &id, Action action);
    Outcome<core::Template> shown(const Template &tmpl);

    Store &m_store;
    AuditRecorder &m_audit;
};

} // namespace coder::server
