#pragma once

#include "core/agent_types.h"

#include <QList>
#include <QMap>

namespace coder::server::agent {

// The TCP ports listening in the workspace, from the kernel's sock_diag interface (/proc/net/tcp
// and tcp6 where it is missing, or for a proc tree other than /proc), with the name of the
// process holding each (found through /proc/<pid>/fd; "" where the agent may not look). The
// agent's own sockets and ports below 9 are left out, as Coder leaves them out. The walk through
// every process's descriptors happens only when the set of listening sockets changed: an idle
// agent asks for the listeners and nothing more.
class PortScanner
{
public:
    explicit PortScanner(QString procRoot = QStringLiteral("/proc"))
        : m_procRoot(std::move(procRoot))
    {}
    QList<core::WorkspaceAgentListeningPort> scan();

private:
    QString m_procRoot;
    QMap<quint64, quint16> m_lastListening; // inode -> port, at the last walk
    QList<core::WorkspaceAgentListeningPort> m_lastPorts;
};

} // namespace coder::server::agent
