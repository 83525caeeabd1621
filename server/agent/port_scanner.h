#pragma once

#include "core/agent_types.h"

#include <QList>

namespace coder::server::agent {

// The TCP ports listening in the workspace, from /proc/net/tcp and tcp6, with the name of the
// process holding each (found through /proc/<pid>/fd; "" where the agent may not look). The
// agent's own sockets and ports below 9 are left out, as Coder leaves them out.
class PortScanner
{
public:
    static QList<core::WorkspaceAgentListeningPort>
    scan(const QString &procRoot = QStringLiteral("/proc"));
};

} // namespace coder::server::agent
