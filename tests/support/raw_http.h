#pragma once

// HTTP written and read by hand over a socket, for what a client library hides: the status and
// JSON body of a refused WebSocket upgrade (QWebSocket only reports that the handshake failed).

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace coder::test {

struct RawReply
{
    int status = 0;
    QByteArray body;
    QString problem; // set when no HTTP answer came
};

// GET pathAndQuery as a WebSocket upgrade with `headers` besides; the answer's status and body
// (none for 101). Blocks at most 10 s.
RawReply rawUpgrade(const QUrl &base, const QString &pathAndQuery,
                    const QList<QPair<QByteArray, QByteArray>> &headers);

} // namespace coder::test
