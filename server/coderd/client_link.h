#pragma once

#include "access_watch.h"
#include "agent_locator.h"
#include "core/mailbox.h"
#include "relay_stream.h"

#include <QHash>
#include <QObject>
#include <QUuid>

class QTcpSocket;

namespace coder::core::tunnel {
class WebSocketTransport;
}

namespace coder::server {

// A client's end of the relay: the tunnel WebSocket of a user (CLI, desktop) to one agent, on
// the event-loop thread that accepted it. It checks every frame the client sends, holds the
// client's DATA to the credit the agent granted, and passes frames to wherever the locator says
// the agent is; a stream opened while the agent is away is refused with the reason. Lives as
// long as its socket, or until its access check fails: the user's token revoked or expired, the
// user suspended, the workspace gone or no longer theirs end the tunnel with the reason.
class ClientLink : public QObject
{
    Q_OBJECT
public:
    static void start(QTcpSocket *socket, const QUuid &agentId, AgentLocator &locator,
                      AccessWatch::Options access);

    // On this link's thread, from the agent's end: a frame of client stream clientStream.
    void fromAgent(quint32 clientStream, QByteArray frame);

private:
    struct Stream
    {
        std::shared_ptr<AgentEndpoint> endpoint;
        RelayStream state; // polices the client's side
    };

    ClientLink(QTcpSocket *socket, const QUuid &agentId, AgentLocator &locator,
               AccessWatch::Options access);
    ~ClientLink() override;
    void onClientFrame(QByteArray &frame);
    void onClosed();
    void open(quint32 id, const QByteArray &frame);
    void resetBoth(quint32 id, const QString &reason);
    ClientPort port() const;

    core::tunnel::WebSocketTransport *m_transport;
    QUuid m_agentId;
    AgentLocator &m_locator;
    const quint64 m_key;
    QHash<quint32, Stream> m_streams;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
