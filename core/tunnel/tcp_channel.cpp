#include "tcp_channel.h"

#include "tunnel_frame.h"

#include <QSocketNotifier>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace coder::core::tunnel {

namespace {

constexpr qint64 kChunk = kMaxDataPayload; // one read fills one DATA frame

} // namespace

TcpChannel::TcpChannel(int descriptor, QObject *parent) : QObject(parent), m_fd(descriptor)
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    // A forward re-segments what it carries: Nagle's algorithm here would hold back the second
    // small write of a request the application sent at once (it set TCP_NODELAY itself, or
    // wrote it whole), until the first is acknowledged. Go, and so Coder, turns it off too.
    const int noDelay = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &TcpChannel::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpChannel::onWritable);
}

TcpChannel::~TcpChannel()
{
    closeDescriptor();
}

QByteArray TcpChannel::read(qint64 maxSize)
{
    const QByteArray bytes = m_in.take(std::min(maxSize, m_in.size()));
    // Room again: read the descriptor as soon as it has more.
    if (m_fd >= 0 && !m_peerFinished && m_in.size() < kChunk)
        m_readNotifier->setEnabled(true);
    return bytes;
}

void TcpChannel::write(const QByteArray &bytes)
{
    if (m_fd < 0 || m_wantCloseWrite || bytes.isEmpty())
        return;
    m_out.append(bytes);
    flushWrites();
}

void TcpChannel::closeWrite()
{
    if (m_wantCloseWrite)
        return;
    m_wantCloseWrite = true;
    flushWrites();
}

void TcpChannel::onReadable()
{
    if (m_fd < 0)
        return;
    const qint64 room = kChunk - m_in.size();
    if (room <= 0)
        return;
    // Read into one scratch buffer and keep it when the read filled a quarter of it or more,
    // else an exact-size copy: a big buffer truncated to what a read brought keeps its capacity,
    // and a peer sending a byte at a time would make each one cost a whole chunk. The scratch
    // buffer has a frame's room in front, so a big read goes into the tunnel as a frame without
    // a copy.
    if (m_scratch.size() != kFrameRoom + room)
        m_scratch = QByteArray(kFrameRoom + room, Qt::Uninitialized);
    const ssize_t got = ::read(m_fd, m_scratch.data() + kFrameRoom, size_t(room));
    if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fail(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    if (got == 0) {
        m_peerFinished = true;
        m_readNotifier->setEnabled(false);
        Q_EMIT readFinished();
        return;
    }
    if (got >= room / 4) {
        QByteArray kept = std::exchange(m_scratch, {});
        kept.truncate(kFrameRoom + qsizetype(got));
        kept.remove(0, kFrameRoom); // moves the start: the room stays in front
        m_in.append(std::move(kept));
    } else {
        m_in.append(QByteArray(m_scratch.constData() + kFrameRoom, qsizetype(got)));
    }
    if (m_in.size() >= kChunk)
        m_readNotifier->setEnabled(false); // until read() makes room
    Q_EMIT readyRead();
}

void TcpChannel::onWritable()
{
    const qint64 before = m_out.size();
    flushWrites();
    // Only here, never from inside write(): a slot that writes again on bytesWritten would
    // otherwise recurse as long as the kernel takes everything.
    if (m_fd >= 0 && m_out.size() < before)
        Q_EMIT bytesWritten(before - m_out.size());
}

void TcpChannel::flushWrites()
{
    if (m_fd < 0)
        return;
    while (!m_out.isEmpty()) {
        const QByteArrayView piece = m_out.front();
        const ssize_t sent = ::send(m_fd, piece.data(), size_t(piece.size()), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                break; // the rest goes when the socket has room
            fail(QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
        m_out.drop(sent);
        if (sent < piece.size())
            break;
    }
    m_writeNotifier->setEnabled(!m_out.isEmpty());
    if (m_out.isEmpty() && m_wantCloseWrite && !m_writeClosed) {
        m_writeClosed = true;
        ::shutdown(m_fd, SHUT_WR);
    }
}

void TcpChannel::fail(const QString &error)
{
    if (m_fd < 0)
        return;
    closeDescriptor();
    Q_EMIT failed(error);
}

void TcpChannel::closeDescriptor()
{
    if (m_fd < 0)
        return;
    // Disabled before the descriptor goes, deleted later: this may run inside their signal.
    for (QSocketNotifier *notifier : {m_readNotifier, m_writeNotifier}) {
        notifier->setEnabled(false);
        notifier->deleteLater();
    }
    m_readNotifier = m_writeNotifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
}

} // namespace coder::core::tunnel

#include "moc_tcp_channel.cpp"
