#pragma once

#include "server/database/models.h"

#include <QJsonObject>
#include <QString>
#include <QUuid>

namespace coder::server {

class Store;
struct HttpRequest;

// Writes one audit log row per mutation: who, what, on which target, when, from where and
// with which outcome. Never given a secret: diffs name changed fields, not password hashes.
class AuditRecorder
{
public:
    explicit AuditRecorder(Store &store) : m_store(store) {}

    struct Entry
    {
        QUuid actor;          // null when nobody is logged in (a failed login)
        QString action;       // create | write | delete | login | logout
        QString resourceType; // user | api_key
        QString resourceId;
        QString resourceTarget; // a username, a token name
        int statusCode = 200;
        QJsonObject diff;
    };

    void record(const HttpRequest &request, const Entry &entry);
    // A change to a user account (resource "user", target its username).
    void recordUserChange(const HttpRequest &request, const QUuid &actor, const QString &action,
                          const User &target, int statusCode, const QJsonObject &diff = {});
    // The diff entry of a changed field: {"old": ..., "new": ...}.
    static QJsonObject change(const QJsonValue &before, const QJsonValue &after);

private:
    Store &m_store;
};

} // namespace coder::server
