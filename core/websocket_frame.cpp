#include "websocket_frame.h"

#include <QtEndian>
#include <cstring>

namespace coder::core::websocket {

QByteArray encodeHeader(Opcode opcode, quint64 payloadSize, std::optional<quint32> maskKey)
{
    char header[kMaxHeaderBytes];
    qsizetype size = 2;
    header[0] = char(0x80 | quint8(opcode));
    const char maskBit = maskKey ? char(0x80) : char(0);
    if (payloadSize < 126) {
        header[1] = char(maskBit | char(payloadSize));
    } else if (payloadSize <= 0xFFFF) {
        header[1] = char(maskBit | 126);
        qToBigEndian(quint16(payloadSize), header + 2);
        size = 4;
    } else {
        header[1] = char(maskBit | 127);
        qToBigEndian(payloadSize, header + 2);
        size = 10;
    }
    if (maskKey) {
        qToBigEndian(*maskKey, header + size);
        size += 4;
    }
    return QByteArray(header, size);
}

namespace {

// Masking is a pass over every byte a tunnel carries, a visible share of a relay's CPU, so it
// runs 32 bytes at a time with GCC's vector extension: AVX2 where the CPU has it (chosen at load
// time), two SSE2 operations otherwise. Returns how many bytes it masked (a multiple of 32).
using MaskBlock = quint64 __attribute__((vector_size(32)));

__attribute__((target_clones("avx2", "default"))) qsizetype maskBlocks(char *data, qsizetype length,
                                                                       quint64 word)
{
    const MaskBlock key = {word, word, word, word};
    qsizetype i = 0;
    for (; i + qsizetype(sizeof(MaskBlock)) <= length; i += qsizetype(sizeof(MaskBlock))) {
        MaskBlock block;
        std::memcpy(&block, data + i, sizeof block);
        block ^= key;
        std::memcpy(data + i, &block, sizeof block);
    }
    return i;
}

} // namespace

void applyMask(char *data, qsizetype length, quint32 maskKey, quint64 offset)
{
    uchar key[4];
    qToBigEndian(maskKey, key);
    // The key rotated so that data[0] meets the byte the offset says, repeated over a word.
    uchar rotated[8];
    for (int i = 0; i < 8; ++i)
        rotated[i] = key[(offset + quint64(i)) % 4];
    quint64 word;
    std::memcpy(&word, rotated, sizeof word);
    // 32 is a multiple of the key's 4 bytes: every block starts where the rotated key does.
    qsizetype i = maskBlocks(data, length, word);
    for (; i + 8 <= length; i += 8) {
        quint64 chunk;
        std::memcpy(&chunk, data + i, sizeof chunk);
        chunk ^= word;
        std::memcpy(data + i, &chunk, sizeof chunk);
    }
    for (; i < length; ++i)
        data[i] = char(uchar(data[i]) ^ rotated[i % 8]);
}

std::variant<FrameHeader, NeedMore, Violation> decodeHeader(const char *data, qsizetype size,
                                                            bool expectMasked, quint64 maxPayload)
{
    if (size < 2)
        return NeedMore{};
    const auto *bytes = reinterpret_cast<const uchar *>(data);
    FrameHeader header;
    header.fin = (bytes[0] & 0x80) != 0;
    if ((bytes[0] & 0x70) != 0)
        return Violation{CloseProtocolError, QStringLiteral("reserved bits set in a frame")};
    const quint8 opcode = bytes[0] & 0x0F;
    switch (opcode) {
    case 0x0:
    case 0x1:
    case 0x2:
    case 0x8:
    case 0x9:
    case 0xA:
        header.opcode = Opcode(opcode);
        break;
    default:
        return Violation{CloseProtocolError,
                         QStringLiteral("unknown WebSocket opcode %1").arg(opcode)};
    }
    const bool masked = (bytes[1] & 0x80) != 0;
    if (masked != expectMasked)
        return Violation{CloseProtocolError, expectMasked
                                                 ? QStringLiteral("an unmasked client frame")
                                                 : QStringLiteral("a masked server frame")};
    quint64 length = bytes[1] & 0x7F;
    qsizetype offset = 2;
    if (length == 126) {
        if (size < 4)
            return NeedMore{};
        length = qFromBigEndian<quint16>(data + 2);
        offset = 4;
        if (length < 126)
            return Violation{CloseProtocolError, QStringLiteral("a frame length not minimal")};
    } else if (length == 127) {
        if (size < 10)
            return NeedMore{};
        length = qFromBigEndian<quint64>(data + 2);
        offset = 10;
        if (length <= 0xFFFF || (length >> 63) != 0)
            return Violation{CloseProtocolError, QStringLiteral("a frame length not minimal")};
    }
    if (header.isControl() && (!header.fin || length > quint64(kMaxControlPayload)))
        return Violation{CloseProtocolError,
                         QStringLiteral("a fragmented or oversized control frame")};
    if (length > maxPayload)
        return Violation{CloseTooBig, QStringLiteral("a frame of %1 bytes, over the limit of %2")
                                          .arg(length)
                                          .arg(maxPayload)};
    if (masked) {
        if (size < offset + 4)
            return NeedMore{};
        header.maskKey = qFromBigEndian<quint32>(data + offset);
        offset += 4;
    }
    header.payloadSize = length;
    header.headerSize = offset;
    return header;
}

QByteArray closePayload(quint16 code, const QString &reason)
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    QByteArray text = reason.toUtf8();
    if (text.size() > kMaxControlPayload - 2) {
        // Cut on a character boundary: never inside a UTF-8 sequence.
        qsizetype cut = kMaxControlPayload - 2;
        while (cut > 0 && (uchar(text[cut]) & 0xC0) == 0x80)
            --cut;
        text.truncate(cut);
    }
    return payload + text;
}

QString closeReason(const QByteArray &payload)
{
    return payload.size() > 2 ? QString::fromUtf8(payload.constData() + 2, payload.size() - 2)
                              : QString();
}

} // namespace coder::core::websocket
