#pragma once

#include "core/mailbox.h"

#include <QByteArray>
#include <QUuid>
#include <memory>

namespace coder::server {

class ClientLink;

// Where an agent's end of the relay sends a client's frames back: that client's link, on its
// own thread.
struct ClientPort
{
    quint64 key = 0;                // unique per client tunnel in this process
    core::Mailbox::Address address; // the client link's thread; closed once the link is gone
    ClientLink *link = nullptr;     // touched only on that thread, through address

    // Hands the link a frame of its stream clientStream (the frame still carries the agent
    // side's id). Dropped when the link is gone.
    void deliver(quint32 clientStream, QByteArray frame) const;
};

// One agent's tunnel as the relay's client side reaches it: every call is thread-safe and
// returns at once.
class AgentEndpoint
{
public:
    virtual ~AgentEndpoint() = default;
    virtual bool isOpen() const = 0;
    // A frame of a client stream, carrying the client's id for it; a stream's first is its
    // OPEN. What the agent answers comes back through port.
    virtual void fromClient(const ClientPort &port, QByteArray frame) = 0;
    // The client tunnel is gone: its streams are reset at the agent.
    virtual void detach(quint64 clientKey) = 0;
    // Ends the agent's tunnel (a newer one of the same agent took over).
    virtual void close(const QString &reason) = 0;
};

// "Where is this agent?", the relay's one lookup (ARCHITECTURE.md §4): this replica answers for
// the agents connected to it; the replica mesh will answer "on replica B" behind the same call,
// without the stream code changing.
class AgentLocator
{
public:
    virtual ~AgentLocator() = default;
    // The agent's tunnel when it is connected where this replica can reach it; null otherwise.
    virtual std::shared_ptr<AgentEndpoint> locate(const QUuid &agentId) = 0;
};

} // namespace coder::server
