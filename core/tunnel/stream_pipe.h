#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

namespace coder::core::tunnel {

class TcpChannel;
class TunnelStream;

// Joins a TCP connection and a tunnel stream (a port forward's two halves, on the client and in
// the agent): bytes go both ways as each side drains, never far ahead of it, so a slow reader on
// either end slows the writer instead of growing memory. A half-close crosses over (the
// socket's FIN becomes CLOSE, CLOSE becomes a FIN); a failure on one side ends the other (a
// reset connection resets the stream, a reset stream closes the connection).
class StreamPipe : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of channel; the stream stays its session's.
    StreamPipe(TcpChannel *channel, TunnelStream *stream, QObject *parent = nullptr);
    ~StreamPipe() override;

    qint64 bytesUp() const { return m_up; }     // connection to stream
    qint64 bytesDown() const { return m_down; } // stream to connection

Q_SIGNALS:
    // Both directions ended (or one failed): error is empty when both closed cleanly.
    void finished(const QString &error);

private:
    void pumpUp();
    void pumpDown();
    void checkDone();
    void fail(const QString &error);

    TcpChannel *m_channel;
    QPointer<TunnelStream> m_stream;
    qint64 m_up = 0;
    qint64 m_down = 0;
    bool m_upClosed = false;   // CLOSE asked for on the stream
    bool m_downClosed = false; // FIN asked for on the connection
    bool m_done = false;
};

} // namespace coder::core::tunnel
