#include "socket_outbox.h"

#include <QSslSocket>
#include <algorithm>

namespace coder::server {

SocketOutbox::SocketOutbox(QTcpSocket *socket, qint64 sliceBytes)
    : m_socket(socket), m_tls(qobject_cast<QSslSocket *>(socket) != nullptr),
      m_sliceBytes(std::max<qint64>(sliceBytes, 1))
{}

void SocketOutbox::send(QByteArray bytes)
{
    if (bytes.isEmpty())
        return;
    m_queuedBytes += bytes.size();
    m_queue.push_back(std::move(bytes));
    feed();
}

void SocketOutbox::feed()
{
    if (m_flushing)
        return;
    while (m_socket && !m_queue.empty() && bufferedInSocket() < m_sliceBytes) {
        const QByteArray &front = m_queue.front();
        const qint64 rest = front.size() - m_frontOffset;
        qint64 handed = 0;
        if (m_frontOffset == 0 && rest <= m_sliceBytes) {
            handed = m_socket->write(front); // shared, not copied
        } else {
            handed =
                m_socket->write(front.constData() + m_frontOffset, std::min(rest, m_sliceBytes));
        }
        if (handed <= 0) {
            // The socket is closed or failed: nothing queued can go out any more.
            m_queue.clear();
            m_frontOffset = 0;
            m_queuedBytes = 0;
            return;
        }
        m_queuedBytes -= handed;
        m_frontOffset += handed;
        if (m_frontOffset == front.size()) {
            m_queue.pop_front();
            m_frontOffset = 0;
        }
    }
}

void SocketOutbox::flush()
{
    if (!m_socket)
        return;
    m_flushing = true;
    m_socket->flush();
    m_flushing = false;
    feed();
}

void SocketOutbox::handOver()
{
    for (; !m_queue.empty(); m_queue.pop_front()) {
        const QByteArray &front = m_queue.front();
        if (m_socket)
            m_socket->write(front.constData() + m_frontOffset, front.size() - m_frontOffset);
        m_frontOffset = 0;
    }
    m_queuedBytes = 0;
    m_socket = nullptr;
}

qint64 SocketOutbox::bufferedInSocket() const
{
    if (!m_socket)
        return 0;
    qint64 bytes = m_socket->bytesToWrite();
    if (m_tls)
        bytes += static_cast<const QSslSocket *>(m_socket.data())->encryptedBytesToWrite();
    return bytes;
}

qint64 SocketOutbox::unsentBytes() const
{
    return m_queuedBytes + bufferedInSocket();
}

} // namespace coder::server
