#include "router.h"

#include <QUrl>
#include <QVarLengthArray>

namespace coder::server {

namespace {

bool isParamSegment(QStringView segment)
{
    return segment.size() > 2 && segment.front() == u'{' && segment.back() == u'}';
}

// Splits a path into segments, dropping the leading slash and one trailing slash.
template <typename Out> void splitPath(QStringView path, Out &out)
{
    if (path.startsWith(u'/'))
        path = path.sliced(1);
    if (path.endsWith(u'/'))
        path.chop(1);
    if (path.isEmpty())
        return;
    qsizetype start = 0;
    while (true) {
        const qsizetype slash = path.indexOf(u'/', start);
        if (slash < 0) {
            out.append(path.sliced(start));
            return;
        }
        out.append(path.sliced(start, slash - start));
        start = slash + 1;
    }
}

} // namespace

struct Router::Lookup
{
    const QByteArray &method;
    bool webSocket;
    QVarLengthArray<QStringView, 16> segments;
    int found = -1;
    const Node *methodMismatch = nullptr; // first node whose path matched under another method
};

void Router::add(const QByteArray &method, const QString &pattern, HttpHandler handler,
                 RouteOptions options)
{
    Route route;
    route.method = method;
    QVarLengthArray<QStringView, 16> parts;
    splitPath(pattern, parts);
    for (const QStringView part : parts)
        route.segments.append(part.toString());
    route.handler = std::move(handler);
    route.options = options;
    m_routes.push_back(std::move(route));
    insert(int(m_routes.size() - 1));
}

void Router::addWebSocket(const QString &pattern, WebSocketHandler handler, RouteOptions options)
{
    Route route;
    route.method = QByteArrayLiteral("GET");
    QVarLengthArray<QStringView, 16> parts;
    splitPath(pattern, parts);
    for (const QStringView part : parts)
        route.segments.append(part.toString());
    route.isWebSocket = true;
    route.webSocket = std::move(handler);
    route.options = options;
    m_routes.push_back(std::move(route));
    insert(int(m_routes.size() - 1));
}

void Router::insert(int routeIndex)
{
    Node *node = &m_root;
    for (const QString &segment : m_routes[size_t(routeIndex)].segments) {
        const bool param = isParamSegment(segment);
        Node *next = nullptr;
        for (Node &child : node->children) {
            if (child.isParam == param && (param || child.literal == segment)) {
                next = &child;
                break;
            }
        }
        if (!next) {
            Node child;
            child.isParam = param;
            if (!param)
                child.literal = segment;
            node->children.push_back(std::move(child));
            next = &node->children.back();
        }
        node = next;
    }
    node->routes.push_back(routeIndex);
}

bool Router::walk(const Node &node, qsizetype depth, Lookup &lookup) const
{
    if (depth == lookup.segments.size()) {
        bool eligible = false;
        for (const int index : node.routes) {
            const Route &route = m_routes[size_t(index)];
            if (route.isWebSocket != lookup.webSocket)
                continue;
            if (route.method == lookup.method) {
                lookup.found = index;
                return true;
            }
            eligible = true;
        }
        if (eligible && !lookup.methodMismatch)
            lookup.methodMismatch = &node;
        return false;
    }
    const QStringView segment = lookup.segments[depth];
    for (const Node &child : node.children) {
        if (!child.isParam && child.literal == segment && walk(child, depth + 1, lookup))
            return true;
    }
    if (segment.isEmpty())
        return false;
    for (const Node &child : node.children) {
        if (child.isParam)
            return walk(child, depth + 1, lookup);
    }
    return false;
}

Router::Match Router::match(const QByteArray &method, const QString &path, bool webSocket) const
{
    Lookup lookup{method, webSocket, {}};
    QVarLengthArray<QStringView, 16> raw;
    splitPath(path, raw);
    // Decoded segments must outlive the views in lookup.segments; QString data does not move
    // when the list grows.
    QStringList decoded;
    for (const QStringView segment : raw) {
        if (segment.contains(u'%')) {
            decoded.append(QUrl::fromPercentEncoding(segment.toUtf8()));
            lookup.segments.append(decoded.constLast());
        } else {
            lookup.segments.append(segment);
        }
    }

    Match result;
    if (walk(m_root, 0, lookup)) {
        const Route &route = m_routes[size_t(lookup.found)];
        result.kind = Match::Found;
        result.options = route.options;
        if (route.isWebSocket)
            result.webSocket = &route.webSocket;
        else
            result.handler = &route.handler;
        for (qsizetype i = 0; i < route.segments.size(); ++i) {
            const QString &segment = route.segments[i];
            if (isParamSegment(segment))
                result.params.insert(segment.mid(1, segment.size() - 2),
                                     lookup.segments[i].toString());
        }
        return result;
    }
    if (lookup.methodMismatch) {
        result.kind = Match::MethodNotAllowed;
        for (const int index : lookup.methodMismatch->routes) {
            const Route &route = m_routes[size_t(index)];
            if (route.isWebSocket == webSocket && !result.allowedMethods.contains(route.method))
                result.allowedMethods.append(route.method);
        }
    }
    return result;
}

} // namespace coder::server
