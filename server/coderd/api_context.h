#pragma once

#include "audit_recorder.h"
#include "authenticator.h"
#include "coderd_config.h"
#include "login_rate_limiter.h"
#include "server/database/store.h"
#include "server/http/router.h"

#include <QReadWriteLock>
#include <QUrl>
#include <functional>
#include <optional>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class ProvisionerJobServer;
class Pubsub;
class WorkspaceBuilder;

// What every route handler needs, handed in explicitly (no singletons).
class ApiContext
{
public:
    ApiContext(Store &store, const CoderdConfig &config);

    Store &store;
    const CoderdConfig &config;
    Authenticator authenticator;
    AuditRecorder audit;
    LoginRateLimiter loginLimiter;
    // Set by Coderd before the routes serve.
    Pubsub *pubsub = nullptr;
    core::WorkPool *pool = nullptr; // where database work runs (the handler pool)
    ProvisionerJobServer *jobs = nullptr;
    WorkspaceBuilder *builder = nullptr;

    using AuthenticatedHandler = std::function<HttpResponse(HttpRequest &, const Principal &)>;
    // Wraps a handler so it only runs for an authenticated, active user.
    HttpHandler authenticated(AuthenticatedHandler handler);

    using AuthenticatedWebSocket =
        std::function<WebSocketDecision(HttpRequest &, const Principal &)>;
    // The same for a WebSocket route: an unauthenticated upgrade is refused before the handshake.
    WebSocketHandler authenticatedWebSocket(AuthenticatedWebSocket handler);

    using UserHandler =
        std::function<HttpResponse(HttpRequest &, const Principal &, const User &target)>;
    // For routes under /users/{user}: authenticates, then resolves {user} (404 when it does
    // not exist or may not be seen) before the handler runs.
    HttpHandler onUser(UserHandler handler);

    // Asks authorize() and turns a refusal into the error to answer: a subject that may not
    // even read a particular object gets 404, so that ids cannot be probed; otherwise 403.
    std::optional<core::ApiError> require(const Principal &principal, Action action,
                                          const Object &object) const;

    // Resolves a {user} path parameter: "me", a UUID or a username. 404 when absent.
    core::Result<User, core::ApiError> resolveUser(const QString &param,
                                                   const Principal &principal);

    // Resolves an {organization} path parameter: "default", a UUID or a name. 404 when absent.
    core::Result<Organization, core::ApiError> resolveOrganization(const QString &param);

    // Maps a store failure to the API error to answer; logs internal ones.
    static core::ApiError storeError(const StoreError &error, const QString &what);
    // 503 with Retry-After: no database answers.
    static core::ApiError unavailable();

    // The deployment's URL: config.accessUrl, or the listener's URL, which is known only once
    // the event-loop threads already serve, hence the lock.
    QUrl accessUrl() const;
    void setAccessUrl(const QUrl &url);

private:
    mutable QReadWriteLock m_accessUrlLock;
    QUrl m_accessUrl;
};

} // namespace coder::server
