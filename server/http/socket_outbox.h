#pragma once

#include <QByteArray>
#include <QPointer>
#include <QTcpSocket>
#include <deque>

namespace coder::server {

// The bytes a connection has still to send, handed to its socket a slice at a time.
//
// Qt writes the front block of a socket's buffer with one system call, and a response body is
// one block: a 4.7 MB workspace list went to the kernel in one write that, on loopback, also ran
// the receiving side's TCP path, keeping the event loop (and every other connection on it) away
// for milliseconds. Here the socket is topped up while it holds less than a slice, a slice at
// most at a time, so one write moves at most a slice and the event loop turns between slices.
// Queued byte arrays are shared, not copied; a slice of a large one is copied into the socket's
// buffer as it is handed over.
class SocketOutbox
{
public:
    static constexpr qint64 kDefaultSliceBytes = 256 * 1024;

    explicit SocketOutbox(QTcpSocket *socket, qint64 sliceBytes = kDefaultSliceBytes);

    // Queues bytes after everything queued before, and tops the socket up.
    void send(QByteArray bytes);
    // Tops the socket's buffer up while it holds less than a slice; call it when the socket
    // reports bytes written.
    void feed();
    // Writes what the socket holds now as far as the kernel takes it, without handing it more
    // meanwhile (QAbstractSocket::flush would write everything fed to it from bytesWritten), then
    // tops it up for the event loop to write.
    void flush();

    // Puts everything still queued into the socket's own buffer at once and forgets the socket,
    // which goes to another owner (an accepted WebSocket upgrade).
    void handOver();

    // Bytes not handed to the socket yet.
    qint64 queuedBytes() const { return m_queuedBytes; }
    // Bytes not written to the kernel yet: queued here or in the socket's buffers (a QSslSocket
    // has two: the plaintext, and what it encrypted but did not write yet).
    qint64 unsentBytes() const;

private:
    qint64 bufferedInSocket() const;

    QPointer<QTcpSocket> m_socket;
    const bool m_tls;
    const qint64 m_sliceBytes;
    std::deque<QByteArray> m_queue;
    qsizetype m_frontOffset = 0; // bytes of m_queue.front() already handed over
    qint64 m_queuedBytes = 0;
    bool m_flushing = false;
};

} // namespace coder::server
