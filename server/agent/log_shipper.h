#pragma once

#include "core/agent_types.h"

#include <QObject>
#include <QTimer>
#include <deque>

namespace coder::core {
class ApiClient;
}

namespace coder::server::agent {

// Sends the agent's log lines to coderd (PATCH /workspaceagents/me/logs) in batches, one
// request at a time, in order; lines wait while coderd is away. Once coderd says the agent's
// logs are full (413) nothing more is sent, and lines past what is pending are dropped, so a
// chatty script cannot grow the agent's memory.
class LogShipper : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxPendingBytes = 1024 * 1024;
    static constexpr qsizetype kMaxBatchLines = 500;

    explicit LogShipper(core::ApiClient &api, QObject *parent = nullptr);

    void append(const QString &output, const QString &level = QStringLiteral("info"));
    bool idle() const { return m_pending.empty() && !m_inFlight; }
    bool overflowed() const { return m_overflowed; }

Q_SIGNALS:
    void drained(); // everything appended so far was sent (or dropped)

private:
    void send();

    core::ApiClient &m_api;
    QTimer m_batch;
    QTimer m_retry;
    std::deque<core::WorkspaceAgentLog> m_pending;
    qsizetype m_pendingBytes = 0;
    bool m_inFlight = false;
    bool m_overflowed = false;
};

} // namespace coder::server::agent
