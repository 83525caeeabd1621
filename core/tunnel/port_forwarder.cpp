#include "port_forwarder.h"

#include "datagram_stream.h"
#include "stream_pipe.h"
#include "tcp_channel.h"
#include "tunnel_client.h"

#include <QDateTime>
#include <QNetworkDatagram>
#include <QTcpServer>
#include <QUdpSocket>
#include <functional>
#include <unistd.h>

namespace coder::core::tunnel {

// A listening socket that hands over accepted descriptors as they are (a TcpChannel takes each:
// QTcpSocket cannot half-close, tcp_channel.h).
class PortForwarder::Listener : public QTcpServer
{
public:
    Listener(std::function<void(int)> onAccepted, QObject *parent)
        : QTcpServer(parent), m_onAccepted(std::move(onAccepted))
    {}

protected:
    void incomingConnection(qintptr descriptor) override { m_onAccepted(int(descriptor)); }

private:
    std::function<void(int)> m_onAccepted;
};

// A UDP forward: one socket listening, one datagram stream per peer address sending to it.
class PortForwarder::UdpForward : public QObject
{
public:
    UdpForward(TunnelClient *tunnel, const ForwardSpec &spec, QObject *parent)
        : QObject(parent), m_tunnel(tunnel), m_spec(spec)
    {
        connect(&m_socket, &QUdpSocket::readyRead, this, &UdpForward::onReadyRead);
        m_sweep.setInterval(30000);
        connect(&m_sweep, &QTimer::timeout, this, &UdpForward::sweep);
    }
    bool listen(QString &error)
    {
        if (m_socket.bind(m_spec.listenAddress, m_spec.listenPort))
            return true;
        error = m_socket.errorString().toLower();
        return false;
    }
    quint16 port() const { return m_socket.localPort(); }
    std::function<void(const QString &)> onFailure;
    std::function<void(qint64 up, qint64 down)> onFlowEnded;

private:
    struct Flow
    {
        DatagramStream *stream = nullptr;
        qint64 lastActive = 0;
    };

    void onReadyRead()
    {
        while (m_socket.hasPendingDatagrams()) {
            const QNetworkDatagram datagram = m_socket.receiveDatagram();
            const QString key =
                datagram.senderAddress().toString() + u'|' + QString::number(datagram.senderPort());
            auto it = m_flows.find(key);
            if (it == m_flows.end()) {
                DatagramStream *stream =
                    open(datagram.senderAddress(), quint16(datagram.senderPort()), key);
                if (!stream)
                    continue; // dropped, as UDP may be
                it = m_flows.insert(key, Flow{stream, 0});
                m_sweep.start();
            }
            it->lastActive = QDateTime::currentMSecsSinceEpoch();
            it->stream->send(datagram.data());
        }
    }

    DatagramStream *open(const QHostAddress &peer, quint16 peerPort, const QString &key)
    {
        TunnelSession *session = m_tunnel->session();
        TunnelStream *stream =
            session ? session->open(StreamTarget::udp(m_spec.remotePort).toJson()) : nullptr;
        if (!stream) {
            onFailure(QStringLiteral("the tunnel to coderd is down; datagram dropped"));
            return nullptr;
        }
        auto *flow = new DatagramStream(
            stream,
            [this, peer, peerPort, key](const QByteArray &datagram) {
                m_socket.writeDatagram(datagram, peer, peerPort);
                if (auto it = m_flows.find(key); it != m_flows.end())
                    it->lastActive = QDateTime::currentMSecsSinceEpoch();
            },
            this);
        connect(flow, &DatagramStream::finished, this, [this, flow, key](const QString &error) {
            if (auto it = m_flows.find(key); it != m_flows.end() && it->stream == flow)
                m_flows.erase(it);
            onFlowEnded(flow->bytesSent(), flow->bytesReceived());
            if (!error.isEmpty())
                onFailure(error);
            flow->deleteLater();
        });
        return flow;
    }

    void sweep()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const Flow &flow : std::as_const(m_flows))
            if (now - flow.lastActive > kUdpIdleMs)
                flow.stream->close();
        if (m_flows.isEmpty())
            m_sweep.stop();
    }

    TunnelClient *m_tunnel;
    ForwardSpec m_spec;
    QUdpSocket m_socket;
    QTimer m_sweep;
    QHash<QString, Flow> m_flows;
};

PortForwarder::PortForwarder(TunnelClient *tunnel, QObject *parent)
    : QObject(parent), m_tunnel(tunnel), m_waitTimer(new QTimer(this))
{
    connect(m_tunnel, &TunnelClient::connected, this, &PortForwarder::onTunnelConnected);
    m_waitTimer->setInterval(1000);
    connect(m_waitTimer, &QTimer::timeout, this, &PortForwarder::dropExpired);
}

