#include "audit_recorder.h"

#include "actor.h"
#include "api_objects.h"
#include "provisioning_views.h"
#include "server/database/store.h"

#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcAudit, "coder.audit")

void AuditRecorder::record(const Actor &actor, const Entry &entry)
{
    AuditLog row;
    row.id = QUuid::createUuid();
    row.time = QDateTime::currentDateTimeUtc();
    row.userId = entry.actor;
    row.ipAddress = actor.ipAddress;
    row.userAgent = actor.userAgent;
    row.resourceType = entry.resourceType;
    row.resourceId = entry.resourceId;
    row.resourceTarget = entry.resourceTarget;
    row.action = entry.action;
    row.diff = entry.diff;
    row.statusCode = entry.statusCode;
    row.requestId = actor.requestId;
    if (!m_store.audit().insert(row))
        qCWarning(lcAudit) << "could not write the audit log entry for" << entry.action
                           << entry.resourceType << entry.resourceId;
}

void AuditRecorder::recordUserChange(const Actor &actor, const QString &action, const User &target,
                                     int statusCode, const QJsonObject &diff)
{
    record(actor, {actor.user().id, action, QStringLiteral("user"), core::idText(target.id),
                   target.username, statusCode, diff});
}

Outcome<core::AuditLogsPage> AuditRecorder::list(const Actor &actor, Pagination page)
{
    if (auto denied = requireAccess(actor.subject(), Action::Read, {Resource::AuditLog, {}, {}}))
        return *denied;
    StoreResult<QList<AuditLog>> logs = m_store.audit().list(page.limit, page.offset);
    StoreResult<qint64> count = m_store.audit().count();
    if (!logs || !count)
        return DomainError::fromStore(!logs ? logs.error() : count.error(),
                                      QStringLiteral("audit log"));
    ProvisioningViews views(m_store); // caches the authors: a page has few of them
    core::AuditLogsPage shown;
    shown.count = *count;
    for (const AuditLog &entry : std::as_const(*logs)) {
        std::optional<User> author;
        if (!entry.userId.isNull())
            author = views.user(entry.userId);
        shown.auditLogs.append(apiAuditLog(entry, author));
    }
    return shown;
}

QJsonObject AuditRecorder::change(const QJsonValue &before, const QJsonValue &after)
{
    return {{QStringLiteral("old"), before}, {QStringLiteral("new"), after}};
}

} // namespace coder::server
