#include "client_link.h"

#include "core/tunnel/tunnel_session.h"
#include "core/tunnel/tunnel_transport.h"

#include <QLoggingCategory>
#include <QSet>
#include <QTcpSocket>
#include <atomic>

namespace coder::server {

using namespace core::tunnel;

Q_DECLARE_LOGGING_CATEGORY(lcRelay)

namespace {
std::atomic<quint64> nextClientKey{1};
} // namespace

void ClientPort::deliver(quint32 clientStream, QByteArray frame) const
{
    address.post([link = link, clientStream, frame = std::move(frame)]() mutable {
        link->fromAgent(clientStream, std::move(frame));
    });
}

void ClientLink::start(QTcpSocket *socket, const QUuid &agentId, AgentLocator &locator,
                       AccessWatch::Options access)
{
    new ClientLink(socket, agentId, locator, std::move(access));
}

ClientLink::ClientLink(QTcpSocket *socket, const QUuid &agentId, AgentLocator &locator,
                       AccessWatch::Options access)
    : m_transport(new WebSocketTransport(socket, WebSocketTransport::Role::Server, this)),
      m_agentId(agentId), m_locator(locator), m_key(nextClientKey++)
{
    connect(m_transport, &TunnelTransport::frameReceived, this, &ClientLink::onClientFrame);
    connect(m_transport, &TunnelTransport::closed, this, &ClientLink::onClosed);
    new AccessWatch(
        std::move(access),
        [this](const DomainError &refusal) {
            qCInfo(lcRelay) << "client tunnel to agent" << m_agentId << "ended:" << refusal.message;
            m_transport->close(
                false, QStringLiteral("Access to the workspace ended: %1").arg(refusal.message));
        },
        this);
}

ClientLink::~ClientLink() = default;

ClientPort ClientLink::port() const
{
    return {m_key, m_mailbox.address(), const_cast<ClientLink *>(this)};
}

void ClientLink::onClientFrame(QByteArray &message)
{
    const auto header = decodeHeader(message);
    if (!header) {
        m_transport->close(true, header.error());
        return;
    }
    const quint32 id = header->stream;
    if (header->type == FrameType::Open) {
        open(id, message);
        return;
    }
    if (header->type == FrameType::OpenOk || header->type == FrameType::OpenErr) {
        m_transport->close(true, QStringLiteral("the relay opens no streams toward a client"));
        return;
    }
    auto it = m_streams.find(id);
    if (it == m_streams.end()) {
        if (header->type == FrameType::Data || header->type == FrameType::Close)
            m_transport->sendFrame(
                encodeFrame(FrameType::Reset, id, QByteArrayLiteral("unknown stream")));
        return;
    }
    if (auto broken = it->state.fromPeer(*header)) {
        resetBoth(id, QStringLiteral("the client broke the protocol: ") + *broken);
        return;
    }
    const bool ends = it->state.endsWith(*header);
    it->endpoint->fromClient(port(), std::move(message));
    if (ends)
        m_streams.erase(it);
}

void ClientLink::open(quint32 id, const QByteArray &frame)
{
    if (id % 2 == 0 || m_streams.contains(id)) {
        m_transport->close(true, QStringLiteral("OPEN of stream %1: a client opens odd ids, "
                                                "each once")
                                     .arg(id));
        return;
    }
    if (m_streams.size() >= TunnelSession::kMaxStreams) {
        m_transport->sendFrame(encodeOpenErr(
            id, QStringLiteral("Too many open streams (%1).").arg(TunnelSession::kMaxStreams)));
        return;
    }
    std::shared_ptr<AgentEndpoint> endpoint = m_locator.locate(m_agentId);
    if (!endpoint || !endpoint->isOpen()) {
        m_transport->sendFrame(encodeOpenErr(
            id, QStringLiteral("The workspace agent is not connected. Is the workspace "
                               "running? (`coder list` shows its status.)")));
        return;
    }
    endpoint->fromClient(port(), frame);
    m_streams.insert(id, Stream{std::move(endpoint), {}});
}

void ClientLink::fromAgent(quint32 clientStream, QByteArray frame)
{
    auto it = m_streams.find(clientStream);
    if (it == m_streams.end())
        return; // the client ended it meanwhile, and the agent's end hears of that
    const auto header = decodeHeader(frame);
    if (!header)
        return; // the agent's end has checked it
    if (auto broken = it->state.fromFar(*header)) {
        resetBoth(clientStream,
                  QStringLiteral("the workspace agent broke the protocol: ") + *broken);
        return;
    }
    const bool ends = it->state.endsWith(*header);
    setFrameStream(frame, clientStream);
    m_transport->sendFrame(std::move(frame));
    if (ends)
        m_streams.erase(it);
}

void ClientLink::resetBoth(quint32 id, const QString &reason)
{
    const auto it = m_streams.find(id);
    if (it == m_streams.end())
        return;
    m_transport->sendFrame(encodeFrame(FrameType::Reset, id, reason.toUtf8()));
    it->endpoint->fromClient(port(), encodeFrame(FrameType::Reset, id, reason.toUtf8()));
    m_streams.erase(it);
}

void ClientLink::onClosed()
{
    m_mailbox.close();
    QSet<AgentEndpoint *> told;
    for (const Stream &stream : std::as_const(m_streams)) {
        if (!told.contains(stream.endpoint.get())) {
            told.insert(stream.endpoint.get());
            stream.endpoint->detach(m_key);
        }
    }
    m_streams.clear();
    deleteLater();
}

} // namespace coder::server
