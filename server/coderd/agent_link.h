#pragma once

#include "agent_locator.h"
#include "core/mailbox.h"
#include "core/serial_lane.h"
#include "relay_stream.h"
#include "server/database/provisioning_models.h"

#include <QHash>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace coder::core::tunnel {
class WebSocketTransport;
}

namespace coder::server {

class AgentRegistry;
class AgentService;

// The agent's end of the relay: its tunnel WebSocket, on the event-loop thread that accepted it.
// Client streams are opened on the agent under ids of its own (coderd dials, odd ids), frames
// are passed on with ids rewritten on the receiving thread, and the agent's DATA is held to the
// credit the client granted. Ends once a later build replaced the agent (its heartbeat finds
// out, as the agent's token is refused then). Registered as the agent's tunnel while it lives;
// its connection, heartbeats and disconnection are written in order, off this thread.
class AgentLink : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int heartbeatMs = 15000;
        QString version; // what the agent said it is (User-Agent)
    };
    static void start(QTcpSocket *socket, const AgentPlacement &agent, AgentService &agents,
                      core::SerialLane lane, AgentRegistry &registry, const Options &options);

    // On this link's thread, from client links (through its endpoint).
    void fromClient(const ClientPort &port, QByteArray frame);
    void detach(quint64 clientKey);
    // Ends the tunnel (a newer one of the same agent took over).
    void close(const QString &reason);

private:
    class Endpoint;
    struct Route
    {
        ClientPort port;
        quint32 clientStream = 0;
        RelayStream state; // polices the agent's side
    };

    AgentLink(QTcpSocket *socket, const AgentPlacement &agent, AgentService &agents,
              core::SerialLane lane, AgentRegistry &registry, const Options &options);
    ~AgentLink() override;
    void onAgentFrame(QByteArray &frame);
    void onClosed(const QString &reason);
    // Ends stream id at both ends with reason.
    void resetBoth(quint32 id, const QString &reason);
    void erase(quint32 id);
    void send(QByteArray frame);

    core::tunnel::WebSocketTransport *m_transport;
    AgentPlacement m_agent;
    AgentService &m_agents;
    core::SerialLane m_lane;
    AgentRegistry &m_registry;
    std::shared_ptr<Endpoint> m_endpoint;
    QTimer m_heartbeat;
    QHash<quint32, Route> m_routes;                // by the agent side's id
    QHash<QPair<quint64, quint32>, quint32> m_ids; // (client key, client id) -> agent side's id
    quint32 m_nextId = 1;
    bool m_closed = false;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
