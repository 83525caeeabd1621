#pragma once

#include "models.h"
#include "sql_database.h"

#include <QList>

namespace coder::server {

// The audit log (the audit_logs table), newest first.
class AuditStore
{
public:
    explicit AuditStore(SqlDatabase &db) : m_db(db) {}

    StoreResult<core::Ok> insert(const AuditLog &entry);
    StoreResult<QList<AuditLog>> list(int limit, int offset);
    StoreResult<qint64> count();

private:
    SqlDatabase &m_db;
};

} // namespace coder::server
