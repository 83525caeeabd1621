#pragma once

#include "authz.h"
#include "domain_error.h"
#include "server/database/models.h"

#include <optional>

namespace coder::server {

// Who made a request: the user, the key they presented and their RBAC subject.
struct Principal
{
    User user;
    ApiKey key;
    Subject subject;
};

// Who asks a service to act, and from where: what the services authorize and audit.
struct Actor
{
    Principal principal;
    QString ipAddress;
    QString userAgent;
    QString requestId;

    const User &user() const { return principal.user; }
    const Subject &subject() const { return principal.subject; }
    // coderd acting on its own (the autostart/autostop scheduler): every permission, no user.
    static Actor system();
};

// authorize() as a service needs it: nothing when the action is allowed; otherwise NotFound
// when the actor may not even read that particular object (so that ids cannot be probed), else
// Forbidden.
std::optional<DomainError> requireAccess(const Subject &subject, Action action,
                                         const Object &object);

} // namespace coder::server
