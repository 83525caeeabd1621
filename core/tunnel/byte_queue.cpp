#include "byte_queue.h"

#include <algorithm>
#include <cstring>

namespace coder::core::tunnel {

void ByteQueue::append(QByteArray bytes)
{
    if (bytes.isEmpty())
        return;
    m_size += bytes.size();
    m_chunks.push_back(std::move(bytes));
}

qint64 ByteQueue::read(char *data, qint64 maxSize)
{
    qint64 copied = 0;
    while (copied < maxSize && !m_chunks.empty()) {
        const QByteArray &front = m_chunks.front();
        const qint64 n = std::min<qint64>(maxSize - copied, front.size() - m_offset);
        std::memcpy(data + copied, front.constData() + m_offset, size_t(n));
        copied += n;
        m_offset += n;
        if (m_offset == front.size()) {
            m_chunks.pop_front();
            m_offset = 0;
        }
    }
    m_size -= copied;
    return copied;
}

QByteArray ByteQueue::take(qint64 n)
{
    n = std::min(n, m_size);
    // The whole front chunk, untouched: shared rather than copied.
    if (m_offset == 0 && !m_chunks.empty() && m_chunks.front().size() == n) {
        QByteArray chunk = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_size -= n;
        return chunk;
    }
    QByteArray bytes(n, Qt::Uninitialized);
    read(bytes.data(), n);
    return bytes;
}

QByteArray ByteQueue::takeFront(qint64 maxSize)
{
    if (m_chunks.empty())
        return {};
    return take(std::min<qint64>(maxSize, m_chunks.front().size() - m_offset));
}

QByteArrayView ByteQueue::front() const
{
    if (m_chunks.empty())
        return {};
    return QByteArrayView(m_chunks.front()).sliced(m_offset);
}

void ByteQueue::drop(qint64 n)
{
    n = std::min(n, m_size);
    m_size -= n;
    while (n > 0) {
        const qint64 inFront = m_chunks.front().size() - m_offset;
        if (n < inFront) {
            m_offset += n;
            return;
        }
        n -= inFront;
        m_chunks.pop_front();
        m_offset = 0;
    }
}

void ByteQueue::clear()
{
    m_chunks.clear();
    m_offset = 0;
    m_size = 0;
}

} // namespace coder::core::tunnel
