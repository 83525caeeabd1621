#pragma once

#include "actor.h"
#include "domain_error.h"
#include "server/database/models.h"

namespace coder::server {

class Store;
struct HttpRequest;

// Resolves the session token of a request (header Coder-Session-Token, or the cookie
// coder_session_token) to a Principal. Sessions slide: using one pushes its expiry out by its
// lifetime; API tokens keep their fixed expiry.
class Authenticator
{
public:
    static constexpr qint64 sessionLifetimeSeconds = 24 * 3600;

    explicit Authenticator(Store &store) : m_store(store) {}

    // Unauthorized without a valid token; Forbidden for a change the cookie alone authenticates
    // without a JSON content type; Unavailable when the database does not answer.
    Outcome<Principal> authenticate(const HttpRequest &request);
    // The same checks again for a principal authenticated earlier, as a long-lived connection
    // (a tunnel) makes them now and then: its key still there, unexpired, its user not
    // suspended; the roles as they are now. A use of the key, as a request is.
    Outcome<Principal> revalidate(const Principal &principal, const QString &ipAddress);

    // The RBAC subject of a request made by user with key (roles, and the key's scope).
    static Subject subjectOf(const User &user, const ApiKey &key);

private:
    Outcome<Principal> validate(const QString &keyId, const QByteArray &hashedSecret,
                                const QString &ipAddress);
    void recordUse(ApiKey &key, const User &user, const QString &ipAddress);

    Store &m_store;
};

} // namespace coder::server
