#pragma once

#include "core/tunnel/tunnel_frame.h"

#include <QString>
#include <optional>

namespace coder::server {

// What one end of the relay knows of a stream to police its own peer (ARCHITECTURE.md §4): how
// much DATA the peer may still send, which is the credit the far side granted, so the relay
// never holds more of a stream than its window; and which directions have closed.
class RelayStream
{
public:
    // More credit than this outstanding is refused: the ends here grant at most a window, and
    // a far side granting without bound would make the relay buffer for it.
    static constexpr quint64 kMaxCredit = 4 * quint64(core::tunnel::kInitialWindow);

    // A frame of this stream from the peer: the reason it broke the protocol, if it did (DATA
    // past its credit or after its CLOSE, a second CLOSE).
    std::optional<QString> fromPeer(const core::tunnel::FrameHeader &frame);
    // A frame of this stream from the far side (its WINDOW is the peer's credit; too much of it
    // is a violation too).
    std::optional<QString> fromFar(const core::tunnel::FrameHeader &frame);
    // After frame passed: the stream is done (reset, refused, or closed both ways).
    bool endsWith(const core::tunnel::FrameHeader &frame) const;

private:
    quint64 m_peerCredit = core::tunnel::kInitialWindow;
    bool m_peerClosed = false;
    bool m_farClosed = false;
};

} // namespace coder::server
