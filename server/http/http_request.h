#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace coder::server {

// One parsed HTTP/1.1 request. Header names are stored lower-cased.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QByteArray target; // the raw request target, e.g. "/api/v2/users?limit=5"
    QString path;      // percent-decoded path of the target
    QUrlQuery query;   // decoded query of the target
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int httpMinor = 1; // HTTP/1.<minor>
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool tls = false;
    QHash<QString, QString> pathParams; // filled by the router: "{user}" -> "me"

    // First value of a header (name matched case-insensitively), or empty.
    QByteArray header(QByteArrayView name) const;
    QString pathParam(const QString &name) const { return pathParams.value(name); }
    // Value of a cookie from the Cookie header, or empty.
    QByteArray cookie(QByteArrayView name) const;
};

} // namespace coder::server
