#pragma once

#include <QByteArray>
#include <QString>
#include <optional>
#include <variant>

namespace coder::core::websocket {

// RFC 6455 framing (section 5) for the tunnel's WebSocket (and any other of ours), with nothing of
// the handshake or the socket: the header's encoder and decoder and the mask. Written here rather
// than taken from QtWebSockets or wslay because both mask byte by byte through a modulo, which was
// 30% of coderd's CPU in the tunnel benchmark; this mask goes eight bytes at a time.
enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

constexpr qsizetype kMaxHeaderBytes = 14;
// Control frames (close, ping, pong) carry at most this (RFC 6455 5.5).
constexpr qsizetype kMaxControlPayload = 125;

enum CloseCode : quint16 {
    CloseNormal = 1000,
    CloseGoingAway = 1001,
    CloseProtocolError = 1002,
    CloseUnsupportedData = 1003,
    CloseNoStatus = 1005,
    CloseTooBig = 1009,
};

struct FrameHeader
{
    bool fin = true;
    Opcode opcode = Opcode::Binary;
    std::optional<quint32> maskKey; // set: the payload is masked with it
    quint64 payloadSize = 0;
    qsizetype headerSize = 0;

    bool isControl() const { return quint8(opcode) >= 0x8; }
};

// The header of one frame, FIN set, for a payload of payloadSize bytes.
QByteArray encodeHeader(Opcode opcode, quint64 payloadSize, std::optional<quint32> maskKey);

// XORs length bytes at data with the key, as if the payload began offset bytes earlier (a
// payload unmasked in pieces). Masking and unmasking are the same operation.
void applyMask(char *data, qsizetype length, quint32 maskKey, quint64 offset = 0);

struct NeedMore
{
};
struct Violation
{
    CloseCode code;
    QString reason;
};
// Decodes the header at the start of data. NeedMore when data ends before the header does;
// Violation (with the close code that answers it) for reserved bits, unknown opcodes, a
// fragmented or oversized control frame, a payload length over maxPayload or not in its
// shortest form's range, and a mask where the side forbids it or none where it demands one
// (a server must see every client frame masked, a client none).
std::variant<FrameHeader, NeedMore, Violation> decodeHeader(const char *data, qsizetype size,
                                                            bool expectMasked, quint64 maxPayload);

// A close frame's payload: the code, big-endian, then the UTF-8 reason cut to fit 125 bytes.
QByteArray closePayload(quint16 code, const QString &reason);
// The reason inside a received close frame's payload (empty when it has none).
QString closeReason(const QByteArray &payload);

} // namespace coder::core::websocket
