// TemplateStore: files, organizations, templates and template versions.
#include "template_store.h"

#include "job_store.h"
#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

namespace coder::server {

namespace {

using C = RowCodec;
using P = ProvisioningRowCodec;
using sql::conflict;
using sql::notFound;

const auto decodeFile = [](const QSqlQuery &q) { return P::file(q); };
const auto decodeOrganization = [](const QSqlQuery &q) { return P::organization(q); };
const auto decodeTemplate = [](const QSqlQuery &q) { return P::tmpl(q); };
const auto decodeVersion = [](const QSqlQuery &q) { return P::templateVersion(q); };

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QDateTime nowUtc()
{
    // Milliseconds, as a read returns it.
    return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
}

} // namespace

StoreResult<ProvisionerJob>
TemplateStore::completeImportJob(const QUuid &jobId, const QUuid &workerId,
                                 const QJsonArray &parameters, const QString &readme,
                                 const QList<WorkspaceResource> &resources)
{
    return m_db.write<ProvisionerJob>([&](QSqlDatabase &db,
                                          Transaction &transaction) -> StoreResult<ProvisionerJob> {
        auto job = m_jobs.lockRunning(db, jobId, workerId, transaction);
        if (!job)
            return job;
        if (job->type != job_type::templateVersionImport)
            return conflict(QStringLiteral("job"),
                            QStringLiteral("The job is not a template version import."));
        job->completedAt = nowUtc();
        job->status = P::jobStatus(*job);
        auto written = m_jobs.write(db, *job, transaction);
        if (!written)
            return written;
        {
            auto query = m_db.exec(db,
                                   QStringLiteral("UPDATE template_versions SET parameters = ?, "
                                                  "readme = ?, updated_at = ? WHERE job_id = ?"),
                                   {P::arrayJson(parameters), C::text(readme),
                                    C::millis(written->updatedAt), C::uuid(jobId)},
                                   &transaction);
            if (!query)
                return query.error();
        }
        if (auto stored =
                m_jobs.insertResources(db, jobId, transition::start, resources, transaction);
            !stored)
            return stored.error();
        return written;
    });
}

StoreResult<File> TemplateStore::insertFile(const File &input)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    File file = input;
    if (file.id.isNull())
        file.id = QUuid::createUuid();
    file.createdAt =
        C::utc(file.createdAt.isValid() ? file.createdAt : QDateTime::currentDateTimeUtc());
    const QString hash = QString::fromLatin1(file.hash);
    // The same bytes uploaded again (even at the same moment by another replica) keep the
    // first row: the insert does nothing and the read returns that row.
    {
        auto inserted =
            m_db.exec(*db,
                      QStringLiteral("INSERT INTO files (") + P::fileColumns +
                          QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?) "
                                         "ON CONFLICT (hash) DO NOTHING"),
                      {C::uuid(file.id), hash, C::text(file.mimetype), C::bytes(file.data),
                       C::optionalUuid(file.createdBy), C::millis(file.createdAt)});
        if (!inserted)
            return inserted.error();
    }
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::fileColumns +
                              QStringLiteral(" FROM files WHERE hash = ?"),
                          {hash}, QStringLiteral("File"), decodeFile);
}

StoreResult<File> TemplateStore::fileById(const QUuid &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::fileColumns +
                              QStringLiteral(" FROM files WHERE id = ?"),
                          {C::uuid(id)}, QStringLiteral("File"), decodeFile);
}

StoreResult<Organization> TemplateStore::organizationWhere(const QString &condition,
                                                           const QVariant &value)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::organizationColumns +
                              QStringLiteral(" FROM organizations WHERE ") + condition,
                          value.isValid() ? QVariantList{value} : QVariantList{},
                          QStringLiteral("Organization"), decodeOrganization);
}

StoreResult<Organization> TemplateStore::defaultOrganization()
{
    return organizationWhere(QStringLiteral("is_default = TRUE"), {});
}

StoreResult<Organization> TemplateStore::organizationById(const QUuid &id)
{
    return organizationWhere(QStringLiteral("id = ?"), C::uuid(id));
}

StoreResult<Organization> TemplateStore::organizationByName(const QString &name)
{
    return organizationWhere(QStringLiteral("lower(name) = lower(?)"), C::text(name));
}

