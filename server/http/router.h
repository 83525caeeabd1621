#pragma once

#include "http_request.h"
#include "http_response.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

class QTcpSocket;
class QWebSocket;

namespace coder::server {

using HttpHandler = std::function<HttpResponse(HttpRequest &)>;

// A WebSocket route is decided before the handshake: the check either refuses with a plain
// HTTP response (401, 403, 404...) or returns the function that takes the upgraded socket.
// The socket is owned by the caller's function afterwards (parent it or deleteLater it).
using WebSocketAccept = std::function<void(QWebSocket *socket)>;
// For a route that reads RFC 6455 frames itself (core::tunnel::WebSocketTransport, which
// QtWebSockets is too slow for): the server answers the handshake and hands over the bare socket,
// past it.
using FramedWebSocketAccept = std::function<void(QTcpSocket *socket)>;
struct WebSocketDecision
{
    std::optional<HttpResponse> refusal; // set: answer this and never upgrade
    WebSocketAccept accept;              // used when refusal is empty...
    FramedWebSocketAccept acceptFramed;  // ...unless this is set

    static WebSocketDecision refuse(HttpResponse response)
    {
        WebSocketDecision decision;
        decision.refusal = std::move(response);
        return decision;
    }
    static WebSocketDecision accepting(WebSocketAccept accept)
    {
        WebSocketDecision decision;
        decision.accept = std::move(accept);
        return decision;
    }
    static WebSocketDecision acceptingFramed(FramedWebSocketAccept accept)
    {
        WebSocketDecision decision;
        decision.acceptFramed = std::move(accept);
        return decision;
    }
};
using WebSocketHandler = std::function<WebSocketDecision(HttpRequest &)>;

struct RouteOptions
{
    qint64 maxBodyBytes = -1; // -1: the server's default limit
    // Answered on the connection's event-loop thread even when the server has a handler pool:
    // only for handlers that never wait (no database, no other process, no lock held long).
    bool onEventLoop = false;
};

// Maps "METHOD /path/{param}/..." to handlers. Segments in braces match one non-empty path
// segment and are stored in HttpRequest::pathParams. A literal segment wins over a parameter.
// Thread-safe for lookups once built; routes are added before the server starts.
class Router
{
public:
    void add(const QByteArray &method, const QString &pattern, HttpHandler handler,
             RouteOptions options = {});
    void addWebSocket(const QString &pattern, WebSocketHandler handler, RouteOptions options = {});

    struct Match
    {
        enum Kind { Found, NotFound, MethodNotAllowed } kind = NotFound;
        const HttpHandler *handler = nullptr;        // Found, plain route
        const WebSocketHandler *webSocket = nullptr; // Found, WebSocket route
        RouteOptions options;
        QHash<QString, QString> params;
        QList<QByteArray> allowedMethods; // MethodNotAllowed
    };
    // webSocket: the request asks for an upgrade; only WebSocket routes match then (GET).
    // path: the path of the request target as sent (still percent-encoded); it is split on
    // '/' first and each segment decoded after, so an encoded "%2F" stays inside one segment.
    // One trailing slash is ignored.
    Match match(const QByteArray &method, const QString &path, bool webSocket) const;

private:
    struct Route
    {
        QByteArray method; // "GET" for WebSocket routes
        QStringList segments;
        bool isWebSocket = false;
        HttpHandler handler;
        WebSocketHandler webSocket;
        RouteOptions options;
    };
    // A segment trie over m_routes, so a lookup costs one step per path segment rather than
    // one comparison per route. Literal children are tried before the parameter child.
    struct Node
    {
        QString literal;
        bool isParam = false;
        std::vector<Node> children;
        std::vector<int> routes; // indexes into m_routes
    };
    struct Lookup;
    bool walk(const Node &node, qsizetype depth, Lookup &lookup) const;
    void insert(int routeIndex);

    std::vector<Route> m_routes;
    Node m_root;
};

} // namespace coder::server
