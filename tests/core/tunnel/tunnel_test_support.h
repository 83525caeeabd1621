#pragma once

// What the tunnel's tests share: a pair of in-process transports, and a reader that waits for
// a stream's bytes in an event loop (QTest::qWaitFor sleeps 10 ms between rounds, which with
// both ends on one thread throttles a transfer to the test's polling).

#include "core/tunnel/tunnel_stream.h"
#include "core/tunnel/tunnel_transport.h"

#include <QEventLoop>
#include <QMetaObject>
#include <QPointer>
#include <QTimer>

namespace coder::core::tunnel::test {

// What one sends, the other receives on the next event-loop turn, in order. A fake of the wire
// only (the WebSocket transport is tested for real in test_tunnel_websocket); it lets a test
// also send raw, hand-made frames as a hostile peer would.
class LoopbackTransport : public TunnelTransport
{
    Q_OBJECT
public:
    static void pair(LoopbackTransport *a, LoopbackTransport *b)
    {
        a->m_peer = b;
        b->m_peer = a;
    }

    QList<QByteArray> sent; // every frame this end sent
    QString closeReason;
    bool closedAsProtocolError = false;

    void sendFrame(QByteArray frame) override
    {
        sent.append(frame);
        if (m_closed)
            return;
        QPointer<LoopbackTransport> peer = m_peer;
        QMetaObject::invokeMethod(
            this,
            [peer, frame] {
                QByteArray received = frame;
                if (peer && !peer->m_closed)
                    Q_EMIT peer->frameReceived(received);
            },
            Qt::QueuedConnection);
    }
    void close(bool protocolError, const QString &reason) override
    {
        if (m_closed)
            return;
        closedAsProtocolError = protocolError;
        closeReason = reason;
        m_closed = true;
        if (m_peer && !m_peer->m_closed) {
            m_peer->m_closed = true;
            Q_EMIT m_peer->closed(reason);
        }
    }
    // Delivers a frame to this end as if the peer had sent it.
    void inject(QByteArray frame) { Q_EMIT frameReceived(frame); }

private:
    QPointer<LoopbackTransport> m_peer;
    bool m_closed = false;
};

// What arrives on stream until size bytes did, the stream failed or went, or timeoutMs passed.
inline QByteArray readFully(const QPointer<TunnelStream> &stream, qint64 size,
                            int timeoutMs = 30000)
{
    QByteArray received;
    if (!stream)
        return received;
    QEventLoop loop;
    auto take = [&] {
        if (stream)
            received += stream->readAll();
        if (!stream || received.size() >= size || stream->state() == TunnelStream::State::Finished)
            loop.quit();
    };
    QObject::connect(stream.data(), &QIODevice::readyRead, &loop, take);
    QObject::connect(stream.data(), &TunnelStream::failed, &loop, take);
    QObject::connect(stream.data(), &QObject::destroyed, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    take();
    if (stream && received.size() < size && stream->state() != TunnelStream::State::Finished)
        loop.exec();
    if (stream)
        received += stream->readAll();
    return received;
}

} // namespace coder::core::tunnel::test
