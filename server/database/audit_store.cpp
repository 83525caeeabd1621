// AuditStore: the audit log.
#include "audit_store.h"

#include "provisioning_row_codec.h"
#include "row_codec.h"
#include "sql_fragments.h"

namespace coder::server {

namespace {

using C = RowCodec;
using sql::likePattern;
using sql::limitValue;
using sql::notFound;

} // namespace

StoreResult<core::Ok> AuditStore::insert(const AuditLog &entry)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const QUuid id = entry.id.isNull() ? QUuid::createUuid() : entry.id;
    const QDateTime time = entry.time.isValid() ? entry.time : QDateTime::currentDateTimeUtc();
    auto query = m_db.exec(
        *db,
        QStringLiteral("INSERT INTO audit_logs (") + C::auditColumns +
            QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {C::uuid(id), C::millis(time), C::optionalUuid(entry.userId), C::text(entry.ipAddress),
         C::text(entry.userAgent), C::text(entry.resourceType), C::text(entry.resourceId),
         C::text(entry.resourceTarget), C::text(entry.action), C::json(entry.diff),
         entry.statusCode, C::text(entry.requestId), C::json(entry.additionalFields)});
    if (!query)
        return query.error();
    return core::Ok{};
}

StoreResult<QList<AuditLog>> AuditStore::list(int limit, int offset)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db,
                           QStringLiteral("SELECT ") + C::auditColumns +
                               QStringLiteral(" FROM audit_logs ORDER BY time DESC, id DESC "
                                              "LIMIT ? OFFSET ?"),
                           {limitValue(limit), qMax(0, offset)});
    if (!query)
        return query.error();
    QList<AuditLog> entries;
    while (query->next())
        entries.append(C::auditLog(*query));
    return entries;
}

StoreResult<qint64> AuditStore::count()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto query = m_db.exec(*db, QStringLiteral("SELECT count(*) FROM audit_logs"));
    if (!query)
        return query.error();
    if (!query->next())
        return m_db.errorFrom(query->lastError());
    return query->value(0).toLongLong();
}

} // namespace coder::server
