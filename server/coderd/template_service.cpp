#include "template_service.h"

#include "audit_recorder.h"
#include "core/field_rules.h"
#include "provisioning_views.h"
#include "server/database/store.h"

namespace coder::server {

namespace {

constexpr qint64 maxTtlMs = 7LL * 24 * 3600 * 1000; // Coder's limit for autostop

const QString kTemplate = QStringLiteral("template");

// The settings of request applied to tmpl; the problems found, each named by its field.
DomainError applySettings(Template &tmpl, const core::UpdateTemplateMeta &request)
{
    DomainError invalid = DomainError::invalid(QStringLiteral("Validation failed."));
    if (request.name) {
        tmpl.name = *request.name;
        if (const QString problem = core::resourceNameProblem(tmpl.name); !problem.isEmpty())
            invalid.withValidation(QStringLiteral("name"), problem);
    }
    if (request.displayName) {
        tmpl.displayName = *request.displayName;
        if (tmpl.displayName.size() > 64)
            invalid.withValidation(QStringLiteral("display_name"),
                                   QStringLiteral("Must be at most 64 characters."));
    }
    if (request.description) {
        tmpl.description = *request.description;
        if (tmpl.description.size() > 128)
            invalid.withValidation(QStringLiteral("description"),
                                   QStringLiteral("Must be at most 128 characters."));
    }
    if (request.icon)
        tmpl.icon = *request.icon;
    for (const auto &[field, value, target] :
         {std::tuple{QStringLiteral("default_ttl_ms"), request.defaultTtlMs, &tmpl.defaultTtlMs},
          std::tuple{QStringLiteral("activity_bump_ms"), request.activityBumpMs,
                     &tmpl.activityBumpMs}}) {
        if (!value)
            continue;
        if (*value < 0 || *value > maxTtlMs)
            invalid.withValidation(field, QStringLiteral("Must be between 0 and 7 days."));
        else
            *target = *value;
    }
    if (request.allowUserAutostart)
        tmpl.allowUserAutostart = *request.allowUserAutostart;
    if (request.allowUserAutostop)
        tmpl.allowUserAutostop = *request.allowUserAutostop;
    if (request.allowUserCancelWorkspaceJobs)
        tmpl.allowUserCancelWorkspaceJobs = *request.allowUserCancelWorkspaceJobs;
    return invalid;
}

QJsonObject settingsOf(const Template &t)
{
    return {{QStringLiteral("name"), t.name},
            {QStringLiteral("display_name"), t.displayName},
            {QStringLiteral("description"), t.description},
            {QStringLiteral("icon"), t.icon},
            {QStringLiteral("default_ttl_ms"), t.defaultTtlMs},
            {QStringLiteral("activity_bump_ms"), t.activityBumpMs},
            {QStringLiteral("allow_user_autostart"), t.allowUserAutostart},
            {QStringLiteral("allow_user_autostop"), t.allowUserAutostop},
            {QStringLiteral("allow_user_cancel_workspace_jobs"), t.allowUserCancelWorkspaceJobs}};
}

QJsonObject diffOf(const Template &before, const Template &after)
{
    QJsonObject diff;
    const QJsonObject a = settingsOf(before);
    const QJsonObject b = settingsOf(after);
    for (auto it = b.constBegin(); it != b.constEnd(); ++it)
        if (a.value(it.key()) != it.value())
            diff.insert(it.key(), AuditRecorder::change(a.value(it.key()), it.value()));
    return diff;
}

} // namespace

Outcome<Organization> TemplateService::findOrganization(const QString &param)
{
    StoreResult<Organization> organization = [&]() -> StoreResult<Organization> {
        if (param == QLatin1String("default"))
            return m_store.templates().defaultOrganization();
        const QUuid id = QUuid::fromString(param);
        return id.isNull() ? m_store.templates().organizationByName(param)
                           : m_store.templates().organizationById(id);
    }();
    if (!organization)
        return DomainError::fromStore(organization.error(), QStringLiteral("organization"));
    return *organization;
}

Outcome<core::Organization> TemplateService::organization(const Actor &actor, const QString &param)
{
    if (auto denied =
            requireAccess(actor.subject(), Action::Read, {Resource::Organization, {}, {}}))
        return *denied;
    auto organization = findOrganization(param);
    if (!organization)
        return organization.error();
    return apiOrganization(*organization);
}

Outcome<Template> TemplateService::find(const Actor &actor, const QUuid &id, Action action)
{
    if (auto denied = requireAccess(actor.subject(), action, {Resource::Template, {}, {}}))
        return *denied;
    auto tmpl = m_store.templates().byId(id);
    if (!tmpl && tmpl.error().kind != StoreError::NotFound)
        return DomainError::fromStore(tmpl.error(), kTemplate);
    if (!tmpl || tmpl->deleted)
        return DomainError::notFound(QStringLiteral("No template found."));
    return *tmpl;
}

Outcome<core::Template> TemplateService::shown(const Template &tmpl)
{
    ProvisioningViews views(m_store);
    auto shown = views.templates({tmpl});
    if (!shown)
        return shown.error();
    return shown->first();
}

Outcome<QList<core::Template>> TemplateService::list(const Actor &actor,
                                                     const QString &organization)
{
    if (auto denied = requireAccess(actor.subject(), Action::Read, {Resource::Template, {}, {}}))
        return *denied;
    auto org = findOrganization(organization);
    if (!org)
        return org.error();
    auto templates = m_store.templates().list(org->id);
    if (!templates)
        return DomainError::fromStore(templates.error(), QStringLiteral("templates"));
    ProvisioningViews views(m_store);
    return views.templates(*templates);
}

Outcome<core::Template> TemplateService::create(const Actor &actor, const QString &organization,
                                                const core::CreateTemplateRequest &request)
{
    if (auto denied = requireAccess(actor.subject(), Action::Create, {Resource::Template, {}, {}}))
        return *denied;
    auto org = findOrganization(organization);
    if (!org)
        return org.error();
    Template tmpl;
    core::UpdateTemplateMeta settings;
    settings.name = request.name;
    settings.displayName = request.displayName;
    settings.description = request.description;
    settings.icon = request.icon;
    settings.defaultTtlMs = request.defaultTtlMs;
    settings.activityBumpMs = request.activityBumpMs;
    settings.allowUserAutostart = request.allowUserAutostart;
    settings.allowUserAutostop = request.allowUserAutostop;
    settings.allowUserCancelWorkspaceJobs = request.allowUserCancelWorkspaceJobs;
    DomainError invalid = applySettings(tmpl, settings);
    if (request.versionId.isNull())
        invalid.withValidation(QStringLiteral("template_version_id"),
                               QStringLiteral("Field is required."));
    if (!invalid.validations.isEmpty())
        return invalid;

    auto version = m_store.templates().versionWithJob(request.versionId);
    if (!version && version.error().kind != StoreError::NotFound)
        return DomainError::fromStore(version.error(), QStringLiteral("template version"));
    if (!version || version->version.organizationId != org->id)
        return DomainError::invalidField(QStringLiteral("template_version_id"),
                                         QStringLiteral("No such template version."));
    if (!version->version.templateId.isNull())
        return DomainError::invalidField(
            QStringLiteral("template_version_id"),
            QStringLiteral("The version already belongs to a template."));
    if (version->job.status != job_status::succeeded)
        return DomainError::invalidField(
            QStringLiteral("template_version_id"),
            QStringLiteral("The version's import has not succeeded (it is %1).")
                .arg(version->job.status));
    tmpl.id = QUuid::createUuid();
    tmpl.organizationId = org->id;
    tmpl.provisioner = version->job.provisioner;
    tmpl.activeVersionId = version->version.id;
    tmpl.createdBy = actor.user().id;
    auto inserted = m_store.templates().insert(tmpl, version->version.id);
    if (!inserted)
        return DomainError::fromStore(inserted.error(), kTemplate);
    m_audit.record(actor, {actor.user().id,
                           QStringLiteral("create"),
                           kTemplate,
                           core::idText(inserted->id),
                           inserted->name,
                           201,
                           {}});
    return shown(*inserted);
}

Outcome<core::Template> TemplateService::byName(const Actor &actor, const QString &organization,
                                                const QString &name)
{
    if (auto denied = requireAccess(actor.subject(), Action::Read, {Resource::Template, {}, {}}))
        return *denied;
    auto org = findOrganization(organization);
    if (!org)
        return org.error();
    auto tmpl = m_store.templates().byName(org->id, name);
    if (!tmpl)
        return DomainError::fromStore(tmpl.error(), kTemplate);
    return shown(*tmpl);
}

Outcome<core::Template> TemplateService::get(const Actor &actor, const QUuid &id)
{
    auto tmpl = find(actor, id, Action::Read);
    if (!tmpl)
        return tmpl.error();
    return shown(*tmpl);
}

Outcome<core::Template> TemplateService::update(const Actor &actor, const QUuid &id,
                                                const core::UpdateTemplateMeta &request)
{
    auto tmpl = find(actor, id, Action::Update);
    if (!tmpl)
        return tmpl.error();
    Template changed = *tmpl;
    if (DomainError invalid = applySettings(changed, request); !invalid.validations.isEmpty())
        return invalid;
    auto updated = m_store.templates().update(changed);
    if (!updated)
        return DomainError::fromStore(updated.error(), kTemplate);
    m_audit.record(actor, {actor.user().id, QStringLiteral("write"), kTemplate,
                           core::idText(updated->id), updated->name, 200, diffOf(*tmpl, *updated)});
    return shown(*updated);
}

Outcome<core::Ok> TemplateService::remove(const Actor &actor, const QUuid &id)
{
    auto tmpl = find(actor, id, Action::Delete);
    if (!tmpl)
        return tmpl.error();
    if (auto deleted = m_store.templates().remove(tmpl->id); !deleted) {
        if (deleted.error().kind == StoreError::Conflict)
            return DomainError::conflict(
                QStringLiteral("All workspaces must be deleted before a template can be "
                               "removed."),
                QStringLiteral("workspaces"));
        return DomainError::fromStore(deleted.error(), kTemplate);
    }
    m_audit.record(actor, {actor.user().id,
                           QStringLiteral("delete"),
                           kTemplate,
                           core::idText(tmpl->id),
                           tmpl->name,
                           200,
                           {}});
    return core::Ok{};
}

Outcome<QList<core::TemplateVersion>> TemplateService::versions(const Actor &actor, const QUuid &id)
{
    auto tmpl = find(actor, id, Action::Read);
    if (!tmpl)
        return tmpl.error();
    auto versions = m_store.templates().versionsWithJobs(tmpl->id);
    if (!versions)
        return DomainError::fromStore(versions.error(), QStringLiteral("template versions"));
    ProvisioningViews views(m_store);
    QList<core::TemplateVersion> shown;
    shown.reserve(versions->size());
    for (const VersionWithJob &version : std::as_const(*versions))
        shown.append(views.templateVersion(version));
    return shown;
}

Outcome<core::TemplateVersion> TemplateService::versionByName(const Actor &actor, const QUuid &id,
                                                              const QString &name)
{
    auto tmpl = find(actor, id, Action::Read);
    if (!tmpl)
        return tmpl.error();
    auto version = m_store.templates().versionByName(tmpl->id, name);
    if (!version)
        return DomainError::fromStore(version.error(), QStringLiteral("template version"));
    auto read = m_store.templates().versionWithJob(version->id);
    if (!read)
        return DomainError::fromStore(read.error(), QStringLiteral("template version"));
    ProvisioningViews views(m_store);
    return views.templateVersion(*read);
}

Outcome<core::Ok> TemplateService::setActiveVersion(const Actor &actor, const QUuid &id,
                                                    const QUuid &versionId)
{
    auto tmpl = find(actor, id, Action::Update);
    if (!tmpl)
        return tmpl.error();
    auto updated = m_store.templates().updateActiveVersion(tmpl->id, versionId);
    if (!updated) {
        if (updated.error().kind == StoreError::NotFound)
            return DomainError::invalidField(QStringLiteral("id"),
                                             QStringLiteral("No such version of this template."));
        if (updated.error().kind == StoreError::Conflict)
            return DomainError::invalidField(QStringLiteral("id"), updated.error().message);
        return DomainError::fromStore(updated.error(), kTemplate);
    }
    m_audit.record(actor, {actor.user().id, QStringLiteral("write"), kTemplate,
                           core::idText(tmpl->id), tmpl->name, 200,
                           QJsonObject{{QStringLiteral("active_version_id"),
                                        AuditRecorder::change(core::idText(tmpl->activeVersionId),
                                                              core::idText(versionId))}}});
    return core::Ok{};
}

} // namespace coder::server
