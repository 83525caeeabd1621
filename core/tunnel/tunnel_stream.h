#pragma once

#include "byte_queue.h"

#include <QByteArray>
#include <QIODevice>
#include <QPointer>
#include <QString>

namespace coder::core::tunnel {

class TunnelSession;

// One stream of a tunnel, as a QIODevice: what is written goes to the peer in DATA frames
// within the credit it granted; what the peer sends is read here, and credit is granted back
// as it is read, so neither end holds more than a window (256 KiB) of it. Made by its
// TunnelSession (open() or streamRequested), which deletes it later once finished() was
// emitted: hold it in a QPointer.
class TunnelStream : public QIODevice
{
    Q_OBJECT
public:
    enum class State {
        Opening,  // dialer: OPEN sent, no answer yet; listener: asked, not answered yet
        Open,     // both ways usable (each may have been half-closed)
        Finished, // done: both sides closed and everything read, or failed
    };

    quint32 id() const { return m_id; }
    State state() const { return m_state; }
    // Why the stream failed (OPEN_ERR's message, a RESET's reason, the tunnel closing); empty
    // while it has not.
    QString failure() const { return m_failure; }

    // Listener: answers the peer's OPEN. Data written before accept() waits for it.
    void accept();
    void refuse(const QString &message);
    // No more writes from this end: CLOSE goes out once what was written has been sent.
    void closeWrite();
    // Ends the stream both ways now (a RESET frame); the peer sees the reason. Not named reset:
    // QIODevice::reset() is a seek.
    void abort(const QString &reason);
    bool isWriteClosed() const { return m_wantClose; }
    bool isReadFinished() const { return m_remoteClosed; }

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override;
    bool atEnd() const override;
    // Resets the stream unless it already finished both ways.
    void close() override;
    // read(), without a copy: up to maxSize bytes of one received frame, shared.
    QByteArray readChunk(qint64 maxSize);
    // write(), without a copy: the bytes become a DATA frame whole when the credit allows
    // (in place, when they have kFrameRoom free in front).
    void writeChunk(QByteArray bytes);

Q_SIGNALS:
    void opened();
    void failed(const QString &reason);
    // Both directions are done (or the stream failed); the session deletes it after this.
    void finished();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    friend class TunnelSession;
    // dialed: this end asked for the stream (it may send at once); else the peer asked.
    TunnelStream(TunnelSession *session, quint32 id, bool dialed);

    // From the session, one per frame for this stream.
    void onOpenOk();
    void onOpenErr(const QString &message);
    void onData(QByteArray payload);
    void onWindow(quint32 credit);
    void onRemoteClose();
    void onReset(const QString &reason);
    void fail(const QString &reason); // also when the tunnel goes
    // The consumer read bytes: credit goes back to the peer.
    void consumed(qint64 bytes);

    void schedulePump();
    void pump();
    void maybeFinish();

    QPointer<TunnelSession> m_session;
    const quint32 m_id;
    State m_state;
    bool m_accepted; // dialed: from the start; asked by the peer: once accept() was called
    QString m_failure;

    ByteQueue m_readable;   // arrived, not read yet
    qint64 m_receiveWindow; // bytes the peer may still send
    qint64 m_consumedSinceGrant = 0;

    ByteQueue m_pending; // written, not sent yet
    qint64 m_sendCredit;
    bool m_pumpScheduled = false;
    bool m_wantClose = false;
    bool m_closeSent = false;
    bool m_remoteClosed = false;
};

} // namespace coder::core::tunnel
