#pragma once

#include "core/mailbox.h"
#include "domain_error.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <optional>

class QWebSocket;

namespace coder::core {
class WorkPool;
}

namespace coder::server {

// Checks now and then that a long-lived connection (a tunnel, a log follow, a workspace watch)
// may go on: its check, run on the pool, authenticates the actor's token again and asks the
// service again, as the upgrade did (RouteKit::accessWatch builds it). A refusal calls ended on
// the owner's thread; a database that does not answer, or fails, ends nothing. A child of its
// owner: it stops with it.
class AccessWatch : public QObject
{
    Q_OBJECT
public:
    using Check = std::function<std::optional<DomainError>()>; // blocking (SQL)
    struct Options
    {
        Check check;
        core::WorkPool *pool = nullptr;
        int intervalMs = 30000;
    };

    AccessWatch(Options options, std::function<void(const DomainError &)> ended, QObject *owner);
    // The watch of a WebSocket that streams to its client (log follows, watches, feeds): once
    // access ends, stop() (what feeds it), then a policy close (1008) "Access ended: <why>".
    static void closing(Options options, QWebSocket *socket, std::function<void()> stop,
                        QObject *owner);

private:
    void run();

    Options m_options;
    std::function<void(const DomainError &)> m_ended;
    QTimer m_timer;
    bool m_checking = false; // a check is on the pool: a slow database does not pile them up
    bool m_done = false;
    core::Mailbox m_mailbox{this};
};

// A check's answer from a service's outcome: its error, if it has one.
template <typename T> std::optional<DomainError> refusalOf(const Outcome<T> &outcome)
{
    if (outcome)
        return std::nullopt;
    return outcome.error();
}

} // namespace coder::server
