#include "relay_stream.h"

namespace coder::server {

using core::tunnel::FrameHeader;
using core::tunnel::FrameType;

std::optional<QString> RelayStream::fromPeer(const FrameHeader &frame)
{
    if (frame.type == FrameType::Data) {
        if (m_peerClosed)
            return QStringLiteral("DATA after CLOSE");
        if (quint64(frame.payloadSize) > m_peerCredit)
            return QStringLiteral("DATA past the flow-control window (%1 bytes, %2 allowed)")
                .arg(frame.payloadSize)
                .arg(m_peerCredit);
        m_peerCredit -= quint64(frame.payloadSize);
    } else if (frame.type == FrameType::Close) {
        if (m_peerClosed)
            return QStringLiteral("a second CLOSE");
        m_peerClosed = true;
    }
    return std::nullopt;
}

std::optional<QString> RelayStream::fromFar(const FrameHeader &frame)
{
    if (frame.type == FrameType::Window) {
        m_peerCredit += frame.credit;
        if (m_peerCredit > kMaxCredit)
            return QStringLiteral("flow-control credit past %1 bytes").arg(kMaxCredit);
    } else if (frame.type == FrameType::Close) {
        m_farClosed = true;
    }
    return std::nullopt;
}

bool RelayStream::endsWith(const FrameHeader &frame) const
{
    return frame.type == FrameType::Reset || frame.type == FrameType::OpenErr ||
           (m_peerClosed && m_farClosed);
}

} // namespace coder::server
