#pragma once

#include "core/tunnel/forward_spec.h"
#include "core/tunnel/port_forwarder.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUuid>

class QSettings;

namespace coder::core::tunnel {
class TunnelClient;
}

namespace coder::ui {

class DeploymentSession;

// The desktop's port forwards: each one listens on this machine and reaches a port in a
// workspace through the agent's tunnel (core's PortForwarder, one tunnel per agent, which
// reconnects by itself when the network or coderd comes back; a restarted workspace's new agent
// is followed). They belong to the app, not the
// window: they run while it is closed to the tray, are kept in the settings and come back at
// the next start, and turning one off or on never touches another's connections.
class ForwardManager : public QObject
{
    Q_OBJECT
public:
    struct Forward
    {
        int id = 0; // stable while the app runs
        QString deploymentId;
        QUuid workspaceId;
        QString workspaceName;
        // The agent by name: a new build of the workspace brings an agent with a new id, which
        // the forward follows (agentId is the one it runs with).
        QString agentName;
        QUuid agentId;
        core::tunnel::ForwardSpec spec; // a listen port 0: picked when it starts
        bool enabled = true;
        // While it runs:
        core::tunnel::PortForwarder::State state;
        bool running = false;
        QString problem; // why it is not running
    };

    explicit ForwardManager(QSettings &settings, QObject *parent = nullptr);
    ~ForwardManager() override;

    // The session the forwards of its deployment run with (nullptr: none run).
    void setSession(DeploymentSession *session);
    // A new forward (running at once); its id, or why not (the local port is taken, ...).
    core::Result<int, QString> add(const QUuid &workspaceId, const QString &workspaceName,
                                   const QUuid &agentId, const core::tunnel::ForwardSpec &spec);
    void remove(int id);
    void setEnabled(int id, bool enabled);
    void setAllEnabled(bool enabled);
    QList<Forward> forwards() const { return m_forwards; }
    const Forward *find(int id) const;

Q_SIGNALS:
    void added(int id);
    void removed(int id);
    void changed(int id);
    // A connection or the forward itself failed: a message fit for a notification.
    void failed(int id, const QString &message);

private:
    struct Tunnel
    {
        core::tunnel::TunnelClient *client = nullptr;
        core::tunnel::PortForwarder *forwarder = nullptr;
    };
    Forward *findMutable(int id);
    void start(Forward &forward);
    void stop(Forward &forward);
    Tunnel &tunnelFor(const QUuid &agentId);
    // The id of the forward's agent in the workspace's latest build; null when it has none.
    QUuid agentNow(const Forward &forward) const;
    // Moves running forwards whose workspace has a new agent onto it.
    void followAgents();
    void dropTunnels();
    void load();
    void save();

    QSettings &m_settings;
    QPointer<DeploymentSession> m_session;
    QString m_token;                       // the session's token the tunnels were made with
    QPointer<DeploymentSession> m_watched; // whose new logins are followed
    QList<Forward> m_forwards;
    QHash<QUuid, Tunnel> m_tunnels;          // by agent, for the current session
    QHash<QPair<QUuid, int>, int> m_running; // (agent, forwarder id) -> forward id
    int m_nextId = 1;
};

} // namespace coder::ui
