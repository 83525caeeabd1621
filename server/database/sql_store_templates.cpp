// SqlStore: files, organizations, templates and template versions.
#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_store.h"
#include "sql_store_detail.h"

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

} // namespace

// ---- files ----

StoreResult<File> SqlStore::insertFile(const File &input)
{
    auto db = connection();
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
        auto inserted = exec(*db,
                             QStringLiteral("INSERT INTO files (") + P::fileColumns +
                                 QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?) "
                                                "ON CONFLICT (hash) DO NOTHING"),
                             {C::uuid(file.id), hash, C::text(file.mimetype), C::bytes(file.data),
                              C::optionalUuid(file.createdBy), C::millis(file.createdAt)});
        if (!inserted)
            return inserted.error();
    }
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::fileColumns +
                         QStringLiteral(" FROM files WHERE hash = ?"),
                     {hash}, QStringLiteral("File"), decodeFile);
}

StoreResult<File> SqlStore::fileById(const QUuid &id)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::fileColumns +
                         QStringLiteral(" FROM files WHERE id = ?"),
                     {C::uuid(id)}, QStringLiteral("File"), decodeFile);
}

// ---- organizations ----

StoreResult<Organization> SqlStore::organizationWhere(const QString &condition,
                                                      const QVariant &value)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::organizationColumns +
                         QStringLiteral(" FROM organizations WHERE ") + condition,
                     value.isValid() ? QVariantList{value} : QVariantList{},
                     QStringLiteral("Organization"), decodeOrganization);
}

StoreResult<Organization> SqlStore::defaultOrganization()
{
    return organizationWhere(QStringLiteral("is_default = TRUE"), {});
}

StoreResult<Organization> SqlStore::organizationById(const QUuid &id)
{
    return organizationWhere(QStringLiteral("id = ?"), C::uuid(id));
}

StoreResult<Organization> SqlStore::organizationByName(const QString &name)
{
    return organizationWhere(QStringLiteral("lower(name) = lower(?)"), C::text(name));
}

// ---- templates ----

StoreResult<Template> SqlStore::insertTemplate(const Template &input, const QUuid &versionId)
{
    Template tmpl = input;
    if (tmpl.id.isNull())
        tmpl.id = QUuid::createUuid();
    tmpl.createdAt =
        C::utc(tmpl.createdAt.isValid() ? tmpl.createdAt : QDateTime::currentDateTimeUtc());
    tmpl.updatedAt = C::utc(tmpl.updatedAt.isValid() ? tmpl.updatedAt : tmpl.createdAt);
    tmpl.activeVersionId = versionId;
    tmpl.deleted = false;

    return inWriteTransaction<Template>([&](QSqlDatabase &db,
                                            Transaction &transaction) -> StoreResult<Template> {
        struct Owner
        {
            QUuid templateId;
            QUuid organizationId;
        };
        auto version = selectOne(
            db,
            QStringLiteral("SELECT template_id, organization_id FROM template_versions "
                           "WHERE id = ?") +
                updateLockSuffix(),
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
            auto query = exec(
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
            auto query = exec(db,
                              QStringLiteral("UPDATE template_versions SET template_id = ?, "
                                             "updated_at = ? WHERE id = ?"),
                              {C::uuid(tmpl.id), nowMs(), C::uuid(versionId)}, &transaction);
            if (!query)
                return query.error();
        }
        return tmpl;
    });
}

StoreResult<Template> SqlStore::templateWhere(const QString &condition, const QVariantList &values)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::templateColumns +
                         QStringLiteral(" FROM templates WHERE deleted = FALSE AND ") + condition,
                     values, QStringLiteral("Template"), decodeTemplate);
}

StoreResult<Template> SqlStore::templateById(const QUuid &id)
{
    return templateWhere(QStringLiteral("id = ?"), {C::uuid(id)});
}

StoreResult<Template> SqlStore::templateByName(const QUuid &organizationId, const QString &name)
{
    return templateWhere(QStringLiteral("organization_id = ? AND lower(name) = lower(?)"),
                         {C::uuid(organizationId), C::text(name)});
}

StoreResult<QList<Template>> SqlStore::listTemplates(const QUuid &organizationId)
{
    auto db = connection();
    if (!db)
        return db.error();
    QString sql = QStringLiteral("SELECT ") + P::templateColumns +
                  QStringLiteral(" FROM templates WHERE deleted = FALSE");
    QVariantList values;
    if (!organizationId.isNull()) {
        sql += QStringLiteral(" AND organization_id = ?");
        values << C::uuid(organizationId);
    }
    return selectAll(*db, sql + QStringLiteral(" ORDER BY lower(name), id"), values,
                     decodeTemplate);
}

