#pragma once

#include "core/api_error.h"
#include "core/api_types.h"
#include "core/result.h"
#include "core/retry_backoff.h"
#include "core/workspace_types.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUuid>

class QWebSocket;

namespace coder::core {

class ApiClient;

// Keeps a deployment's workspace feed open (GET /api/v2/workspaces/watch-ws; WorkspaceEvent is
// its message) and reports each event, for a dashboard that never polls. When the feed drops or
// cannot be opened it tries again after a backoff (RetryBackoff: 0.5 s doubling to 15 s), and
// the first event after that is a snapshot, from which the receiver drops the rows that went
// meanwhile. A refused token (401) stops it in Unauthorized until start() is called again with
// a new token on the client: the user must log in again.
class WorkspaceFeed : public QObject
{
    Q_OBJECT
public:
    static constexpr int kFirstRetryMs = 500;
    static constexpr int kMaxRetryMs = 15000;

    enum class State {
        Stopped,
        Connecting,
        Live,        // open: every change arrives
        Waiting,     // dropped or refused; the next try is scheduled
        Unauthorized // the token was refused; no retry
    };
    Q_ENUM(State)

    // Opens the feed with the client's URL and token (read at each try).
    explicit WorkspaceFeed(ApiClient &client, QObject *parent = nullptr);
    ~WorkspaceFeed() override;

    void start();
    // Closes the feed; no event follows.
    void stop();
    State state() const { return m_state; }
    // Why the feed is not live (a message fit for the user); empty while it is.
    QString problem() const { return m_problem; }

Q_SIGNALS:
    void snapshot(const QList<coder::core::Workspace> &workspaces);
    void updated(const coder::core::Workspace &workspace);
    void removed(const QUuid &workspaceId);
    // retryMs: when the next try is (Waiting only).
    void stateChanged(coder::core::WorkspaceFeed::State state, const QString &problem, int retryMs);

private:
    void connectNow();
    void onMessage(const QString &message);
    // The feed ended or could not be opened: find out whether the token is why, then retry.
    void onLost(const QString &reason);
    void onProbed(const QString &reason, const Result<User, ApiError> &me);
    void retryLater(const QString &reason);
    void setState(State state, const QString &problem = {}, int retryMs = 0);
    void dropSocket();

    ApiClient &m_client;
    QPointer<QWebSocket> m_socket;
    QTimer m_retry;
    RetryBackoff m_backoff{kFirstRetryMs, kMaxRetryMs};
    State m_state = State::Stopped;
    QString m_problem;
    bool m_opened = false; // the current socket's handshake completed
    int m_generation = 0;  // of the current socket: late signals of older ones are ignored
};

} // namespace coder::core
