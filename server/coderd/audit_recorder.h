#pragma once

#include "core/api_types.h"
#include "domain_error.h"
#include "pagination.h"
#include "server/database/models.h"

#include <QJsonObject>
#include <QString>
#include <QUuid>

namespace coder::server {

class Store;
struct Actor;

// The audit log: one row written per mutation (who, what, on which target, when, from where and
// with which outcome) and the rows read back, newest first, for those allowed. Never given a
// secret: diffs name changed fields, not password hashes.
class AuditRecorder
{
public:
    explicit AuditRecorder(Store &store) : m_store(store) {}

    struct Entry
    {
        QUuid actor;          // the user who acted; null when nobody (a failed login)
        QString action;       // create | write | delete | login | logout
        QString resourceType; // user | api_key
        QString resourceId;
        QString resourceTarget; // a username, a token name
        int statusCode = 200;
        QJsonObject diff;
    };

    // From where: the actor's address, user agent and request id.
    void record(const Actor &actor, const Entry &entry);
    // A change the actor's user made to a user account (resource "user", target its username).
    void recordUserChange(const Actor &actor, const QString &action, const User &target,
                          int statusCode, const QJsonObject &diff = {});
    // A page of the log, each entry with its author's account (none when there was none).
    Outcome<core::AuditLogsPage> list(const Actor &actor, Pagination page);
    // The diff entry of a changed field: {"old": ..., "new": ...}.
    static QJsonObject change(const QJsonValue &before, const QJsonValue &after);

private:
    Store &m_store;
};

} // namespace coder::server
