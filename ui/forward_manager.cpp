#include "forward_manager.h"

#include "core/api_client.h"
#include "core/tunnel/tunnel_client.h"
#include "deployment_session.h"
#include "workspace_table_model.h"

#include <QSettings>

namespace coder::ui {

using core::tunnel::ForwardSpec;
using core::tunnel::PortForwarder;
using core::tunnel::StreamTarget;
using core::tunnel::TunnelClient;
using core::tunnel::TunnelSession;

ForwardManager::ForwardManager(QSettings &settings, QObject *parent)
    : QObject(parent), m_settings(settings)
{
    load();
}

ForwardManager::~ForwardManager()
{
    dropTunnels();
}

const ForwardManager::Forward *ForwardManager::find(int id) const
{
    for (const Forward &forward : m_forwards) {
        if (forward.id == id)
            return &forward;
    }
    return nullptr;
}

ForwardManager::Forward *ForwardManager::findMutable(int id)
{
    return const_cast<Forward *>(std::as_const(*this).find(id));
}

void ForwardManager::setSession(DeploymentSession *session)
{
    for (Forward &forward : m_forwards)
        stop(forward);
    dropTunnels();
    m_session = session;
    m_token = session ? session->api().sessionToken() : QString();
    if (session && session != m_watched) {
        // A login again (the old token was revoked) keeps the session: the tunnels are made
        // again with the new token.
        m_watched = session;
        connect(session, &DeploymentSession::userLoaded, this, [this, session] {
            if (session == m_session && session->api().sessionToken() != m_token)
                setSession(session);
        });
        connect(session->workspaces(), &QAbstractItemModel::dataChanged, this,
                &ForwardManager::followAgents);
        connect(session->workspaces(), &QAbstractItemModel::rowsInserted, this,
                &ForwardManager::followAgents);
    }
    for (Forward &forward : m_forwards) {
        if (forward.enabled)
            start(forward);
    }
}

core::Result<int, QString> ForwardManager::add(const QUuid &workspaceId,
                                               const QString &workspaceName, const QUuid &agentId,
                                               const ForwardSpec &spec)
{
    if (!m_session)
        return tr("Log in to a deployment first.");
    Forward forward;
    forward.id = m_nextId++;
    forward.deploymentId = m_session->deployment().id();
    forward.workspaceId = workspaceId;
    forward.workspaceName = workspaceName;
    forward.agentId = agentId;
    forward.spec = spec;
    const int row = m_session->workspaces()->rowOf(workspaceId);
    if (row >= 0) {
        for (const auto &resource :
             m_session->workspaces()->workspaceAt(row).latestBuild.resources) {
            for (const auto &agent : resource.agents) {
                if (agent.id == agentId)
                    forward.agentName = agent.name;
            }
        }
    }
    start(forward);
    if (!forward.running)
        return forward.problem;
    m_forwards.append(forward);
    save();
    Q_EMIT added(forward.id);
    return forward.id;
}

void ForwardManager::remove(int id)
{
    Forward *forward = findMutable(id);
    if (!forward)
        return;
    stop(*forward);
    m_forwards.removeIf([id](const Forward &each) { return each.id == id; });
    save();
    Q_EMIT removed(id);
}

void ForwardManager::setEnabled(int id, bool enabled)
{
    Forward *forward = findMutable(id);
    if (!forward || forward->enabled == enabled)
        return;
    forward->enabled = enabled;
    if (enabled)
        start(*forward);
    else
        stop(*forward);
    save();
    Q_EMIT changed(id);
}

void ForwardManager::setAllEnabled(bool enabled)
{
    const QList<Forward> all = m_forwards;
    for (const Forward &forward : all)
        setEnabled(forward.id, enabled);
}

ForwardManager::Tunnel &ForwardManager::tunnelFor(const QUuid &agentId)
{
    Tunnel &tunnel = m_tunnels[agentId];
    if (tunnel.client)
        return tunnel;
    const QUrl url = core::ApiClient::webSocketUrl(
        m_session->api().baseUrl(), QStringLiteral("/api/v2/workspaceagents/%1/tunnel")
                                        .arg(agentId.toString(QUuid::WithoutBraces)));
    tunnel.client =
        new TunnelClient(url, m_session->api().sessionToken(), TunnelSession::Side::Dialer, this);
    tunnel.client->setUserAgent(QStringLiteral("coder-desktop/" CODER_VERSION));
    tunnel.forwarder = new PortForwarder(tunnel.client, this);
    connect(tunnel.forwarder, &PortForwarder::changed, this, [this, agentId](int forwarderId) {
        const int id = m_running.value({agentId, forwarderId});
        Forward *forward = findMutable(id);
        if (!forward || !m_tunnels.value(agentId).forwarder)
            return;
        forward->state = m_tunnels.value(agentId).forwarder->state(forwarderId);
        Q_EMIT changed(id);
    });
    connect(
        tunnel.forwarder, &PortForwarder::connectionFailed, this,
        [this, agentId](int forwarderId, const QString &error) {
            const int id = m_running.value({agentId, forwarderId});
            if (const Forward *forward = find(id))
                Q_EMIT failed(
                    id,
                    tr("%1 (%2): %3").arg(forward->spec.describe(), forward->workspaceName, error));
        });
    connect(tunnel.client, &TunnelClient::refused, this,
            [this, agentId](int, const QString &reason) {
                for (Forward &forward : m_forwards) {
                    if (forward.agentId != agentId || !forward.running)
                        continue;
                    forward.problem = tr("coderd refused the tunnel: %1").arg(reason);
                    Q_EMIT failed(forward.id, forward.problem);
                    Q_EMIT changed(forward.id);
                }
            });
    tunnel.client->start();
    return tunnel;
}

QUuid ForwardManager::agentNow(const Forward &forward) const
{
    const int row = m_session ? m_session->workspaces()->rowOf(forward.workspaceId) : -1;
    if (row < 0)
        return {};
    for (const auto &resource : m_session->workspaces()->workspaceAt(row).latestBuild.resources) {
        for (const auto &agent : resource.agents) {
            if (agent.name == forward.agentName)
                return agent.id;
        }
    }
    return {};
}

void ForwardManager::followAgents()
{
    bool moved = false;
    for (Forward &forward : m_forwards) {
        const QUuid now = agentNow(forward);
        if (!forward.enabled || now.isNull() || now == forward.agentId)
            continue;
        stop(forward);
        start(forward);
        moved = true;
        Q_EMIT changed(forward.id);
    }
    if (moved)
        save();
}

void ForwardManager::start(Forward &forward)
{
    forward.problem.clear();
    if (!m_session || forward.deploymentId != m_session->deployment().id()) {
        forward.problem = tr("Not logged in to its deployment.");
        return;
    }
    if (const QUuid now = agentNow(forward); !now.isNull())
        forward.agentId = now;
    Tunnel &tunnel = tunnelFor(forward.agentId);
    auto started = tunnel.forwarder->add(forward.spec);
    if (!started) {
        forward.running = false;
        forward.problem = started.error();
        return;
    }
    forward.running = true;
    forward.state = tunnel.forwarder->state(*started);
    // A port picked at the first start is kept: the same URL at the next start.
    forward.spec.listenPort = forward.state.boundPort;
    m_running.insert({forward.agentId, *started}, forward.id);
}

void ForwardManager::stop(Forward &forward)
{
    if (!forward.running)
        return;
    forward.running = false;
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
        if (it.value() != forward.id)
            continue;
        if (PortForwarder *forwarder = m_tunnels.value(it.key().first).forwarder)
            forwarder->remove(it.key().second);
        m_running.erase(it);
        break;
    }
}

