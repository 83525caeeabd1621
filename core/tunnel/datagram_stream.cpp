#include "datagram_stream.h"

#include "tunnel_frame.h"
#include "tunnel_stream.h"

#include <QtEndian>

namespace coder::core::tunnel {

DatagramStream::DatagramStream(TunnelStream *stream,
                               std::function<void(const QByteArray &)> deliver, QObject *parent)
    : QObject(parent), m_stream(stream), m_deliver(std::move(deliver))
{
    connect(stream, &QIODevice::readyRead, this, &DatagramStream::onReadyRead);
    connect(stream, &TunnelStream::failed, this, [this](const QString &reason) {
        if (!std::exchange(m_done, true))
            Q_EMIT finished(reason);
    });
    connect(stream, &TunnelStream::finished, this, [this] {
        if (!std::exchange(m_done, true))
            Q_EMIT finished(QString());
    });
    connect(stream, &TunnelStream::readChannelFinished, this, [this] {
        if (m_stream && !m_stream->isWriteClosed())
            m_stream->closeWrite(); // the other end ended the flow
    });
}

DatagramStream::~DatagramStream()
{
    close();
}

bool DatagramStream::send(const QByteArray &datagram)
{
    if (!m_stream || m_done || m_stream->isWriteClosed() || datagram.size() > kMaxDatagram)
        return false;
    if (m_stream->bytesToWrite() >= qint64(kInitialWindow))
        return false; // the far end does not keep up: drop, as a network would
    char length[2];
    qToBigEndian(quint16(datagram.size()), length);
    m_stream->write(length, 2);
    m_stream->write(datagram);
    m_sent += datagram.size();
    return true;
}

void DatagramStream::close()
{
    if (m_stream && !m_stream->isWriteClosed())
        m_stream->closeWrite();
}

void DatagramStream::onReadyRead()
{
    if (!m_stream)
        return;
    m_partial += m_stream->readAll();
    qsizetype at = 0;
    while (m_partial.size() - at >= 2) {
        const qsizetype length = qFromBigEndian<quint16>(m_partial.constData() + at);
        if (m_partial.size() - at - 2 < length)
            break;
        m_received += length;
        m_deliver(m_partial.mid(at + 2, length));
        at += 2 + length;
    }
    m_partial.remove(0, at);
}

} // namespace coder::core::tunnel

#include "moc_datagram_stream.cpp"
