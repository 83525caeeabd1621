#pragma once

#include "core/retry_backoff.h"
#include "tunnel_session.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QTcpSocket;

namespace coder::core {
class WebSocketDialer;
}

namespace coder::core::tunnel {

// Keeps one tunnel to coderd up: opens the WebSocket (the token in Coder-Session-Token), runs a
// TunnelSession over it and, when it drops or cannot be opened, tries again after an
// exponential backoff with jitter (0.25 s doubling to 4 s, each wait drawn from its upper half),
// so many agents coming back after a coderd restart do not arrive all at once and each is back
// within about 5 s. The agent (listener) and the CLI and desktop (dialer) share it.
class TunnelClient : public QObject
{
    Q_OBJECT
public:
    static constexpr int kFirstRetryMs = 250;
    static constexpr int kMaxRetryMs = 4000;

    // url: coderd's tunnel route (http(s):// or ws(s)://).
    TunnelClient(const QUrl &url, const QString &token, TunnelSession::Side side,
                 QObject *parent = nullptr);
    ~TunnelClient() override;

    // Pings coderd this often while connected; a silent coderd is left after two intervals.
    void setKeepAlive(int intervalMs) { m_keepAliveMs = intervalMs; }
    void setUserAgent(const QString &userAgent) { m_userAgent = userAgent; }
    void start();
    // Closes the tunnel and stops reconnecting.
    void stop();
    // The live session; null while disconnected.
    TunnelSession *session() const { return m_session; }

Q_SIGNALS:
    void connected(coder::core::tunnel::TunnelSession *session);
    // The tunnel dropped or could not be opened; the next try is in retryMs.
    void disconnected(const QString &reason, int retryMs);
    // coderd refused the tunnel (4xx: a bad token, no such agent, not allowed); no retry
    // follows until start() is called again.
    void refused(int status, const QString &reason);

private:
    void connectNow();
    void onUpgraded(QTcpSocket *socket);
    void scheduleRetry(const QString &reason);

    QUrl m_url;
    QString m_token;
    QString m_userAgent;
    TunnelSession::Side m_side;
    int m_keepAliveMs = 15000;
    QPointer<WebSocketDialer> m_dialer; // while connecting
    QPointer<TunnelSession> m_session;
    QTimer m_retry;
    RetryBackoff m_backoff{kFirstRetryMs, kMaxRetryMs};
    bool m_stopped = true;
};

} // namespace coder::core::tunnel
