#include "port_forwarder.h"

#include "stream_pipe.h"
#include "tcp_channel.h"
#include "tunnel_client.h"

#include <QDateTime>
#include <QTcpServer>
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
    if (spec.protocol != StreamTarget::Kind::Tcp)
        return QStringLiteral("%1: UDP forwarding is not available yet").arg(spec.describe());
    const int id = m_nextId++;
    auto *listener = new Listener([this, id](int fd) { onAccepted(id, fd); }, this);
    if (!listener->listen(spec.listenAddress, spec.listenPort)) {
        const QString error = QStringLiteral("cannot listen on %1: %2")
                                  .arg(spec.describe(), listener->errorString().toLower());
        delete listener;
        return error;
    }
    Forward forward;
    forward.state.spec = spec;
    forward.state.boundPort = listener->serverPort();
    forward.listener = listener;
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
