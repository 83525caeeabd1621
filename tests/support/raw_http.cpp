#include "raw_http.h"

#include <QDeadlineTimer>
#include <QTcpSocket>

namespace coder::test {

RawReply rawUpgrade(const QUrl &base, const QString &pathAndQuery,
                    const QList<QPair<QByteArray, QByteArray>> &headers)
{
    RawReply result;
    QTcpSocket socket;
    socket.connectToHost(base.host(), quint16(base.port()));
    if (!socket.waitForConnected(10'000)) {
        result.problem = socket.errorString();
        return result;
    }
    QByteArray request = "GET " + pathAndQuery.toUtf8() +
                         " HTTP/1.1\r\nHost: " + base.authority().toUtf8() +
                         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "\r\n";
    socket.write(request);

    QByteArray data;
    const QDeadlineTimer deadline(10'000);
    qsizetype headerEnd = -1;
    qsizetype contentLength = -1;
    while (!deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(100) &&
            socket.state() != QAbstractSocket::ConnectedState)
            break;
        data += socket.readAll();
        if (headerEnd < 0 && (headerEnd = data.indexOf("\r\n\r\n")) >= 0) {
            const QList<QByteArray> lines = data.left(headerEnd).split('\n');
            result.status = lines.value(0).split(' ').value(1).toInt();
            for (const QByteArray &line : lines)
                if (line.toLower().startsWith("content-length:"))
                    contentLength = line.mid(15).trimmed().toLongLong();
        }
        // A switch of protocols (101) has no body to wait for.
        if (headerEnd >= 0 &&
            (result.status == 101 ||
             (contentLength >= 0 && data.size() >= headerEnd + 4 + contentLength)))
            break;
    }
    if (headerEnd < 0) {
        result.problem = QStringLiteral("no HTTP answer: %1").arg(QString::fromUtf8(data));
        return result;
    }
    result.body = data.mid(headerEnd + 4, contentLength >= 0 ? contentLength : -1);
    return result;
}

} // namespace coder::test