void ForwardManager::dropTunnels()
{
    for (const Tunnel &tunnel : std::as_const(m_tunnels)) {
        delete tunnel.forwarder;
        tunnel.client->stop();
        tunnel.client->deleteLater();
    }
    m_tunnels.clear();
    m_running.clear();
}

void ForwardManager::load()
{
    const int count = m_settings.beginReadArray(QStringLiteral("forwards"));
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        Forward forward;
        forward.id = m_nextId++;
        forward.deploymentId = m_settings.value(QStringLiteral("deployment")).toString();
        forward.workspaceId = m_settings.value(QStringLiteral("workspace")).toUuid();
        forward.workspaceName = m_settings.value(QStringLiteral("workspaceName")).toString();
        forward.agentId = m_settings.value(QStringLiteral("agent")).toUuid();
        forward.agentName = m_settings.value(QStringLiteral("agentName")).toString();
        forward.spec.protocol = m_settings.value(QStringLiteral("udp")).toBool()
                                    ? StreamTarget::Kind::Udp
                                    : StreamTarget::Kind::Tcp;
        forward.spec.listenAddress =
            QHostAddress(m_settings.value(QStringLiteral("address")).toString());
        forward.spec.listenPort = quint16(m_settings.value(QStringLiteral("local")).toUInt());
        forward.spec.remotePort = quint16(m_settings.value(QStringLiteral("remote")).toUInt());
        forward.enabled = m_settings.value(QStringLiteral("enabled"), true).toBool();
        if (!forward.agentId.isNull() && forward.spec.remotePort != 0)
            m_forwards.append(forward);
    }
    m_settings.endArray();
}

void ForwardManager::save()
{
    m_settings.beginWriteArray(QStringLiteral("forwards"), int(m_forwards.size()));
    for (int i = 0; i < m_forwards.size(); ++i) {
        const Forward &forward = m_forwards.at(i);
        m_settings.setArrayIndex(i);
        m_settings.setValue(QStringLiteral("deployment"), forward.deploymentId);
        m_settings.setValue(QStringLiteral("workspace"), forward.workspaceId);
        m_settings.setValue(QStringLiteral("workspaceName"), forward.workspaceName);
        m_settings.setValue(QStringLiteral("agent"), forward.agentId);
        m_settings.setValue(QStringLiteral("agentName"), forward.agentName);
        m_settings.setValue(QStringLiteral("udp"),
                            forward.spec.protocol == StreamTarget::Kind::Udp);
        m_settings.setValue(QStringLiteral("address"), forward.spec.listenAddress.toString());
        m_settings.setValue(QStringLiteral("local"), forward.spec.listenPort);
        m_settings.setValue(QStringLiteral("remote"), forward.spec.remotePort);
        m_settings.setValue(QStringLiteral("enabled"), forward.enabled);
    }
    m_settings.endArray();
    m_settings.sync();
}

} // namespace coder::ui
