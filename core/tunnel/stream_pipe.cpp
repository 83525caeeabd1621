#include "stream_pipe.h"

#include "tcp_channel.h"
#include "tunnel_frame.h"
#include "tunnel_stream.h"

namespace coder::core::tunnel {

namespace {

// How far one side may run ahead of the other's draining: a stream's window, in frames.
constexpr qint64 kChunk = kMaxDataPayload;
constexpr qint64 kAhead = kInitialWindow;

} // namespace

StreamPipe::StreamPipe(TcpChannel *channel, TunnelStream *stream, QObject *parent)
    : QObject(parent), m_channel(channel), m_stream(stream)
{
    channel->setParent(this);
    connect(channel, &TcpChannel::readyRead, this, &StreamPipe::pumpUp);
    connect(channel, &TcpChannel::readFinished, this, &StreamPipe::pumpUp);
    connect(channel, &TcpChannel::bytesWritten, this, &StreamPipe::pumpDown);
    connect(channel, &TcpChannel::failed, this, &StreamPipe::fail);
    connect(stream, &QIODevice::readyRead, this, &StreamPipe::pumpDown);
    connect(stream, &QIODevice::readChannelFinished, this, &StreamPipe::pumpDown);
    connect(stream, &QIODevice::bytesWritten, this, &StreamPipe::pumpUp);
    connect(stream, &TunnelStream::failed, this, &StreamPipe::fail);
    connect(stream, &TunnelStream::finished, this, &StreamPipe::checkDone);
    pumpUp();
    pumpDown();
}

StreamPipe::~StreamPipe()
{
    if (!m_done && m_stream)
        m_stream->abort(QStringLiteral("the forward was stopped"));
}

void StreamPipe::pumpUp()
{
    if (m_done)
        return;
    if (!m_upClosed && m_stream) {
        // Each write may end the pipe (a failure reported at once): checked every turn.
        while (!m_done && m_channel->bytesAvailable() > 0 && m_stream->bytesToWrite() < kAhead) {
            QByteArray chunk = m_channel->read(kChunk);
            m_up += chunk.size();
            m_stream->writeChunk(std::move(chunk));
        }
        if (!m_done && m_channel->atEnd()) {
            m_upClosed = true;
            m_stream->closeWrite();
        }
    }
    checkDone();
}

void StreamPipe::pumpDown()
{
    if (m_done)
        return;
    if (!m_downClosed && m_stream) {
        while (!m_done && m_stream && m_stream->bytesAvailable() > 0 &&
               m_channel->bytesToWrite() < kAhead) {
            const QByteArray chunk = m_stream->readChunk(kChunk);
            m_channel->write(chunk);
            m_down += chunk.size();
        }
        if (!m_done && m_stream && m_stream->atEnd()) {
            m_downClosed = true;
            m_channel->closeWrite();
        }
    }
    // Also after both ends closed: the channel writing out the last of it is what finishes the
    // pipe then.
    checkDone();
}

void StreamPipe::checkDone()
{
    if (m_done)
        return;
    // Done when both FINs were passed on and the stream has finished both ways (its CLOSE
    // went out, everything it got was read).
    if (m_upClosed && m_downClosed && m_channel->bytesToWrite() == 0 &&
        (!m_stream || m_stream->state() == TunnelStream::State::Finished)) {
        m_done = true;
        Q_EMIT finished(QString());
    }
}

void StreamPipe::fail(const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    if (m_stream && m_stream->state() != TunnelStream::State::Finished)
        m_stream->abort(error);
    m_channel->disconnect(this);
    m_channel->deleteLater(); // closes the connection (it may be the one that reported)
    Q_EMIT finished(error);
}

} // namespace coder::core::tunnel

#include "moc_stream_pipe.cpp"
