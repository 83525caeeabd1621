#include "audit_recorder.h"

#include "api_objects.h"
#include "server/database/store.h"
#include "server/http/http_request.h"

#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcAudit, "coder.audit")

void AuditRecorder::record(const HttpRequest &request, const Entry &entry)
{
    AuditLog row;
    row.id = QUuid::createUuid();
    row.time = QDateTime::currentDateTimeUtc();
    row.userId = entry.actor;
    row.ipAddress = request.peerAddress.toString();
    row.userAgent = QString::fromUtf8(request.header("user-agent").left(256));
    row.resourceType = entry.resourceType;
    row.resourceId = entry.resourceId;
    row.resourceTarget = entry.resourceTarget;
    row.action = entry.action;
    row.diff = entry.diff;
    row.statusCode = entry.statusCode;
    row.requestId = QString::fromLatin1(request.header("x-request-id").left(64));
    if (!m_store.audit().insert(row))
        qCWarning(lcAudit) << "could not write the audit log entry for" << entry.action
                           << entry.resourceType << entry.resourceId;
}

void AuditRecorder::recordUserChange(const HttpRequest &request, const QUuid &actor,
                                     const QString &action, const User &target, int statusCode,
                                     const QJsonObject &diff)
{
    record(request, {actor, action, QStringLiteral("user"), core::idText(target.id),
                     target.username, statusCode, diff});
}

QJsonObject AuditRecorder::change(const QJsonValue &before, const QJsonValue &after)
{
    return {{QStringLiteral("old"), before}, {QStringLiteral("new"), after}};
}

} // namespace coder::server
