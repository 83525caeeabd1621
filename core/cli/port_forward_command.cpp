#include "port_forward_command.h"

#include "core/api_client.h"
#include "core/cli/client_context.h"
#include "core/tunnel/port_forwarder.h"
#include "core/tunnel/tunnel_client.h"
#include "core/unix_signal_watcher.h"

#include <CLI/CLI.hpp>
#include <csignal>

namespace coder::core::cli {

using namespace core::tunnel;

void PortForwardCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<PortForwardCommand>(std::move(context));
    CLI::App *forward = root.add_subcommand(
        "port-forward", "Forward ports of this machine to ports in a workspace");
    forward->alias("tunnel");
    forward->fallthrough();
    forward->add_option("workspace", command->m_name, "[OWNER/]NAME[.AGENT] of the workspace")
        ->required();
    forward
        ->add_option("--tcp,-p", command->m_tcp,
                     "TCP forwards: [address:]local[:remote], ranges and comma lists "
                     "(8080, 8080:80, 127.0.0.1:8080:80, 9090-9092)")
        ->envname("CODER_PORT_FORWARD_TCP");
    forward->add_option("--udp", command->m_udp, "UDP forwards, in the same syntax")
        ->envname("CODER_PORT_FORWARD_UDP");
    forward->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

PortForwardCommand::PortForwardCommand(std::shared_ptr<ClientContext> context)
    : m_context(context), m_runner(context)
{}

PortForwardCommand::~PortForwardCommand() = default;

void PortForwardCommand::run()
{
    QStringList tcp;
    QStringList udp;
    for (const std::string &value : m_tcp)
        tcp.append(QString::fromStdString(value));
    for (const std::string &value : m_udp)
        udp.append(QString::fromStdString(value));
    if (tcp.isEmpty() && udp.isEmpty()) {
        m_context->fail(QStringLiteral("no forwards given: add --tcp or --udp (e.g. --tcp 8080)"));
        return;
    }
    auto specs = parseForwardSpecs(tcp, udp);
    if (!specs) {
        m_context->fail(specs.error());
        return;
    }
    m_specs = *specs;
    QString name = QString::fromStdString(m_name);
    QString agentName;
    if (const qsizetype dot = name.lastIndexOf(u'.'); dot > 0) {
        agentName = name.mid(dot + 1);
        name.truncate(dot);
    }
    m_context->withClient([this, name, agentName](ApiClient *client) {
        m_runner.find(client, name, [this, client, agentName](Workspace workspace) {
            if (workspace.latestBuild.transition != u"start" ||
                workspace.latestBuild.job.status != u"succeeded") {
                m_context->fail(QStringLiteral("workspace %1 is not running (its latest build is "
                                               "%2 %3): start it with `coder start %1`")
                                    .arg(workspace.fullName(), workspace.latestBuild.transition,
                                         workspace.latestBuild.job.status));
                return;
            }
            QList<WorkspaceAgent> agents;
            for (const WorkspaceResource &resource : workspace.latestBuild.resources)
                for (const WorkspaceAgent &agent : resource.agents)
                    if (agentName.isEmpty() || agent.name == agentName)
                        agents.append(agent);
            if (agents.isEmpty()) {
                m_context->fail(
                    agentName.isEmpty()
                        ? QStringLiteral("workspace %1 has no agent").arg(workspace.fullName())
                        : QStringLiteral("workspace %1 has no agent named %2")
                              .arg(workspace.fullName(), agentName));
                return;
            }
            if (agents.size() > 1) {
                QStringList names;
                for (const WorkspaceAgent &agent : std::as_const(agents))
                    names.append(agent.name);
                m_context->fail(QStringLiteral("workspace %1 has several agents (%2): name one "
                                               "as %1.AGENT")
                                    .arg(workspace.fullName(), names.join(QStringLiteral(", "))));
                return;
            }
            forward(client, agents.first());
        });
    });
}

void PortForwardCommand::forward(ApiClient *client, const WorkspaceAgent &agent)
{
    const QUrl url = ApiClient::webSocketUrl(client->baseUrl(),
                                             QStringLiteral("/api/v2/workspaceagents/%1/tunnel")
                                                 .arg(agent.id.toString(QUuid::WithoutBraces)));
    m_tunnel =
        new TunnelClient(url, client->sessionToken(), TunnelSession::Side::Dialer, m_context.get());
    m_tunnel->setUserAgent(QStringLiteral("coder-cli/" CODER_VERSION));
    m_forwarder = new PortForwarder(m_tunnel, m_context.get());
    for (const ForwardSpec &spec : std::as_const(m_specs)) {
        auto id = m_forwarder->add(spec);
        if (!id) {
            m_context->fail(id.error());
            return;
        }
    }
    if (agent.status != u"connected")
        m_context->printError(QStringLiteral("note: the workspace agent is %1; connections fail "
                                             "until it is connected")
                                  .arg(agent.status));
    QObject::connect(
        m_tunnel, &TunnelClient::refused, m_context.get(), [this](int, const QString &reason) {
            m_context->fail(QStringLiteral("coderd refused the tunnel: %1").arg(reason));
        });
    QObject::connect(m_tunnel, &TunnelClient::disconnected, m_context.get(),
                     [this](const QString &reason, int retryMs) {
                         m_context->printError(QStringLiteral("tunnel down (%1); reconnecting in "
                                                              "%2 ms")
                                                   .arg(reason)
                                                   .arg(retryMs));
                     });
    QObject::connect(m_forwarder, &PortForwarder::connectionFailed, m_context.get(),
                     [this](int id, const QString &error) {
                         m_context->printError(QStringLiteral("%1: %2").arg(
                             m_forwarder->state(id).spec.describe(), error));
                     });
    m_signals = new UnixSignalWatcher({SIGINT, SIGTERM}, m_context.get());
    QObject::connect(m_signals, &UnixSignalWatcher::received, m_context.get(), [this](int) {
        m_tunnel->stop();
        m_context->finish(0);
    });
    // The listeners are announced once the tunnel is up: from then on what they take goes
    // through (a datagram sent before would be dropped).
    QObject::connect(m_tunnel, &TunnelClient::connected, m_context.get(), [this] {
        if (std::exchange(m_announced, true))
            return;
        for (int id : m_forwarder->ids())
            announce(m_forwarder->state(id));
    });
    m_tunnel->start();
}

void PortForwardCommand::announce(const PortForwarder::State &state)
{
    const QHostAddress &address = state.spec.listenAddress;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + address.toString() + u']'
                             : address.toString();
    m_context->print(QStringLiteral("Forwarding %1:%2 (%3) to port %4 in the workspace")
                         .arg(host)
                         .arg(state.boundPort)
                         .arg(StreamTarget::kindName(state.spec.protocol))
                         .arg(state.spec.remotePort));
}

} // namespace coder::core::cli
