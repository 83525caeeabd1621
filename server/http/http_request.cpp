#include "http_request.h"

namespace coder::server {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (equalsIgnoringCase(h.first, name))
            return h.second;
    }
    return {};
}

QByteArray HttpRequest::cookie(QByteArrayView name) const
{
    // Browsers send one Cookie header, but a proxy may have split it: look at each.
    for (const auto &h : headers) {
        if (!equalsIgnoringCase(h.first, "cookie"))
            continue;
        QByteArrayView rest(h.second);
        while (!rest.isEmpty()) {
            const qsizetype semicolon = rest.indexOf(';');
            const QByteArrayView pair = semicolon < 0 ? rest : rest.first(semicolon);
            rest = semicolon < 0 ? QByteArrayView() : rest.sliced(semicolon + 1);
            const qsizetype eq = pair.indexOf('=');
            if (eq < 0)
                continue;
            if (trimmed(pair.first(eq)) != name)
                continue;
            QByteArrayView value = trimmed(pair.sliced(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.sliced(1, value.size() - 2);
            return value.toByteArray();
        }
    }
    return {};
}

} // namespace coder::server
