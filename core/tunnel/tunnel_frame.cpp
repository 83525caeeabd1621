#include "tunnel_frame.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

namespace coder::core::tunnel {

namespace {

qsizetype payloadLimit(FrameType type)
{
    switch (type) {
    case FrameType::Data:
        return kMaxDataPayload;
    case FrameType::Window:
        return 4;
    case FrameType::OpenOk:
    case FrameType::Close:
        return 0;
    case FrameType::Open:
    case FrameType::OpenErr:
    case FrameType::Reset:
        return kMaxControlPayload;
    }
    return -1;
}

} // namespace

QByteArray frameWithRoom(FrameType type, quint32 stream, qsizetype payloadSize)
{
    QByteArray frame(kTransportHeadroom + kFrameHeaderBytes + payloadSize, Qt::Uninitialized);
    frame.remove(0, kTransportHeadroom); // moves the start: the room stays in front
    frame[0] = char(type);
    qToBigEndian(stream, frame.data() + 1);
    return frame;
}

QByteArray dataFrameAround(quint32 stream, QByteArray payload)
{
    char header[kFrameHeaderBytes];
    header[0] = char(FrameType::Data);
    qToBigEndian(stream, header + 1);
    payload.prepend(header, kFrameHeaderBytes);
    return payload;
}

QByteArray encodeFrame(FrameType type, quint32 stream, QByteArrayView payload)
{
    QByteArray frame = frameWithRoom(type, stream, payload.size());
    if (!payload.isEmpty())
        memcpy(frame.data() + kFrameHeaderBytes, payload.data(), size_t(payload.size()));
    return frame;
}

QByteArray encodeWindow(quint32 stream, quint32 credit)
{
    char bytes[4];
    qToBigEndian(credit, bytes);
    return encodeFrame(FrameType::Window, stream, QByteArrayView(bytes, 4));
}

Result<FrameHeader, QString> decodeHeader(QByteArrayView message)
{
    if (message.size() < kFrameHeaderBytes)
        return QStringLiteral("frame of %1 bytes is shorter than its header").arg(message.size());
    const quint8 rawType = quint8(message[0]);
    if (rawType < quint8(FrameType::Open) || rawType > quint8(FrameType::Reset))
        return QStringLiteral("unknown frame type %1").arg(rawType);
    FrameHeader header;
    header.type = FrameType(rawType);
    header.stream = qFromBigEndian<quint32>(message.data() + 1);
    if (header.stream == 0)
        return QStringLiteral("stream id 0 is reserved");
    header.payloadSize = message.size() - kFrameHeaderBytes;
    const qsizetype limit = payloadLimit(header.type);
    if (header.payloadSize > limit) {
        return QStringLiteral("frame of type %1 carries %2 bytes (at most %3)")
            .arg(rawType)
            .arg(header.payloadSize)
            .arg(limit);
    }
    if (header.type == FrameType::Window) {
        if (header.payloadSize != 4)
            return QStringLiteral("WINDOW frame without its 4-byte credit");
        header.credit = qFromBigEndian<quint32>(message.data() + kFrameHeaderBytes);
        if (header.credit == 0)
            return QStringLiteral("WINDOW frame granting no credit");
    }
    return header;
}

Result<Frame, QString> decodeFrame(QByteArrayView message)
{
    auto header = decodeHeader(message);
    if (!header)
        return header.error();
    return Frame{header->type, header->stream, message.sliced(kFrameHeaderBytes).toByteArray()};
}

void setFrameStream(QByteArray &frame, quint32 stream)
{
    Q_ASSERT(frame.size() >= kFrameHeaderBytes);
    qToBigEndian(stream, frame.data() + 1);
}

quint32 windowCredit(const Frame &frame)
{
    return frame.payload.size() == 4 ? qFromBigEndian<quint32>(frame.payload.constData()) : 0;
}

QByteArray encodeOpenErr(quint32 stream, const QString &message)
{
    const QJsonObject body{{QStringLiteral("message"), message.left(500)}};
    return encodeFrame(FrameType::OpenErr, stream,
                       QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QString openErrMessage(const Frame &frame)
{
    const QString message =
        QJsonDocument::fromJson(frame.payload).object().value(QStringLiteral("message")).toString();
    return message.isEmpty() ? QStringLiteral("the stream was refused") : message;
}

} // namespace coder::core::tunnel
