#pragma once

#include "tunnel_stream.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

namespace coder::core::tunnel {

class TunnelTransport;

// One end of a tunnel: multiplexes TunnelStreams over a transport (ARCHITECTURE.md §4). The
// dialer (a client; the agent's side of coderd's relay) opens streams with odd ids, the
// listener (the agent) answers them. A frame that breaks the protocol for one stream resets
// that stream; one that cannot be read at all closes the tunnel with the reason. Lives on one
// thread, its streams with it.
class TunnelSession : public QObject
{
    Q_OBJECT
public:
    enum class Side { Dialer, Listener };
    static constexpr int kMaxStreams = 4096;

    // Takes ownership of transport.
    TunnelSession(TunnelTransport *transport, Side side, QObject *parent = nullptr);
    ~TunnelSession() override;

    // Asks the peer for a stream to target (an OPEN payload: see tunnel_target.h). Writes may
    // start at once, within the initial window; the stream emits opened() or failed(). Null
    // when the tunnel is closed or has kMaxStreams streams, or target is over 4 KiB.
    TunnelStream *open(const QByteArray &target);
    int streamCount() const { return int(m_streams.size()); }
    bool isClosed() const { return m_closed; }
    // Closes the tunnel; every stream fails with the reason.
    void close(const QString &reason);

Q_SIGNALS:
    // The peer asks for a stream to target: answer with stream->accept() or refuse(), now or
    // later.
    void streamRequested(coder::core::tunnel::TunnelStream *stream, const QByteArray &target);
    void closed(const QString &reason);

private:
    friend class TunnelStream;
    void send(QByteArray frame);
    void streamFinished(TunnelStream *stream);
    void onFrame(QByteArray &message);
    void onTransportClosed(const QString &reason);
    void protocolError(const QString &reason);
    void end(bool protocolError, const QString &reason);

    TunnelTransport *m_transport;
    const Side m_side;
    QHash<quint32, TunnelStream *> m_streams;
    quint32 m_nextId;
    bool m_closed = false;
};

} // namespace coder::core::tunnel