StoreResult<Template> TemplateStore::insert(const Template &input, const QUuid &versionId)
{
    Template tmpl = input;
    if (tmpl.id.isNull())
        tmpl.id = QUuid::createUuid();
    tmpl.createdAt =
        C::utc(tmpl.createdAt.isValid() ? tmpl.createdAt : QDateTime::currentDateTimeUtc());
    tmpl.updatedAt = C::utc(tmpl.updatedAt.isValid() ? tmpl.updatedAt : tmpl.createdAt);
    tmpl.activeVersionId = versionId;
    tmpl.deleted = false;

    return m_db.write<Template>([&](QSqlDatabase &db,
                                    Transaction &transaction) -> StoreResult<Template> {
        struct Owner
        {
            QUuid templateId;
            QUuid organizationId;
        };
        auto version = m_db.selectOne(
            db,
            QStringLiteral("SELECT template_id, organization_id FROM template_versions "
                           "WHERE id = ?") +
                m_db.dialect().updateLockSuffix(),
            {C::uuid(versionId)}, QStringLiteral("Template version"),
            [](const QSqlQuery &q) {
                return Owner{QUuid::fromString(q.value(0).toString()),
                             QUuid::fromString(q.value(1).toString())};
            },
            &transaction);
        if (!version)
            return version.error();
        if (!version->templateId.isNull())
            return conflict(QStringLiteral("template_version_id"),
                            QStringLiteral("The template version already belongs to a template."));
        if (tmpl.organizationId.isNull())
            tmpl.organizationId = version->organizationId;
        {
            auto query = m_db.exec(
                db,
                QStringLiteral("INSERT INTO templates (") + P::templateColumns +
                    QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {C::uuid(tmpl.id), C::uuid(tmpl.organizationId), C::text(tmpl.name),
                 C::text(tmpl.displayName), C::text(tmpl.description), C::text(tmpl.icon),
                 C::text(tmpl.provisioner), C::uuid(tmpl.activeVersionId), tmpl.defaultTtlMs,
                 tmpl.activityBumpMs, tmpl.allowUserAutostart, tmpl.allowUserAutostop,
                 tmpl.allowUserCancelWorkspaceJobs, C::optionalUuid(tmpl.createdBy),
                 C::millis(tmpl.createdAt), C::millis(tmpl.updatedAt), false},
                &transaction);
            if (!query)
                return query.error();
        }
        {
            auto query = m_db.exec(db,
                                   QStringLiteral("UPDATE template_versions SET template_id = ?, "
                                                  "updated_at = ? WHERE id = ?"),
                                   {C::uuid(tmpl.id), nowMs(), C::uuid(versionId)}, &transaction);
            if (!query)
                return query.error();
        }
        return tmpl;
    });
}

StoreResult<Template> TemplateStore::where(const QString &condition, const QVariantList &values)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::templateColumns +
                              QStringLiteral(" FROM templates WHERE deleted = FALSE AND ") +
                              condition,
                          values, QStringLiteral("Template"), decodeTemplate);
}

StoreResult<Template> TemplateStore::byId(const QUuid &id)
{
    return where(QStringLiteral("id = ?"), {C::uuid(id)});
}

StoreResult<Template> TemplateStore::byName(const QUuid &organizationId, const QString &name)
{
    return where(QStringLiteral("organization_id = ? AND lower(name) = lower(?)"),
                 {C::uuid(organizationId), C::text(name)});
}

StoreResult<QList<Template>> TemplateStore::list(const QUuid &organizationId)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QString sql = QStringLiteral("SELECT ") + P::templateColumns +
                  QStringLiteral(" FROM templates WHERE deleted = FALSE");
    QVariantList values;
    if (!organizationId.isNull()) {
        sql += QStringLiteral(" AND organization_id = ?");
        values << C::uuid(organizationId);
    }
    return m_db.selectAll(*db, sql + QStringLiteral(" ORDER BY lower(name), id"), values,
                          decodeTemplate);
}

StoreResult<Template> TemplateStore::update(const Template &tmpl)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(
        *db,
        QStringLiteral("UPDATE templates SET name = ?, display_name = ?, description = ?, "
                       "icon = ?, default_ttl_ms = ?, activity_bump_ms = ?, "
                       "allow_user_autostart = ?, allow_user_autostop = ?, "
                       "allow_user_cancel_workspace_jobs = ?, updated_at = ? "
                       "WHERE id = ? AND deleted = FALSE RETURNING ") +
            P::templateColumns,
        {C::text(tmpl.name), C::text(tmpl.displayName), C::text(tmpl.description),
         C::text(tmpl.icon), tmpl.defaultTtlMs, tmpl.activityBumpMs, tmpl.allowUserAutostart,
         tmpl.allowUserAutostop, tmpl.allowUserCancelWorkspaceJobs, nowMs(), C::uuid(tmpl.id)},
        QStringLiteral("Template"), decodeTemplate);
}

