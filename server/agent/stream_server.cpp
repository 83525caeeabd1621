#include "stream_server.h"

#include "core/tunnel/datagram_stream.h"
#include "core/tunnel/stream_pipe.h"
#include "core/tunnel/stream_target.h"
#include "core/tunnel/tcp_channel.h"
#include "core/tunnel/tcp_connector.h"
#include "core/tunnel/tunnel_session.h"

#include <QLoggingCategory>
#include <QNetworkDatagram>
#include <QPointer>
#include <QUdpSocket>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace coder::server::agent {

Q_LOGGING_CATEGORY(lcStreams, "coder.agent.streams")

using namespace core::tunnel;

StreamServer::StreamServer(QObject *parent) : QObject(parent)
{
    m_idleTrim.setSingleShot(true);
    connect(&m_idleTrim, &QTimer::timeout, this, [] {
#ifdef __GLIBC__
        // glibc keeps freed heap pages for reuse; after a transfer that is megabytes of a
        // 256 KiB frame's buffers. malloc_trim returns the free pages of every arena.
        malloc_trim(0);
#endif
    });
}

void StreamServer::opened(const QString &kind)
{
    m_stats.openByKind[kind] += 1;
    ++m_open;
    m_idleTrim.stop();
}

void StreamServer::ended(const QString &kind)
{
    m_stats.openByKind[kind] -= 1;
    if (--m_open == 0)
        m_idleTrim.start(kIdleTrimMs);
}

void StreamServer::serve(TunnelSession *session)
{
    connect(session, &TunnelSession::streamRequested, this, &StreamServer::onStreamRequested);
}

void StreamServer::onStreamRequested(TunnelStream *stream, const QByteArray &payload)
{
    auto target = StreamTarget::fromJson(payload);
    if (!target) {
        stream->refuse(target.error());
        return;
    }
    switch (target->kind) {
    case StreamTarget::Kind::Tcp:
        serveTcp(stream, target->port);
        return;
    case StreamTarget::Kind::Udp:
        serveUdp(stream, target->port);
        return;
    case StreamTarget::Kind::Ssh:
    case StreamTarget::Kind::Pty:
        break;
    }
    stream->refuse(QStringLiteral("this agent does not serve %1 streams")
                       .arg(StreamTarget::kindName(target->kind)));
}

void StreamServer::serveTcp(TunnelStream *stream, quint16 port)
{
    QPointer<TunnelStream> guarded(stream);
    TcpConnector *connector = TcpConnector::connectToLoopback(port, this);
    connect(connector, &TcpConnector::connected, this, [this, guarded](int descriptor) {
        auto *channel = new TcpChannel(descriptor);
        if (!guarded) { // the client gave up meanwhile
            delete channel;
            return;
        }
        guarded->accept();
        auto *pipe = new StreamPipe(channel, guarded, this);
        opened(QStringLiteral("tcp"));
        connect(pipe, &StreamPipe::finished, this, [this, pipe](const QString &error) {
            ended(QStringLiteral("tcp"));
            m_stats.bytesIn += pipe->bytesDown();
            m_stats.bytesOut += pipe->bytesUp();
            if (!error.isEmpty())
                qCDebug(lcStreams) << "forward ended:" << error;
            pipe->deleteLater();
        });
    });
    connect(connector, &TcpConnector::failed, this, [guarded, port](const QString &error) {
        if (guarded)
            guarded->refuse(QStringLiteral("cannot connect to port %1 in the workspace: %2")
                                .arg(port)
                                .arg(error));
    });
}

void StreamServer::serveUdp(TunnelStream *stream, quint16 port)
{
    // Bound, not connected: a connect completes later, and a datagram that came with the OPEN
    // would find it not yet connected.
    auto *socket = new QUdpSocket(this);
    if (!socket->bind(QHostAddress::LocalHost, 0)) {
        stream->refuse(QStringLiteral("cannot open a UDP socket: %1").arg(socket->errorString()));
        delete socket;
        return;
    }
    auto *flow = new DatagramStream(
        stream,
        [socket, port](const QByteArray &datagram) {
            socket->writeDatagram(datagram, QHostAddress::LocalHost, port);
        },
        socket);
    connect(socket, &QUdpSocket::readyRead, flow, [socket, flow, port] {
        while (socket->hasPendingDatagrams()) {
            const QNetworkDatagram datagram = socket->receiveDatagram();
            if (datagram.senderPort() == port) // only the service's answers
                flow->send(datagram.data());
        }
    });
    opened(QStringLiteral("udp"));
    connect(flow, &DatagramStream::finished, this, [this, socket, flow] {
        ended(QStringLiteral("udp"));
        m_stats.bytesIn += flow->bytesReceived();
        m_stats.bytesOut += flow->bytesSent();
        socket->deleteLater();
    });
    stream->accept();
}

} // namespace coder::server::agent
