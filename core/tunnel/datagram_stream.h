#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <functional>

namespace coder::core::tunnel {

class TunnelStream;

// UDP over a tunnel stream (ARCHITECTURE.md §4, Coder's way): each datagram travels as a
// 2-byte big-endian length and its bytes; the stream's lifetime is the flow's. Both ends use it:
// the client's forward for one peer address, the agent for one socket to the workspace's port.
// A datagram that finds the stream a window behind is dropped, as a full network would: UDP
// senders expect loss, not delay.
class DatagramStream : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxDatagram = 65507;

    // deliver: a datagram that came through the stream. Does not take the stream (its session
    // owns it).
    DatagramStream(TunnelStream *stream, std::function<void(const QByteArray &)> deliver,
                   QObject *parent = nullptr);
    ~DatagramStream() override;

    // False when it was dropped (too large, the stream is gone or a window behind).
    bool send(const QByteArray &datagram);
    // Ends the flow (CLOSE both ways).
    void close();
    qint64 bytesSent() const { return m_sent; } // payload bytes, without the lengths
    qint64 bytesReceived() const { return m_received; }

Q_SIGNALS:
    void finished(const QString &error);

private:
    void onReadyRead();

    QPointer<TunnelStream> m_stream;
    std::function<void(const QByteArray &)> m_deliver;
    QByteArray m_partial;
    qint64 m_sent = 0;
    qint64 m_received = 0;
    bool m_done = false;
};

} // namespace coder::core::tunnel
