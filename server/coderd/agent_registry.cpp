#include "agent_registry.h"

namespace coder::server {

std::shared_ptr<AgentEndpoint> AgentRegistry::locate(const QUuid &agentId)
{
    QMutexLocker locker(&m_mutex);
    return m_agents.value(agentId);
}

std::shared_ptr<AgentEndpoint> AgentRegistry::add(const QUuid &agentId,
                                                  std::shared_ptr<AgentEndpoint> endpoint)
{
    QMutexLocker locker(&m_mutex);
    std::shared_ptr<AgentEndpoint> previous = m_agents.value(agentId);
    m_agents.insert(agentId, std::move(endpoint));
    return previous;
}

bool AgentRegistry::remove(const QUuid &agentId, const AgentEndpoint *endpoint)
{
    QMutexLocker locker(&m_mutex);
    auto it = m_agents.find(agentId);
    if (it == m_agents.end() || it->get() != endpoint)
        return false;
    m_agents.erase(it);
    return true;
}

int AgentRegistry::count() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_agents.size());
}

} // namespace coder::server