StoreResult<Template> TemplateStore::updateActiveVersion(const QUuid &templateId,
                                                         const QUuid &versionId)
{
    return m_db.write<Template>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<Template> {
            {
                auto held = m_db.selectOne(
                    db,
                    QStringLiteral("SELECT id FROM templates WHERE id = ? AND deleted = FALSE") +
                        m_db.dialect().updateLockSuffix(),
                    {C::uuid(templateId)}, QStringLiteral("Template"),
                    [](const QSqlQuery &) { return true; }, &transaction);
                if (!held)
                    return held.error();
            }
            struct Version
            {
                QUuid templateId;
                QString jobStatus;
            };
            auto version = m_db.selectOne(
                db,
                QStringLiteral("SELECT v.template_id, j.status FROM template_versions v "
                               "JOIN provisioner_jobs j ON j.id = v.job_id WHERE v.id = ?"),
                {C::uuid(versionId)}, QStringLiteral("Template version"),
                [](const QSqlQuery &q) {
                    return Version{q.value(0).isNull() ? QUuid()
                                                       : QUuid::fromString(q.value(0).toString()),
                                   q.value(1).toString()};
                },
                &transaction);
            if (!version)
                return version.error();
            if (version->templateId != templateId)
                return conflict(QStringLiteral("template_version_id"),
                                QStringLiteral("The version belongs to another template."));
            if (version->jobStatus != job_status::succeeded)
                return conflict(QStringLiteral("template_version_id"),
                                QStringLiteral("Only a version whose import succeeded can become "
                                               "active; this one's import is %1.")
                                    .arg(version->jobStatus));
            return m_db.selectOne(db,
                                  QStringLiteral("UPDATE templates SET active_version_id = ?, "
                                                 "updated_at = ? WHERE id = ? RETURNING ") +
                                      P::templateColumns,
                                  {C::uuid(versionId), nowMs(), C::uuid(templateId)},
                                  QStringLiteral("Template"), decodeTemplate, &transaction);
        });
}

StoreResult<core::Ok> TemplateStore::remove(const QUuid &id)
{
    // The template row is held, and insertWorkspace holds it too (shared) while it checks it,
    // so no workspace can appear between the count and the delete.
    return m_db.write<core::Ok>([&](QSqlDatabase &db,
                                    Transaction &transaction) -> StoreResult<core::Ok> {
        {
            auto held = m_db.selectOne(
                db,
                QStringLiteral("SELECT id FROM templates WHERE id = ? AND deleted = FALSE") +
                    m_db.dialect().updateLockSuffix(),
                {C::uuid(id)}, QStringLiteral("Template"), [](const QSqlQuery &) { return true; },
                &transaction);
            if (!held)
                return held.error();
        }
        auto count = m_db.selectOne(
            db,
            QStringLiteral(
                "SELECT count(*) FROM workspaces WHERE template_id = ? AND deleted = FALSE"),
            {C::uuid(id)}, QStringLiteral("Count"),
            [](const QSqlQuery &q) { return q.value(0).toLongLong(); }, &transaction);
        if (!count)
            return count.error();
        if (*count > 0)
            return conflict(QStringLiteral("workspaces"),
                            QStringLiteral("The template is still used by %1 workspace(s); "
                                           "delete them first.")
                                .arg(*count));
        auto query = m_db.exec(db,
                               QStringLiteral("UPDATE templates SET deleted = TRUE, updated_at = ? "
                                              "WHERE id = ?"),
                               {nowMs(), C::uuid(id)}, &transaction);
        if (!query)
            return query.error();
        return core::Ok{};
    });
}

