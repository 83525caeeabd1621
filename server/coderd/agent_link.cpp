#include "agent_link.h"

#include "agent_registry.h"
#include "agent_service.h"
#include "core/tunnel/tunnel_session.h"
#include "core/tunnel/tunnel_transport.h"

#include <QLoggingCategory>
#include <QTcpSocket>

namespace coder::server {

Q_LOGGING_CATEGORY(lcRelay, "coder.relay")

using namespace core::tunnel;

// The thread-safe handle clients hold: posts to the link while it lives.
class AgentLink::Endpoint : public AgentEndpoint
{
public:
    Endpoint(core::Mailbox::Address address, AgentLink *link)
        : m_address(std::move(address)), m_link(link)
    {}
    bool isOpen() const override { return m_address.isOpen(); }
    void fromClient(const ClientPort &port, QByteArray frame) override
    {
        m_address.post([link = m_link, port, frame = std::move(frame)]() mutable {
            link->fromClient(port, std::move(frame));
        });
    }
    void detach(quint64 clientKey) override
    {
        m_address.post([link = m_link, clientKey] { link->detach(clientKey); });
    }
    void close(const QString &reason) override
    {
        m_address.post([link = m_link, reason] { link->close(reason); });
    }

private:
    core::Mailbox::Address m_address;
    AgentLink *m_link;
};

void AgentLink::start(QTcpSocket *socket, const AgentPlacement &agent, AgentService &agents,
                      core::SerialLane lane, AgentRegistry &registry, const Options &options)
{
    new AgentLink(socket, agent, agents, std::move(lane), registry, options);
}

AgentLink::AgentLink(QTcpSocket *socket, const AgentPlacement &agent, AgentService &agents,
                     core::SerialLane lane, AgentRegistry &registry, const Options &options)
    : m_transport(new WebSocketTransport(socket, WebSocketTransport::Role::Server, this)),
      m_agent(agent), m_agents(agents), m_lane(std::move(lane)), m_registry(registry)
{
    m_endpoint = std::make_shared<Endpoint>(m_mailbox.address(), this);
    connect(m_transport, &TunnelTransport::frameReceived, this, &AgentLink::onAgentFrame);
    connect(m_transport, &TunnelTransport::closed, this, &AgentLink::onClosed);
    m_transport->setKeepAlive(options.heartbeatMs);

    if (auto previous = m_registry.add(agent.agent.id, m_endpoint))
        previous->close(QStringLiteral("a newer connection of the agent replaced this one"));
    const QString version = options.version;
    const int interval = options.heartbeatMs;
    m_lane.post(
        [&agents, agent, version, interval] { agents.connected(agent, version, interval); });
    // While the tunnel is up, its connection time moves on: another replica, or this one after
    // a crash, sees a silent agent as disconnected.
    connect(&m_heartbeat, &QTimer::timeout, this, [this, version, interval] {
        m_lane.post([&agents = m_agents, agent = m_agent, version, interval,
                     link = m_mailbox.address(), self = this] {
            auto done = agents.heartbeat(agent, version, interval);
            if (!done && done.error().is(DomainError::Kind::Unauthorized))
                link.post([self, reason = done.error().message] { self->close(reason); });
        });
    });
    m_heartbeat.start(options.heartbeatMs);
    qCInfo(lcRelay) << "agent" << agent.agent.id << "of workspace" << agent.workspaceName
                    << "connected";
}

AgentLink::~AgentLink() = default;

void AgentLink::send(QByteArray frame)
{
    m_transport->sendFrame(std::move(frame));
}

void AgentLink::fromClient(const ClientPort &port, QByteArray frame)
{
    // The client's link has checked the frame.
    const auto header = decodeHeader(frame);
    if (!header)
        return;
    const QPair<quint64, quint32> key{port.key, header->stream};
    if (header->type == FrameType::Open) {
        if (m_closed) {
            port.deliver(
                header->stream,
                encodeOpenErr(header->stream, QStringLiteral("The workspace agent disconnected.")));
            return;
        }
        if (m_routes.size() >= TunnelSession::kMaxStreams || m_nextId > 0xfffffffdu) {
            port.deliver(header->stream,
                         encodeOpenErr(header->stream,
                                       QStringLiteral("The workspace agent has too many open "
                                                      "streams (%1).")
                                           .arg(TunnelSession::kMaxStreams)));
            return;
        }
        const quint32 id = m_nextId;
        m_nextId += 2;
        m_routes.insert(id, Route{port, header->stream, {}});
        m_ids.insert(key, id);
        setFrameStream(frame, id);
        send(std::move(frame));
        return;
    }
    const auto found = m_ids.constFind(key);
    if (found == m_ids.constEnd())
        return; // ended here meanwhile; the client heard or hears of it
    const quint32 id = *found;
    Route &route = m_routes[id];
    if (auto broken = route.state.fromFar(*header)) {
        resetBoth(id, QStringLiteral("the client broke the protocol: ") + *broken);
        return;
    }
    const bool ends = route.state.endsWith(*header);
    setFrameStream(frame, id);
    send(std::move(frame));
    if (ends)
        erase(id);
}

void AgentLink::onAgentFrame(QByteArray &message)
{
    const auto header = decodeHeader(message);
    if (!header) {
        m_transport->close(true, header.error());
        return;
    }
    const quint32 id = header->stream;
    if (header->type == FrameType::Open) {
        send(encodeOpenErr(id, QStringLiteral("coderd opens no streams for agents")));
        return;
    }
    auto it = m_routes.find(id);
    if (it == m_routes.end()) {
        if (header->type == FrameType::Data || header->type == FrameType::Close)
            send(encodeFrame(FrameType::Reset, id, QByteArrayLiteral("unknown stream")));
        return;
    }
    if (auto broken = it->state.fromPeer(*header)) {
        resetBoth(id, QStringLiteral("the workspace agent broke the protocol: ") + *broken);
        return;
    }
    const bool ends = it->state.endsWith(*header);
    it->port.deliver(it->clientStream, std::move(message));
    if (ends)
        erase(id);
}

void AgentLink::detach(quint64 clientKey)
{
    QList<quint32> gone;
    for (auto it = m_routes.cbegin(); it != m_routes.cend(); ++it) {
        if (it->port.key == clientKey)
            gone.append(it.key());
    }
    for (quint32 id : gone) {
        send(encodeFrame(FrameType::Reset, id, QByteArrayLiteral("the client disconnected")));
        erase(id);
    }
}

void AgentLink::close(const QString &reason)
{
    m_transport->close(false, reason);
}

void AgentLink::resetBoth(quint32 id, const QString &reason)
{
    const Route route = m_routes.value(id);
    send(encodeFrame(FrameType::Reset, id, reason.toUtf8()));
    route.port.deliver(route.clientStream,
                       encodeFrame(FrameType::Reset, route.clientStream, reason.toUtf8()));
    erase(id);
}

void AgentLink::erase(quint32 id)
{
    const auto it = m_routes.constFind(id);
    if (it == m_routes.constEnd())
        return;
    m_ids.remove({it->port.key, it->clientStream});
    m_routes.erase(it);
}

void AgentLink::onClosed(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_heartbeat.stop();
    m_mailbox.close();
    for (auto it = m_routes.cbegin(); it != m_routes.cend(); ++it)
        it->port.deliver(it->clientStream,
                         encodeFrame(FrameType::Reset, it->clientStream,
                                     QByteArrayLiteral("the workspace agent disconnected")));
    m_routes.clear();
    m_ids.clear();
    // A link a newer one replaced leaves the agent connected.
    if (m_registry.remove(m_agent.agent.id, m_endpoint.get()))
        m_lane.post([&agents = m_agents, agent = m_agent] { agents.disconnected(agent); });
    qCInfo(lcRelay) << "agent" << m_agent.agent.id << "of workspace" << m_agent.workspaceName
                    << "disconnected:" << reason;
    deleteLater();
}

} // namespace coder::server
