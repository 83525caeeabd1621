// libFuzzer target: what a hostile peer can send before and around the tunnel's frames, on the
// WebSocket layer (core/websocket_frame.h, core/websocket_handshake.h). The first input byte
// picks the side: even, the client reading a server's answer to its handshake, in chunks whose
// sizes the next bytes give; odd, a reader of RFC 6455 frames (as WebSocketTransport reads them,
// a server expecting masks when bit 1 is set) that unmasks every payload it accepts. Nothing may
// crash, read out of bounds or accept a frame over the limit.
#include "core/websocket_frame.h"
#include "core/websocket_handshake.h"

#include <QByteArray>
#include <cstdint>
#include <cstdlib>

using namespace coder::core::websocket;

namespace {

constexpr quint64 kMaxPayload = 70000;

void readAnswer(const uint8_t *data, size_t size)
{
    ResponseReader reader(newKey());
    size_t at = 0;
    while (at < size) {
        const size_t chunk = std::min<size_t>(1 + data[at] % 64, size - at);
        qsizetype consumed = 0;
        const auto state =
            reader.feed(reinterpret_cast<const char *>(data + at), qsizetype(chunk), &consumed);
        if (consumed < 0 || size_t(consumed) > chunk)
            abort();
        at += chunk;
        if (state != ResponseReader::State::NeedMore)
            return;
    }
    if (reader.finish() == ResponseReader::State::Refused)
        (void)reader.refusal();
}

void readFrames(const uint8_t *data, size_t size, bool expectMasked)
{
    QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    qsizetype at = 0;
    while (at < in.size()) {
        const auto decoded =
            decodeHeader(in.constData() + at, in.size() - at, expectMasked, kMaxPayload);
        if (!std::holds_alternative<FrameHeader>(decoded))
            return; // needs more, or refused: the transport closes
        const FrameHeader &header = std::get<FrameHeader>(decoded);
        if (header.payloadSize > kMaxPayload || header.headerSize < 2 ||
            header.headerSize > kMaxHeaderBytes || header.maskKey.has_value() != expectMasked)
            abort();
        if (header.isControl() && header.payloadSize > quint64(kMaxControlPayload))
            abort();
        if (quint64(in.size() - at - header.headerSize) < header.payloadSize)
            return;
        QByteArray payload = in.mid(at + header.headerSize, qsizetype(header.payloadSize));
        if (header.maskKey)
            applyMask(payload.data(), payload.size(), *header.maskKey, header.payloadSize % 7);
        if (header.opcode == Opcode::Close)
            (void)closeReason(payload);
        at += header.headerSize + qsizetype(header.payloadSize);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] % 2 == 0)
        readAnswer(data + 1, size - 1);
    else
        readFrames(data + 1, size - 1, (data[0] & 2) != 0);
    return 0;
}
