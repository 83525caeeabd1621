#pragma once

#include "byte_queue.h"

#include <QObject>
#include <QString>

class QSocketNotifier;

namespace coder::core::tunnel {

// A connected TCP socket that can be half-closed in both directions, for port forwards.
// QTcpSocket cannot: when the peer's FIN arrives, Qt's socket engine closes the whole socket
// (QNativeSocketEngine::read closes on a read of 0), so a forward could not deliver the rest of
// an answer after a client finished sending its request (`nc -N`, HTTP/1.0 clients, rsync). This
// reads and writes the descriptor itself, with Qt's socket notifiers.
class TcpChannel : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of a connected TCP socket's descriptor (made non-blocking here).
    explicit TcpChannel(int descriptor, QObject *parent = nullptr);
    ~TcpChannel() override;

    // Up to maxSize bytes of what arrived. At most one chunk (64 KiB) is held: past that the
    // descriptor is not read, and TCP's window holds the sender back.
    QByteArray read(qint64 maxSize);
    qint64 bytesAvailable() const { return m_in.size(); }
    // The peer sent its FIN and everything before it was read here.
    bool atEnd() const { return m_peerFinished && m_in.isEmpty(); }

    void write(const QByteArray &bytes);
    qint64 bytesToWrite() const { return m_out.size(); }
    // Sends a FIN once what was written has gone; reading goes on.
    void closeWrite();
    bool isOpen() const { return m_fd >= 0; }

Q_SIGNALS:
    void readyRead();
    void readFinished();               // the peer's FIN, after the bytes before it
    void bytesWritten(qint64 bytes);   // as the socket drains what write() could not send at once
    void failed(const QString &error); // reset, or another socket error; the channel is closed

private:
    void onReadable();
    void onWritable();
    void flushWrites();
    void fail(const QString &error);
    void closeDescriptor();

    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    ByteQueue m_in;
    ByteQueue m_out;
    QByteArray m_scratch;
    bool m_peerFinished = false;
    bool m_wantCloseWrite = false;
    bool m_writeClosed = false;
};

} // namespace coder::core::tunnel
