#pragma once

#include "core/api_error.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace coder::server {

struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>>
        headers; // Content-Length and Connection are added on write
    QByteArray body;

    // Replaces a header of the same name (case-insensitive) or appends it.
    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse json(int status, const QJsonArray &array);
    // A body that is already serialized JSON (see core::JsonWriter).
    static HttpResponse rawJson(int status, QByteArray json);
    static HttpResponse text(int status, const QByteArray &text);
    static HttpResponse noContent();
    // The JSON error body of ARCHITECTURE.md with error.status.
    static HttpResponse error(const core::ApiError &error);

    static QByteArray reasonPhrase(int status);
};

} // namespace coder::server
