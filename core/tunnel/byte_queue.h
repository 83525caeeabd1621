#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <deque>

namespace coder::core::tunnel {

// A FIFO of bytes kept as the chunks they arrived in: appending shares the chunk, taking from
// the front copies only what is taken, and nothing is ever moved up (QByteArray::remove(0, n)
// on a buffer of megabytes moves the rest each time). Qt's QRingBuffer does this but is
// private API.
class ByteQueue
{
public:
    void append(QByteArray bytes);
    qint64 size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    // Copies up to maxSize bytes from the front into data and drops them; returns how many.
    qint64 read(char *data, qint64 maxSize);
    // The first n bytes (n <= size()), dropped from the queue.
    QByteArray take(qint64 n);
    // Up to maxSize bytes of the front chunk, dropped from the queue: the chunk itself, shared,
    // when it goes whole.
    QByteArray takeFront(qint64 maxSize);
    // The bytes at the front that lie in one piece (empty when the queue is), to be written
    // from where they are; drop() then what was written.
    QByteArrayView front() const;
    void drop(qint64 n);
    void clear();

private:
    std::deque<QByteArray> m_chunks;
    qsizetype m_offset = 0; // into m_chunks.front()
    qint64 m_size = 0;
};

} // namespace coder::core::tunnel
