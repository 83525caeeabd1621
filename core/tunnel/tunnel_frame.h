#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace coder::core::tunnel {

// One frame of the tunnel protocol (ARCHITECTURE.md §4): one WebSocket binary message,
// `type:u8 | stream:u32 (big-endian) | payload`. The encoder and the decoder of every end (CLI,
// agent, coderd's relay, desktop) are these.
enum class FrameType : quint8 {
    Open = 1,    // payload: the target, JSON ({"target":"tcp","port":N}, ...)
    OpenOk = 2,  // empty
    OpenErr = 3, // payload: why, JSON {"message": ...}
    Data = 4,    // payload: stream bytes, within the credit the peer granted
    Window = 5,  // payload: u32 more credit
    Close = 6,   // empty: the sender will send no more DATA (half-close)
    Reset = 7,   // payload: the reason, UTF-8; the stream is gone both ways
};

constexpr qsizetype kFrameHeaderBytes = 5;
// A DATA frame carries at most this: big enough for bulk transfer, small enough that one
// stream's frame does not hold up the others' on the shared WebSocket for long.
constexpr qsizetype kMaxDataPayload = 256 * 1024;
// OPEN, OPEN_ERR and RESET payloads (JSON or text) are small.
constexpr qsizetype kMaxControlPayload = 4 * 1024;
// Room left free in front of frames made by frameWithRoom() and of received ones, for a
// transport's own header (a WebSocket frame header is at most 14 bytes): prepending it then
// copies nothing.
constexpr qsizetype kTransportHeadroom = 14;
// What a payload needs free in front of it to become a frame on the wire in place.
constexpr qsizetype kFrameRoom = kTransportHeadroom + kFrameHeaderBytes;
// The credit each side starts with for each stream, in both directions. It bounds the bytes in
// flight between a stream's two ends, across the relay and three processes' scheduling, and so
// what the relay may hold for a slow reader: 1 MiB left bulk transfers waiting for WINDOW
// frames (about 600 MB/s here); 4 MiB did not, but let coderd grow past 8 MiB for one echo
// stream read slowly (test_agent_tunnel). 2 MiB is OpenSSH's channel window too.
constexpr quint32 kInitialWindow = 2 * 1024 * 1024;

struct Frame
{
    FrameType type = FrameType::Data;
    quint32 stream = 0;
    QByteArray payload;
};

// What a relay needs of a frame without copying its payload.
struct FrameHeader
{
    FrameType type = FrameType::Data;
    quint32 stream = 0;
    qsizetype payloadSize = 0;
    quint32 credit = 0; // WINDOW: the credit granted
};

QByteArray encodeFrame(FrameType type, quint32 stream, QByteArrayView payload = {});
// A frame with its header written and room for payloadSize bytes after it, for a sender that
// copies the payload in place (DATA from a stream's queue: one copy, not two).
QByteArray frameWithRoom(FrameType type, quint32 stream, qsizetype payloadSize);
// A DATA frame made of the payload itself: its header is prepended, which copies nothing when
// the payload was read with frameRoom() free bytes in front of it (TcpChannel's reads are).
QByteArray dataFrameAround(quint32 stream, QByteArray payload);
QByteArray encodeWindow(quint32 stream, quint32 credit);
// OPEN_ERR with {"message": ...}; the message is cut to 500 characters, which stay under the
// control-payload limit however JSON escapes them.
QByteArray encodeOpenErr(quint32 stream, const QString &message);

// Decodes one message. An error says what was wrong (it becomes the reason the connection is
// closed with): too short for a header, an unknown type, stream id 0 (reserved), a payload over its
// type's limit, or a payload of the wrong shape (WINDOW without its 4 bytes or with zero credit,
// OPEN_OK or CLOSE with a payload).
Result<Frame, QString> decodeFrame(QByteArrayView message);
// The same checks as decodeFrame, leaving the payload where it is.
Result<FrameHeader, QString> decodeHeader(QByteArrayView message);
// Rewrites the stream id of an encoded frame (the relay maps ids between its two tunnels).
void setFrameStream(QByteArray &frame, quint32 stream);

// The credit a decoded WINDOW frame grants.
quint32 windowCredit(const Frame &frame);
// The message of a decoded OPEN_ERR frame (a generic one when it carries none).
QString openErrMessage(const Frame &frame);

} // namespace coder::core::tunnel