PortForwarder::~PortForwarder()
{
    for (const Waiting &waiting : std::as_const(m_waiting))
        ::close(waiting.descriptor);
}

Result<int, QString> PortForwarder::add(const ForwardSpec &spec)
{
    const int id = m_nextId++;
    Forward forward;
    forward.state.spec = spec;
    if (spec.protocol == StreamTarget::Kind::Udp) {
        auto *udp = new UdpForward(m_tunnel, spec, this);
        QString error;
        if (!udp->listen(error)) {
            delete udp;
            return QStringLiteral("cannot listen on %1: %2").arg(spec.describe(), error);
        }
        udp->onFailure = [this, id](const QString &error) { failConnection(id, error); };
        udp->onFlowEnded = [this, id](qint64 up, qint64 down) {
            auto it = m_forwards.find(id);
            if (it == m_forwards.end())
                return;
            it->state.bytesUp += up;
            it->state.bytesDown += down;
            Q_EMIT changed(id);
        };
        forward.state.boundPort = udp->port();
        forward.listener = udp;
    } else {
        auto *listener = new Listener([this, id](int fd) { onAccepted(id, fd); }, this);
        if (!listener->listen(spec.listenAddress, spec.listenPort)) {
            const QString error = QStringLiteral("cannot listen on %1: %2")
                                      .arg(spec.describe(), listener->errorString().toLower());
            delete listener;
            return error;
        }
        forward.state.boundPort = listener->serverPort();
        forward.listener = listener;
    }
    m_forwards.insert(id, forward);
    Q_EMIT changed(id);
    return id;
}

void PortForwarder::remove(int id)
{
    const auto it = m_forwards.find(id);
    if (it == m_forwards.end())
        return;
    // The pipes are the listener's children: deleting it ends them (their destructors reset
    // the streams and close the connections).
    delete it->listener;
    m_forwards.erase(it);
    Q_EMIT changed(id);
}

PortForwarder::State PortForwarder::state(int id) const
{
    return m_forwards.value(id).state;
}

void PortForwarder::onAccepted(int id, int descriptor)
{
    auto it = m_forwards.find(id);
    if (it == m_forwards.end()) {
        ::close(descriptor);
        return;
    }
    it->state.connections += 1;
    if (!m_tunnel->session()) {
        m_waiting.append({id, descriptor, QDateTime::currentMSecsSinceEpoch()});
        m_waitTimer->start();
        return;
    }
    connectThrough(id, descriptor);
}

void PortForwarder::onTunnelConnected()
{
    const QList<Waiting> waiting = std::exchange(m_waiting, {});
    m_waitTimer->stop();
    for (const Waiting &w : waiting) {
        if (m_forwards.contains(w.id))
            connectThrough(w.id, w.descriptor);
        else
            ::close(w.descriptor);
    }
}

void PortForwarder::dropExpired()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qsizetype i = 0; i < m_waiting.size();) {
        const Waiting w = m_waiting.at(i);
        if (now - w.since < kTunnelWaitMs && m_forwards.contains(w.id)) {
            ++i;
            continue;
        }
        m_waiting.removeAt(i);
        ::close(w.descriptor);
        failConnection(w.id, QStringLiteral("the tunnel to coderd is down; reconnecting"));
    }
    if (m_waiting.isEmpty())
        m_waitTimer->stop();
}

void PortForwarder::failConnection(int id, const QString &error)
{
    auto it = m_forwards.find(id);
    if (it == m_forwards.end())
        return;
    it->state.lastError = error;
    Q_EMIT connectionFailed(id, error);
    Q_EMIT changed(id);
}

void PortForwarder::connectThrough(int id, int descriptor)
{
    auto it = m_forwards.find(id);
    State &state = it->state;
    TunnelSession *session = m_tunnel->session();
    TunnelStream *stream =
        session ? session->open(StreamTarget::tcp(state.spec.remotePort).toJson()) : nullptr;
    if (!stream) {
        ::close(descriptor);
        failConnection(id, session ? QStringLiteral("the tunnel has too many streams open")
                                   : QStringLiteral("the tunnel to coderd is down; reconnecting"));
        return;
    }
    auto *pipe = new StreamPipe(new TcpChannel(descriptor), stream, it->listener);
    state.openConnections += 1;
    Q_EMIT changed(id);
    connect(pipe, &StreamPipe::finished, this, [this, id, pipe](const QString &error) {
        pipe->deleteLater();
        auto it = m_forwards.find(id);
        if (it == m_forwards.end())
            return;
        State &state = it->state;
        state.openConnections -= 1;
        state.bytesUp += pipe->bytesUp();
        state.bytesDown += pipe->bytesDown();
        if (!error.isEmpty()) {
            state.lastError = error;
            Q_EMIT connectionFailed(id, error);
        }
        Q_EMIT changed(id);
    });
}

} // namespace coder::core::tunnel

#include "moc_port_forwarder.cpp"
