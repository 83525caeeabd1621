#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <QUuid>

namespace coder::core::tunnel {

// Where a stream goes: the payload of an OPEN frame, as JSON (ARCHITECTURE.md §4):
//   {"target":"tcp","port":N}   {"target":"udp","port":N}   {"target":"ssh"}
//   {"target":"pty","session":"<uuid>","cols":C,"rows":R}
// The client encodes it and the agent decodes it with this one type.
struct StreamTarget
{
    enum class Kind { Tcp, Udp, Ssh, Pty };

    Kind kind = Kind::Tcp;
    quint16 port = 0; // tcp, udp: 1-65535
    QUuid session;    // pty: the reconnecting session to attach to
    int cols = 80;    // pty: 1-1000
    int rows = 24;    // pty: 1-1000

    static StreamTarget tcp(quint16 port) { return {Kind::Tcp, port, {}, 80, 24}; }
    static StreamTarget udp(quint16 port) { return {Kind::Udp, port, {}, 80, 24}; }

    // "tcp", "udp", "ssh", "pty": the name on the wire.
    static QString kindName(Kind kind);

    QByteArray toJson() const;
    // A payload that is not JSON, names no known target or carries values out of range is
    // refused with the reason (the agent answers it with OPEN_ERR).
    static Result<StreamTarget, QString> fromJson(const QByteArray &json);
    // "tcp:8080", "ssh", "pty:<uuid>": for messages and logs.
    QString describe() const;
};

} // namespace coder::core::tunnel
