#pragma once

#include "authz.h"
#include "core/api_error.h"
#include "core/result.h"
#include "server/database/models.h"

namespace coder::server {

class Store;
struct HttpRequest;

// Who made a request: the user, the key they presented and their RBAC subject.
struct Principal
{
    User user;
    ApiKey key;
    Subject subject;
};

// Resolves the session token of a request (header Coder-Session-Token, or the cookie
// coder_session_token) to a Principal. Sessions slide: using one pushes its expiry out by its
// lifetime; API tokens keep their fixed expiry.
class Authenticator
{
public:
    static constexpr qint64 sessionLifetimeSeconds = 24 * 3600;

    explicit Authenticator(Store &store) : m_store(store) {}

    core::Result<Principal, core::ApiError> authenticate(const HttpRequest &request);

    // The RBAC subject of a request made by user with key (roles, and the key's scope).
    static Subject subjectOf(const User &user, const ApiKey &key);

private:
    void recordUse(ApiKey &key, const User &user, const HttpRequest &request);

    Store &m_store;
};

} // namespace coder::server