StoreResult<TemplateVersion> TemplateStore::insertVersion(const TemplateVersion &input,
                                                          const ProvisionerJob &importJob)
{
    TemplateVersion version = input;
    ProvisionerJob job = importJob;
    if (version.id.isNull())
        version.id = QUuid::createUuid();
    if (job.id.isNull())
        job.id = QUuid::createUuid();
    if (version.organizationId.isNull())
        version.organizationId = job.organizationId;
    if (version.organizationId.isNull()) {
        auto organization = defaultOrganization();
        if (!organization)
            return organization.error();
        version.organizationId = organization->id;
    }
    version.jobId = job.id;
    version.createdAt =
        C::utc(version.createdAt.isValid() ? version.createdAt : QDateTime::currentDateTimeUtc());
    version.updatedAt = C::utc(version.updatedAt.isValid() ? version.updatedAt : version.createdAt);
    if (job.type.isEmpty())
        job.type = job_type::templateVersionImport;
    if (job.organizationId.isNull())
        job.organizationId = version.organizationId;
    if (job.fileId.isNull())
        job.fileId = version.fileId;
    if (job.initiatorId.isNull())
        job.initiatorId = version.createdBy;
    if (!job.input.contains(QStringLiteral("template_version_id")))
        job.input.insert(QStringLiteral("template_version_id"),
                         version.id.toString(QUuid::WithoutBraces));
    if (!job.createdAt.isValid())
        job.createdAt = version.createdAt;

    return m_db.write<TemplateVersion>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<TemplateVersion> {
            if (auto inserted = m_jobs.insertWith(db, job, transaction); !inserted)
                return inserted.error();
            auto query = m_db.exec(
                db,
                QStringLiteral("INSERT INTO template_versions (") + P::templateVersionColumns +
                    QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {C::uuid(version.id), C::optionalUuid(version.templateId),
                 C::uuid(version.organizationId), C::text(version.name), C::text(version.message),
                 C::text(version.readme), C::optionalUuid(version.fileId), C::uuid(version.jobId),
                 P::arrayJson(version.parameters), C::optionalUuid(version.createdBy),
                 C::millis(version.createdAt), C::millis(version.updatedAt), version.archived},
                &transaction);
            if (!query)
                return query.error();
            return version;
        });
}

StoreResult<TemplateVersion> TemplateStore::versionWhere(const QString &condition,
                                                         const QVariant &value)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::templateVersionColumns +
                              QStringLiteral(" FROM template_versions WHERE ") + condition,
                          {value}, QStringLiteral("Template version"), decodeVersion);
}

StoreResult<TemplateVersion> TemplateStore::versionById(const QUuid &id)
{
    return versionWhere(QStringLiteral("id = ?"), C::uuid(id));
}

StoreResult<TemplateVersion> TemplateStore::versionByName(const QUuid &templateId,
                                                          const QString &name)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db,
                          QStringLiteral("SELECT ") + P::templateVersionColumns +
                              QStringLiteral(" FROM template_versions WHERE template_id = ? AND "
                                             "lower(name) = lower(?)"),
                          {C::uuid(templateId), C::text(name)}, QStringLiteral("Template version"),
                          decodeVersion);
}

StoreResult<TemplateVersion> TemplateStore::versionByJobId(const QUuid &jobId)
{
    return versionWhere(QStringLiteral("job_id = ?"), C::uuid(jobId));
}

StoreResult<QList<TemplateVersion>> TemplateStore::listVersions(const QUuid &templateId)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(*db,
                          QStringLiteral("SELECT ") + P::templateVersionColumns +
                              QStringLiteral(" FROM template_versions WHERE template_id = ? "
                                             "ORDER BY created_at, id"),
                          {C::uuid(templateId)}, decodeVersion);
}

namespace {

// A version and its import job, one row each: what the API shows of a version, as one snapshot.
const QString &versionWithJobSelect()
{
    static const QString sql =
        QStringLiteral("SELECT ") + C::qualified(P::templateVersionColumns, QStringLiteral("v")) +
        QStringLiteral(", ") + C::qualified(P::jobColumns, QStringLiteral("j")) +
        QStringLiteral(" FROM template_versions v JOIN provisioner_jobs j ON j.id = v.job_id");
    return sql;
}

VersionWithJob decodeVersionWithJob(const QSqlQuery &q)
{
    return VersionWithJob{P::templateVersion(q), P::job(q, P::templateVersionColumnCount)};
}

} // namespace

StoreResult<VersionWithJob> TemplateStore::versionWithJob(const QUuid &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectOne(*db, versionWithJobSelect() + QStringLiteral(" WHERE v.id = ?"),
                          {C::uuid(id)}, QStringLiteral("Template version"), decodeVersionWithJob);
}

StoreResult<QList<VersionWithJob>> TemplateStore::versionsWithJobs(const QUuid &templateId)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return m_db.selectAll(
        *db,
        versionWithJobSelect() +
            QStringLiteral(" WHERE v.template_id = ? ORDER BY v.created_at, v.id"),
        {C::uuid(templateId)}, decodeVersionWithJob);
}

} // namespace coder::server
