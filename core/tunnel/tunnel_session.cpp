#include "tunnel_session.h"

#include "tunnel_frame.h"
#include "tunnel_transport.h"

namespace coder::core::tunnel {

TunnelSession::TunnelSession(TunnelTransport *transport, Side side, QObject *parent)
    : QObject(parent), m_transport(transport), m_side(side), m_nextId(side == Side::Dialer ? 1 : 2)
{
    transport->setParent(this);
    connect(transport, &TunnelTransport::frameReceived, this, &TunnelSession::onFrame);
    connect(transport, &TunnelTransport::closed, this, &TunnelSession::onTransportClosed);
}

TunnelSession::~TunnelSession()
{
    // The streams are children: they go with the session, failed first so that their users
    // hear of it.
    m_closed = true;
    const QList<TunnelStream *> streams = m_streams.values();
    m_streams.clear();
    for (TunnelStream *stream : streams)
        stream->fail(QStringLiteral("the tunnel was closed"));
}

TunnelStream *TunnelSession::open(const QByteArray &target)
{
    if (m_closed || m_streams.size() >= kMaxStreams || m_nextId > 0xfffffffdu ||
        target.size() > kMaxControlPayload)
        return nullptr;
    const quint32 id = m_nextId;
    m_nextId += 2;
    auto *stream = new TunnelStream(this, id, true);
    m_streams.insert(id, stream);
    send(encodeFrame(FrameType::Open, id, target));
    return stream;
}

void TunnelSession::close(const QString &reason)
{
    end(false, reason);
}

void TunnelSession::send(QByteArray frame)
{
    if (!m_closed)
        m_transport->sendFrame(std::move(frame));
}

void TunnelSession::streamFinished(TunnelStream *stream)
{
    if (m_streams.value(stream->id()) == stream)
        m_streams.remove(stream->id());
    stream->deleteLater();
}

void TunnelSession::protocolError(const QString &reason)
{
    end(true, reason);
}

void TunnelSession::end(bool protocolError, const QString &reason)
{
    if (m_closed)
        return;
    m_transport->close(protocolError, reason);
    onTransportClosed(reason); // in case the transport reports its close later, or never
}

void TunnelSession::onTransportClosed(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    const QList<TunnelStream *> streams = m_streams.values();
    m_streams.clear();
    for (TunnelStream *stream : streams)
        stream->fail(QStringLiteral("the tunnel closed: %1").arg(reason));
    Q_EMIT closed(reason);
}

void TunnelSession::onFrame(QByteArray &message)
{
    if (m_closed)
        return;
    if (auto header = decodeHeader(message); header && header->type == FrameType::Data) {
        // The bulk of the traffic: the payload is the message past its header, not a copy.
        if (TunnelStream *stream = m_streams.value(header->stream)) {
            QByteArray payload = std::move(message);
            payload.remove(0, kFrameHeaderBytes);
            stream->onData(std::move(payload));
            return;
        }
    }
    auto decoded = decodeFrame(message);
    if (!decoded) {
        protocolError(decoded.error());
        return;
    }
    const Frame &frame = *decoded;
    TunnelStream *stream = m_streams.value(frame.stream);

    if (frame.type == FrameType::Open) {
        // Ids of the peer's streams have the peer's parity; one in use cannot be opened again.
        const bool peersId = (frame.stream % 2 == 1) == (m_side == Side::Listener);
        if (!peersId || stream) {
            protocolError(QStringLiteral("OPEN for stream %1, which is not the peer's to open")
                              .arg(frame.stream));
            return;
        }
        if (m_streams.size() >= kMaxStreams) {
            send(encodeOpenErr(frame.stream, QStringLiteral("too many streams on this tunnel")));
            return;
        }
        stream = new TunnelStream(this, frame.stream, false);
        m_streams.insert(frame.stream, stream);
        Q_EMIT streamRequested(stream, frame.payload);
        return;
    }

    if (!stream) {
        // Frames for a stream that ended here are normal while the peer has not heard yet;
        // only data is answered, so that a peer that missed the end stops sending.
        if (frame.type == FrameType::Data || frame.type == FrameType::Close)
            send(encodeFrame(FrameType::Reset, frame.stream, "unknown stream"));
        return;
    }
    switch (frame.type) {
    case FrameType::OpenOk:
        stream->onOpenOk();
        break;
    case FrameType::OpenErr:
        stream->onOpenErr(openErrMessage(frame));
        break;
    case FrameType::Data: // taken above, without copying the payload
        break;
    case FrameType::Window:
        stream->onWindow(windowCredit(frame));
        break;
    case FrameType::Close:
        stream->onRemoteClose();
        break;
    case FrameType::Reset:
        stream->onReset(QString::fromUtf8(frame.payload));
        break;
    case FrameType::Open:
        break;
    }
}

} // namespace coder::core::tunnel

#include "moc_tunnel_session.cpp"
