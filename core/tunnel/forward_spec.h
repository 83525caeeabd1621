#pragma once

#include "core/result.h"
#include "stream_target.h"

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace coder::core::tunnel {

// One port forward asked for on the command line (or in the desktop's tray): listen here on
// this machine, reach that port in the workspace.
struct ForwardSpec
{
    StreamTarget::Kind protocol = StreamTarget::Kind::Tcp; // Tcp or Udp
    QHostAddress listenAddress{QHostAddress::LocalHost};
    quint16 listenPort = 0;
    quint16 remotePort = 0;

    // "tcp 127.0.0.1:8080 -> 80"
    QString describe() const;
};

// At most this many forwards at once: each is a listening socket.
constexpr int kMaxForwards = 1000;

// Parses the values of `coder port-forward`'s --tcp and --udp flags with Coder's syntax. Each
// value is a comma list of specs, each `[address:]local[-end][:remote[-end]]`: `8080`,
// `8080:80`, `127.0.0.1:8080:80`, `[::1]:8080:80`, `9090-9092`, `10000-10002:10010-10012`. The
// address defaults to 127.0.0.1 and the remote port to the local one. Refused with the reason:
// anything else, port 0 or past 65535, a range that ends before it starts, ranges of different
// lengths, the same local address and port twice, more than kMaxForwards.
Result<QList<ForwardSpec>, QString> parseForwardSpecs(const QStringList &tcp,
                                                      const QStringList &udp);

} // namespace coder::core::tunnel
