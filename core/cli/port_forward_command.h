#pragma once

#include "core/cli/workspace_runner.h"
#include "core/tunnel/forward_spec.h"
#include "core/tunnel/port_forwarder.h"

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace coder::core::tunnel {
class TunnelClient;
} // namespace coder::core::tunnel

namespace coder::core {
class UnixSignalWatcher;
}

namespace coder::core::cli {

class ClientContext;

// `coder port-forward WORKSPACE[.AGENT] --tcp SPEC --udp SPEC`: listens on this machine and
// carries each connection through the agent's tunnel to the port in the workspace (Coder's spec
// syntax, forward_spec.h). Prints each listener once the tunnel is up; a connection the
// workspace refuses is reported and the forward stays up. Runs until interrupted.
class PortForwardCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit PortForwardCommand(std::shared_ptr<ClientContext> context);
    ~PortForwardCommand();

private:
    void run();
    void forward(ApiClient *client, const WorkspaceAgent &agent);
    void announce(const tunnel::PortForwarder::State &state);

    std::shared_ptr<ClientContext> m_context;
    WorkspaceRunner m_runner;
    std::string m_name;
    std::vector<std::string> m_tcp;
    std::vector<std::string> m_udp;
    QList<tunnel::ForwardSpec> m_specs;
    tunnel::TunnelClient *m_tunnel = nullptr;
    tunnel::PortForwarder *m_forwarder = nullptr;
    UnixSignalWatcher *m_signals = nullptr;
    bool m_announced = false;
};

} // namespace coder::core::cli
