#pragma once

#include "access_watch.h"
#include "actor.h"
#include "api_errors.h"
#include "core/json_mapping.h"
#include "domain_error.h"
#include "pagination.h"
#include "server/http/router.h"

#include <QJsonObject>
#include <functional>
#include <optional>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class Authenticator;

// What every route file uses to turn a request into a service call and the call's outcome into a
// response (ARCHITECTURE.md §3: a route parses, calls a service, encodes): the actor behind the
// request, path and query parameters and bodies decoded into core's request types with every bad
// field named, and a service's value or DomainError encoded.
class RouteKit
{
public:
    // pool and accessCheckMs: where and how often long-lived connections are checked again.
    RouteKit(Authenticator &authenticator, core::WorkPool &pool, int accessCheckMs)
        : m_authenticator(authenticator), m_pool(pool), m_accessCheckMs(accessCheckMs)
    {}

    using Handler = std::function<HttpResponse(HttpRequest &, const Actor &)>;
    using SocketHandler = std::function<WebSocketDecision(HttpRequest &, const Actor &)>;

    // Runs handler for an authenticated, active user; answers 401/403/503 otherwise.
    HttpHandler authenticated(Handler handler) const;
    using IdHandler = std::function<HttpResponse(const Actor &, const QUuid &, HttpRequest &)>;
    // authenticated() for a route on an object: the UUID of path parameter param read (Invalid
    // naming it otherwise), then handler(actor, id, request).
    HttpHandler withId(const QString &param, IdHandler handler) const;
    // Runs handler for anyone (first user, login): an actor with no user.
    static HttpHandler anonymous(Handler handler);
    // The same as authenticated() for a WebSocket route: refused before the handshake.
    WebSocketHandler authenticatedWebSocket(SocketHandler handler) const;

    template <typename Found>
    using Find = std::function<Outcome<Found>(const Actor &, const QUuid &)>;
    template <typename Found>
    using WatchedHandler = std::function<WebSocketDecision(HttpRequest &, const Actor &,
                                                           const Found &, AccessWatch::Options)>;
    // authenticatedWebSocket() for a connection to one object that stays open (a tunnel, a log
    // follow, a watch): the UUID of path parameter param read, find(actor, id) asked, and either
    // error refused before the handshake; then handler(request, actor, found, access), where
    // access (AccessWatch) asks find again, the token authenticated again, while it lives.
    template <typename Found>
    WebSocketHandler watchedWebSocket(const QString &param, Find<Found> find,
                                      WatchedHandler<Found> handler) const;

    using FeedHandler =
        std::function<WebSocketDecision(HttpRequest &, const Actor &, AccessWatch::Options)>;
    // authenticatedWebSocket() for a connection that stays open on no one object (a feed of
    // what the actor may see): access authenticates the token again and ends the connection
    // once the actor's roles or the key's scope changed, as what it may see did.
    WebSocketHandler watchedFeed(FeedHandler handler) const;

    // Who sent request, from where: its peer address, User-Agent and X-Request-Id (both cut to
    // a sane length, as they go into the audit log).
    static Actor actorOf(const HttpRequest &request, Principal principal = {});

private:
    // The token authenticated again (Authenticator::revalidate), then stillAllowed(the actor as
    // it is now); both on the pool, every m_accessCheckMs.
    using StillAllowed = std::function<std::optional<DomainError>(const Actor &now)>;
    AccessWatch::Options accessWatch(const Actor &actor, StillAllowed stillAllowed) const;

    Authenticator &m_authenticator;
    core::WorkPool &m_pool;
    int m_accessCheckMs;
};

// ---- reading a request ----

// The body as a JSON object; Invalid when it is not one.
Outcome<QJsonObject> bodyObject(const HttpRequest &request);
// "Validation failed." naming each field of problems in a sentence.
DomainError invalidFields(const QList<core::json::FieldProblem> &problems);

// The body decoded into core's request type T; Invalid naming every field of the wrong type or
// missing. What the values mean (a name's rules, a range) is the service's to check.
template <typename T> Outcome<T> decodeBody(const HttpRequest &request)
{
    Outcome<QJsonObject> object = bodyObject(request);
    if (!object)
        return object.error();
    T value{};
    if (const auto problems = core::json::readEach(*object, value); !problems.isEmpty())
        return invalidFields(problems);
    return value;
}

// ?limit=&offset=; non-numbers, negatives and limits above maxLimit are Invalid naming the
// parameter. An absent or zero limit is defaultLimit.
Outcome<Pagination> pagination(const HttpRequest &request, int defaultLimit, int maxLimit);
// A path parameter that must be a UUID: Invalid naming it otherwise.
Outcome<QUuid> uuidParam(const HttpRequest &request, const QString &name);
// ?after=N of the log routes (default 0): Invalid unless a non-negative log id.
Outcome<qint64> logsAfter(const HttpRequest &request);
// A query parameter, percent-decoded; empty when absent.
QString queryValue(const HttpRequest &request, const QString &name);

// ---- answering ----

// The value as JSON with status, or the error as toHttp() maps it. reserve: the expected size of
// a long list, written in one allocation.
template <typename T>
HttpResponse respond(const Outcome<T> &outcome, int status = 200, qsizetype reserve = 0)
{
    if (!outcome)
        return toHttp(outcome.error());
    return HttpResponse::rawJson(status, core::json::toJson(*outcome, reserve));
}
// A done action answered {"message": message}.
HttpResponse respondMessage(const Outcome<core::Ok> &outcome, const QString &message,
                            int status = 200);
// A done action answered 204 No Content.
HttpResponse respondNoContent(const Outcome<core::Ok> &outcome);
// A WebSocket upgrade refused with the error's response.
WebSocketDecision refuseUpgrade(const DomainError &error);

template <typename Found>
WebSocketHandler RouteKit::watchedWebSocket(const QString &param, Find<Found> find,
                                            WatchedHandler<Found> handler) const
{
    return authenticatedWebSocket(
        [this, param, find = std::move(find), handler = std::move(handler)](HttpRequest &request,
                                                                            const Actor &actor) {
            const Outcome<QUuid> id = uuidParam(request, param);
            if (!id)
                return refuseUpgrade(id.error());
            const Outcome<Found> found = find(actor, *id);
            if (!found)
                return refuseUpgrade(found.error());
            return handler(request, actor, *found,
                           accessWatch(actor, [find, id = *id](const Actor &now) {
                               return refusalOf(find(now, id));
                           }));
        });
}

} // namespace coder::server
