#pragma once

#include "agent_locator.h"

#include <QHash>
#include <QMutex>

namespace coder::server {

// The agents whose tunnels this replica holds: the AgentLocator of a single replica. Links
// register and unregister themselves from their threads; clients look up from theirs.
class AgentRegistry : public AgentLocator
{
public:
    std::shared_ptr<AgentEndpoint> locate(const QUuid &agentId) override;

    // endpoint becomes agentId's tunnel; returns the one it replaces (null when none).
    std::shared_ptr<AgentEndpoint> add(const QUuid &agentId,
                                       std::shared_ptr<AgentEndpoint> endpoint);
    // Unregisters endpoint if it is still agentId's tunnel; false when a newer one replaced it.
    bool remove(const QUuid &agentId, const AgentEndpoint *endpoint);
    int count() const;

private:
    mutable QMutex m_mutex;
    QHash<QUuid, std::shared_ptr<AgentEndpoint>> m_agents;
};

} // namespace coder::server
