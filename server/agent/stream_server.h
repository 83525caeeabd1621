#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

namespace coder::core::tunnel {
class TunnelSession;
class TunnelStream;
} // namespace coder::core::tunnel

namespace coder::server::agent {

// The agent's answer to the streams coderd opens through its tunnel: a `tcp` stream is joined to
// a connection to that port on the workspace's loopback (connected without waiting; a port
// nobody listens on is refused with the reason, which the user sees); a `udp` stream carries
// datagrams to and from a socket connected to that port. Kinds not served yet are refused by
// name. Counts what it serves, for the agent's stats. Once the last stream has ended and none
// followed for a few seconds, it hands the memory its buffers used back to the system: an idle
// agent in every workspace should stay small.
class StreamServer : public QObject
{
    Q_OBJECT
public:
    explicit StreamServer(QObject *parent = nullptr);

    // Serves the streams of session (each new tunnel after a reconnect).
    void serve(core::tunnel::TunnelSession *session);

    struct Stats
    {
        QHash<QString, int> openByKind; // "tcp" -> open streams
        qint64 bytesIn = 0;             // from clients into the workspace
        qint64 bytesOut = 0;
    };
    const Stats &stats() const { return m_stats; }

private:
    void onStreamRequested(core::tunnel::TunnelStream *stream, const QByteArray &target);
    void serveTcp(core::tunnel::TunnelStream *stream, quint16 port);
    void serveUdp(core::tunnel::TunnelStream *stream, quint16 port);
    void opened(const QString &kind);
    void ended(const QString &kind);

    static constexpr int kIdleTrimMs = 5000;
    Stats m_stats;
    int m_open = 0;
    QTimer m_idleTrim;
};

} // namespace coder::server::agent