StoreResult<Template> SqlStore::updateTemplate(const Template &tmpl)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(
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

StoreResult<Template> SqlStore::updateTemplateActiveVersion(const QUuid &templateId,
                                                            const QUuid &versionId)
{
    return inWriteTransaction<Template>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<Template> {
            {
                auto held = selectOne(
                    db,
                    QStringLiteral("SELECT id FROM templates WHERE id = ? AND deleted = FALSE") +
                        updateLockSuffix(),
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
            auto version = selectOne(
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
            return selectOne(db,
                             QStringLiteral("UPDATE templates SET active_version_id = ?, "
                                            "updated_at = ? WHERE id = ? RETURNING ") +
                                 P::templateColumns,
                             {C::uuid(versionId), nowMs(), C::uuid(templateId)},
                             QStringLiteral("Template"), decodeTemplate, &transaction);
        });
}

StoreResult<core::Ok> SqlStore::deleteTemplate(const QUuid &id)
{
    // The template row is held, and insertWorkspace holds it too (shared) while it checks it,
    // so no workspace can appear between the count and the delete.
    return inWriteTransaction<core::Ok>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<core::Ok> {
            {
                auto held = selectOne(
                    db,
                    QStringLiteral("SELECT id FROM templates WHERE id = ? AND deleted = FALSE") +
                        updateLockSuffix(),
                    {C::uuid(id)}, QStringLiteral("Template"),
                    [](const QSqlQuery &) { return true; }, &transaction);
                if (!held)
                    return held.error();
            }
            auto count = selectOne(
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
            auto query = exec(db,
                              QStringLiteral("UPDATE templates SET deleted = TRUE, updated_at = ? "
                                             "WHERE id = ?"),
                              {nowMs(), C::uuid(id)}, &transaction);
            if (!query)
                return query.error();
            return core::Ok{};
        });
}

StoreResult<QMap<QUuid, qint64>> SqlStore::templateOwnerCounts(const QList<QUuid> &ids)
{
    QMap<QUuid, qint64> counts;
    for (const QUuid &id : ids)
        counts.insert(id, 0);
    if (ids.isEmpty())
        return counts;
    auto db = connection();
    if (!db)
        return db.error();
    auto done = forIdChunks(*db,
                            QStringLiteral("SELECT template_id, count(DISTINCT owner_id) FROM "
                                           "workspaces WHERE deleted = FALSE AND template_id IN "
                                           "(%1) GROUP BY template_id"),
                            {}, ids, [&](const QSqlQuery &q) {
                                counts.insert(QUuid::fromString(q.value(0).toString()),
                                              q.value(1).toLongLong());
                            });
    if (!done)
        return done.error();
    return counts;
}

// ---- template versions ----

StoreResult<TemplateVersion> SqlStore::insertTemplateVersion(const TemplateVersion &input,
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

    return inWriteTransaction<TemplateVersion>(
        [&](QSqlDatabase &db, Transaction &transaction) -> StoreResult<TemplateVersion> {
            if (auto inserted = insertJobWith(db, job, transaction); !inserted)
                return inserted.error();
            auto query = exec(
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

StoreResult<TemplateVersion> SqlStore::templateVersionWhere(const QString &condition,
                                                            const QVariant &value)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::templateVersionColumns +
                         QStringLiteral(" FROM template_versions WHERE ") + condition,
                     {value}, QStringLiteral("Template version"), decodeVersion);
}

StoreResult<TemplateVersion> SqlStore::templateVersionById(const QUuid &id)
{
    return templateVersionWhere(QStringLiteral("id = ?"), C::uuid(id));
}

StoreResult<TemplateVersion> SqlStore::templateVersionByName(const QUuid &templateId,
                                                             const QString &name)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectOne(*db,
                     QStringLiteral("SELECT ") + P::templateVersionColumns +
                         QStringLiteral(" FROM template_versions WHERE template_id = ? AND "
                                        "lower(name) = lower(?)"),
                     {C::uuid(templateId), C::text(name)}, QStringLiteral("Template version"),
                     decodeVersion);
}

StoreResult<TemplateVersion> SqlStore::templateVersionByJobId(const QUuid &jobId)
{
    return templateVersionWhere(QStringLiteral("job_id = ?"), C::uuid(jobId));
}

StoreResult<QList<TemplateVersion>> SqlStore::listTemplateVersions(const QUuid &templateId)
{
    auto db = connection();
    if (!db)
        return db.error();
    return selectAll(*db,
                     QStringLiteral("SELECT ") + P::templateVersionColumns +
                         QStringLiteral(" FROM template_versions WHERE template_id = ? "
                                        "ORDER BY created_at, id"),
                     {C::uuid(templateId)}, decodeVersion);
}

} // namespace coder::server
