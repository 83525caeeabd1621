#include "template_version_service.h"

#include "audit_recorder.h"
#include "job_logs.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "server/database/store.h"
#include "template_service.h"

#include <QRandomGenerator>

namespace coder::server {

namespace {

const QStringList provisioners{QStringLiteral("process"), QStringLiteral("docker")};
const QString kVersion = QStringLiteral("template version");

// A name for a version created without one, in the spirit of Coder's "sharp_kirch3".
QString generatedVersionName()
{
    static const QStringList adjectives{QStringLiteral("bold"),  QStringLiteral("calm"),
                                        QStringLiteral("eager"), QStringLiteral("keen"),
                                        QStringLiteral("quiet"), QStringLiteral("sharp"),
                                        QStringLiteral("swift"), QStringLiteral("wise")};
    static const QStringList nouns{QStringLiteral("babbage"),  QStringLiteral("curie"),
                                   QStringLiteral("hopper"),   QStringLiteral("kirch"),
                                   QStringLiteral("lovelace"), QStringLiteral("noether"),
                                   QStringLiteral("ritchie"),  QStringLiteral("turing")};
    QRandomGenerator *random = QRandomGenerator::global();
    return adjectives.at(random->bounded(adjectives.size())) + u'_' +
           nouns.at(random->bounded(nouns.size())) + QString::number(random->bounded(100));
}

} // namespace

Outcome<TemplateVersion> TemplateVersionService::find(const Actor &actor, const QUuid &id,
                                                      Action action)
{
    if (auto denied = requireAccess(actor.subject(), action, {Resource::Template, {}, {}}))
        return *denied;
    auto version = m_store.templates().versionById(id);
    if (!version)
        return DomainError::fromStore(version.error(), kVersion);
    return *version;
}

Outcome<TemplateVersion> TemplateVersionService::imported(const Actor &actor, const QUuid &id)
{
    auto read = find(actor, id, Action::Read);
    if (!read)
        return read.error();
    auto job = m_store.jobs().byId(read->jobId);
    if (!job)
        return DomainError::fromStore(job.error(), QStringLiteral("provisioner job"));
    if (job->status == job_status::succeeded)
        return *read;
    if (job->status == job_status::failed)
        return DomainError::invalid(QStringLiteral("The template version's import failed."),
                                    job->error);
    return DomainError::invalid(
        QStringLiteral("The template version's import has not completed (it is %1).")
            .arg(job->status));
}

Outcome<core::TemplateVersion>
TemplateVersionService::create(const Actor &actor, const QString &organization,
                               const core::CreateTemplateVersionRequest &request)
{
    if (auto denied = requireAccess(actor.subject(), Action::Create, {Resource::Template, {}, {}}))
        return *denied;
    auto org = m_templates.findOrganization(organization);
    if (!org)
        return org.error();
    DomainError invalid = DomainError::invalid(QStringLiteral("Validation failed."));
    if (!request.storageMethod.isEmpty() && request.storageMethod != QLatin1String("file"))
        invalid.withValidation(QStringLiteral("storage_method"),
                               QStringLiteral("Must be \"file\"."));
    if (request.fileId.isNull())
        invalid.withValidation(QStringLiteral("file_id"), QStringLiteral("Field is required."));
    if (request.name.size() > 64)
        invalid.withValidation(QStringLiteral("name"),
                               QStringLiteral("Must be at most 64 characters."));
    if (request.message.size() > 1048576)
        invalid.withValidation(QStringLiteral("message"), QStringLiteral("Must be at most 1 MiB."));
    if (!request.provisioner.isEmpty() && !provisioners.contains(request.provisioner))
        invalid.withValidation(QStringLiteral("provisioner"),
                               QStringLiteral("Must be one of: %1.").arg(provisioners.join(u", ")));
    if (!invalid.validations.isEmpty())
        return invalid;

    QString provisioner = request.provisioner;
    if (!request.templateId.isNull()) {
        auto tmpl = m_store.templates().byId(request.templateId);
        if (!tmpl && tmpl.error().kind != StoreError::NotFound)
            return DomainError::fromStore(tmpl.error(), QStringLiteral("template"));
        if (!tmpl || tmpl->deleted || tmpl->organizationId != org->id)
            return DomainError::invalidField(QStringLiteral("template_id"),
                                             QStringLiteral("No such template."));
        if (provisioner.isEmpty())
            provisioner = tmpl->provisioner;
    }
    if (provisioner.isEmpty())
        provisioner = QStringLiteral("process");
    if (auto file = m_store.templates().fileById(request.fileId); !file) {
        if (file.error().kind != StoreError::NotFound)
            return DomainError::fromStore(file.error(), QStringLiteral("file"));
        return DomainError::invalidField(QStringLiteral("file_id"),
                                         QStringLiteral("No file with this id was uploaded."));
    }

    TemplateVersion version;
    version.id = QUuid::createUuid();
    version.templateId = request.templateId;
    version.organizationId = org->id;
    version.name = request.name.isEmpty() ? generatedVersionName() : request.name;
    version.message = request.message;
    version.fileId = request.fileId;
    version.createdBy = actor.user().id;
    ProvisionerJob job;
    job.id = QUuid::createUuid();
    job.organizationId = org->id;
    job.initiatorId = actor.user().id;
    job.provisioner = provisioner;
    job.type = job_type::templateVersionImport;
    job.fileId = request.fileId;
    job.input = {{QStringLiteral("template_version_id"), core::idText(version.id)}};
    job.tags = request.tags;
    version.jobId = job.id;
    auto inserted = m_store.templates().insertVersion(version, job);
    if (!inserted)
        return DomainError::fromStore(inserted.error(), kVersion);
    m_jobs.jobPosted();
    m_audit.record(actor, {actor.user().id,
                           QStringLiteral("create"),
                           QStringLiteral("template_version"),
                           core::idText(inserted->id),
                           inserted->name,
                           201,
                           {}});
    auto read = m_store.templates().versionWithJob(inserted->id);
    if (!read)
        return DomainError::fromStore(read.error(), kVersion);
    ProvisioningViews views(m_store);
    return views.templateVersion(*read);
}

Outcome<core::TemplateVersion> TemplateVersionService::get(const Actor &actor, const QUuid &id)
{
    if (auto denied = requireAccess(actor.subject(), Action::Read, {Resource::Template, {}, {}}))
        return *denied;
    auto read = m_store.templates().versionWithJob(id);
    if (!read)
        return DomainError::fromStore(read.error(), kVersion);
    ProvisioningViews views(m_store);
    return views.templateVersion(*read);
}

Outcome<QList<core::TemplateVersionParameter>>
TemplateVersionService::richParameters(const Actor &actor, const QUuid &id)
{
    auto version = imported(actor, id);
    if (!version)
        return version.error();
    return ProvisioningViews::parameters(*version);
}

Outcome<QList<core::WorkspaceResource>> TemplateVersionService::resources(const Actor &actor,
                                                                          const QUuid &id)
{
    auto version = imported(actor, id);
    if (!version)
        return version.error();
    auto resources = m_store.jobs().resourcesByJobIds({version->jobId});
    if (!resources)
        return DomainError::fromStore(resources.error(), QStringLiteral("resources"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<core::WorkspaceResource> shown;
    for (const WorkspaceResource &resource : std::as_const(*resources))
        shown.append(apiResource(resource, now));
    return shown;
}

Outcome<QList<core::ProvisionerJobLog>> TemplateVersionService::logs(const Actor &actor,
                                                                     const QUuid &id, qint64 after)
{
    auto job = importJob(actor, id);
    if (!job)
        return job.error();
    return m_logs.after(*job, after);
}

Outcome<QUuid> TemplateVersionService::importJob(const Actor &actor, const QUuid &id)
{
    auto version = find(actor, id, Action::Read);
    if (!version)
        return version.error();
    return version->jobId;
}

Outcome<core::Ok> TemplateVersionService::cancel(const Actor &actor, const QUuid &id)
{
    auto version = find(actor, id, Action::Update);
    if (!version)
        return version.error();
    auto job = m_store.jobs().cancel(version->jobId);
    if (!job) {
        if (job.error().kind == StoreError::Conflict)
            return DomainError::invalid(QStringLiteral("Job has already completed!"));
        return DomainError::fromStore(job.error(), QStringLiteral("job"));
    }
    m_jobs.jobChanged(*job);
    m_audit.record(actor, {actor.user().id, QStringLiteral("write"),
                           QStringLiteral("template_version"), core::idText(version->id),
                           version->name, 200, QJsonObject{{QStringLiteral("canceled"), true}}});
    return core::Ok{};
}

} // namespace coder::server
