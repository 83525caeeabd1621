#include "tunnel_stream.h"

#include "tunnel_frame.h"
#include "tunnel_session.h"

#include <QMetaObject>
#include <algorithm>

namespace coder::core::tunnel {

namespace {
constexpr qint64 kOwnFrameBytes = 16 * 1024;
} // namespace

TunnelStream::TunnelStream(TunnelSession *session, quint32 id, bool dialed)
    : QIODevice(session), m_session(session), m_id(id), m_state(State::Opening), m_accepted(dialed),
      m_receiveWindow(kInitialWindow), m_sendCredit(kInitialWindow)
{
    QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void TunnelStream::accept()
{
    if (m_accepted || m_state != State::Opening || !m_session)
        return;
    m_accepted = true;
    m_state = State::Open;
    m_session->send(encodeFrame(FrameType::OpenOk, m_id));
    Q_EMIT opened();
    schedulePump();
}

void TunnelStream::refuse(const QString &message)
{
    if (m_accepted || m_state != State::Opening || !m_session)
        return;
    m_session->send(encodeOpenErr(m_id, message));
    fail(message);
}

void TunnelStream::closeWrite()
{
    if (m_wantClose || m_state == State::Finished)
        return;
    m_wantClose = true;
    schedulePump();
}

void TunnelStream::abort(const QString &reason)
{
    if (m_state == State::Finished)
        return;
    if (m_session)
        m_session->send(encodeFrame(FrameType::Reset, m_id, reason.left(1000).toUtf8()));
    fail(reason);
}

void TunnelStream::close()
{
    if (m_state != State::Finished)
        abort(QStringLiteral("closed"));
    QIODevice::close();
}

qint64 TunnelStream::bytesAvailable() const
{
    return m_readable.size() + QIODevice::bytesAvailable();
}

qint64 TunnelStream::bytesToWrite() const
{
    return m_pending.size();
}

bool TunnelStream::atEnd() const
{
    return m_readable.isEmpty() && (m_remoteClosed || m_state == State::Finished);
}

qint64 TunnelStream::readData(char *data, qint64 maxSize)
{
    const qint64 copied = m_readable.read(data, maxSize);
    consumed(copied);
    if (copied == 0 && atEnd())
        return -1;
    maybeFinish();
    return copied;
}

QByteArray TunnelStream::readChunk(qint64 maxSize)
{
    QByteArray bytes = m_readable.takeFront(maxSize);
    consumed(bytes.size());
    maybeFinish();
    return bytes;
}

void TunnelStream::consumed(qint64 bytes)
{
    m_consumedSinceGrant += bytes;
    // Credit goes back in half-window steps: few WINDOW frames, and the sender never waits
    // for one while half a window is still in flight.
    if (m_consumedSinceGrant >= kInitialWindow / 2 && !m_remoteClosed &&
        m_state != State::Finished && m_session) {
        m_session->send(encodeWindow(m_id, quint32(m_consumedSinceGrant)));
        m_receiveWindow += m_consumedSinceGrant;
        m_consumedSinceGrant = 0;
    }
}

qint64 TunnelStream::writeData(const char *data, qint64 size)
{
    if (m_state == State::Finished || m_wantClose)
        return -1;
    m_pending.append(QByteArray(data, size));
    schedulePump();
    return size;
}

void TunnelStream::writeChunk(QByteArray bytes)
{
    if (m_state == State::Finished || m_wantClose || bytes.isEmpty())
        return;
    m_pending.append(std::move(bytes));
    schedulePump();
}

void TunnelStream::schedulePump()
{
    if (m_pumpScheduled)
        return;
    m_pumpScheduled = true;
    // Writes made in one turn of the event loop leave together, in as few frames as fit.
    QMetaObject::invokeMethod(this, &TunnelStream::pump, Qt::QueuedConnection);
}

void TunnelStream::pump()
{
    m_pumpScheduled = false;
    if (m_state == State::Finished || !m_accepted || !m_session)
        return;
    qint64 sent = 0;
    while (!m_pending.isEmpty() && m_sendCredit > 0) {
        qint64 n = std::min<qint64>({m_sendCredit, kMaxDataPayload, m_pending.size()});
        // A big chunk goes as a frame of its own, uncopied; small ones are gathered into one.
        const qint64 front = m_pending.front().size();
        if (front >= kOwnFrameBytes && front < n)
            n = front;
        QByteArray frame;
        if (front == n) {
            frame = dataFrameAround(m_id, m_pending.take(n)); // a whole chunk: shared
        } else {
            frame = frameWithRoom(FrameType::Data, m_id, qsizetype(n));
            m_pending.read(frame.data() + kFrameHeaderBytes, n);
        }
        m_session->send(std::move(frame));
        m_sendCredit -= n;
        sent += n;
    }
    if (m_wantClose && !m_closeSent && m_pending.isEmpty()) {
        m_closeSent = true;
        m_session->send(encodeFrame(FrameType::Close, m_id));
    }
    if (sent > 0)
        Q_EMIT bytesWritten(sent);
    maybeFinish();
}

void TunnelStream::onOpenOk()
{
    if (m_state != State::Opening)
        return;
    m_state = State::Open;
    Q_EMIT opened();
}

void TunnelStream::onOpenErr(const QString &message)
{
    fail(message);
}

void TunnelStream::onData(QByteArray payload)
{
    if (m_remoteClosed) {
        abort(QStringLiteral("data after the peer's close"));
        return;
    }
    if (payload.size() > m_receiveWindow) {
        abort(QStringLiteral("data past the flow-control window"));
        return;
    }
    if (payload.isEmpty())
        return;
    m_receiveWindow -= payload.size();
    m_readable.append(std::move(payload));
    Q_EMIT readyRead();
}

void TunnelStream::onWindow(quint32 credit)
{
    // An honest peer grants back only what it read of what was sent: the credit never
    // exceeds the initial window.
    if (m_sendCredit + credit > kInitialWindow) {
        abort(QStringLiteral("credit past the flow-control window"));
        return;
    }
    m_sendCredit += credit;
    if (!m_pending.isEmpty())
        schedulePump();
}

void TunnelStream::onRemoteClose()
{
    if (m_remoteClosed)
        return;
    m_remoteClosed = true;
    Q_EMIT readChannelFinished();
    maybeFinish();
}

void TunnelStream::onReset(const QString &reason)
{
    fail(reason.isEmpty() ? QStringLiteral("reset by the peer") : reason);
}

void TunnelStream::fail(const QString &reason)
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    m_failure = reason;
    m_pending.clear();
    Q_EMIT failed(reason);
    if (!m_readable.isEmpty())
        Q_EMIT readyRead(); // what arrived before the failure can still be read
    Q_EMIT finished();
    if (m_session)
        m_session->streamFinished(this);
}

void TunnelStream::maybeFinish()
{
    if (m_state == State::Finished || !m_closeSent || !m_remoteClosed || !m_readable.isEmpty())
        return;
    m_state = State::Finished;
    Q_EMIT finished();
    if (m_session)
        m_session->streamFinished(this);
}

} // namespace coder::core::tunnel

#include "moc_tunnel_stream.cpp"
