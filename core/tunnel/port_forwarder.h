#pragma once

#include "forward_spec.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace coder::core::tunnel {

class TunnelClient;

// Local port forwards into one workspace (`coder port-forward`, the desktop's tray): a listener
// per forward on this machine; each connection it accepts gets a stream to the forward's port in
// the workspace, joined to it with back-pressure both ways and half-close passed on. A UDP
// forward gives each peer address a flow (a datagram stream, datagram_stream.h) that ends after
// kUdpIdleMs without traffic. A
// connection that comes while the tunnel is down waits for it (up to kTunnelWaitMs); one whose
// port the agent cannot reach is closed, and the forward records why. Forwards are independent:
// adding, failing or removing one never touches another's connections.
class PortForwarder : public QObject
{
    Q_OBJECT
public:
    static constexpr int kTunnelWaitMs = 10000;
    static constexpr int kUdpIdleMs = 5 * 60 * 1000;

    struct State
    {
        ForwardSpec spec;
        quint16 boundPort = 0; // the port listened on (the one asked for, or the one picked)
        int openConnections = 0;
        qint64 connections = 0; // accepted so far
        qint64 bytesUp = 0;     // to the workspace, of finished connections
        qint64 bytesDown = 0;
        QString lastError;
    };

    // tunnel: the client's tunnel to the agent (its session may come and go).
    explicit PortForwarder(TunnelClient *tunnel, QObject *parent = nullptr);
    ~PortForwarder() override;

    // Listens for spec (a listen port 0 picks a free one): the forward's id, or why not ("cannot
    // listen on 127.0.0.1:8080: address already in use").
    Result<int, QString> add(const ForwardSpec &spec);
    // Stops listening and ends the forward's connections.
    void remove(int id);
    QList<int> ids() const { return m_forwards.keys(); }
    State state(int id) const;

Q_SIGNALS:
    void changed(int id);
    // One connection of the forward failed (the workspace's port refused it, the tunnel
    // dropped): error says why.
    void connectionFailed(int id, const QString &error);

private:
    class Listener;
    class UdpForward;
    struct Forward
    {
        State state;
        QObject *listener = nullptr; // a Listener (TCP) or a UdpForward; owns the connections
    };
    struct Waiting
    {
        int id;
        int descriptor;
        qint64 since; // ms since the epoch
    };
    void onAccepted(int id, int descriptor);
    void connectThrough(int id, int descriptor);
    void onTunnelConnected();
    void dropExpired();
    void failConnection(int id, const QString &error);

    TunnelClient *m_tunnel;
    QList<Waiting> m_waiting; // accepted while the tunnel was down
    QTimer *m_waitTimer;
    QHash<int, Forward> m_forwards;
    int m_nextId = 1;
};

} // namespace coder::core::tunnel
