#pragma once

#include "access_watch.h"
#include "core/mailbox.h"
#include "domain_error.h"
#include "server/database/pubsub.h"

#include <QObject>
#include <functional>
#include <memory>

class QWebSocket;

namespace coder::core {
class WorkPool;
}

namespace coder::server {

// Follows logs over a WebSocket (`.../logs?follow`): whatever a fetch finds after the last log
// sent, then again each time the source's channel fires, as text messages; a normal close with
// the source's end reason once a fetch says no more will come; a policy close (1008) with the
// reason once its access check fails. Lives as long as its socket, on the socket's event-loop
// thread; fetches run on the pool. Provisioner jobs and agents use it.
class LogStream : public QObject
{
    Q_OBJECT
public:
    struct Batch
    {
        QList<QByteArray> messages; // to send, in order
        qint64 last = -1;           // the id of the last log in them; -1: none
        bool ended = false;         // no log will follow these
    };
    struct Source
    {
        QString channel;
        std::function<Outcome<Batch>(qint64 after)> fetch; // runs on the pool
        QString endReason;
    };

    static void start(core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket, Source source,
                      qint64 after, AccessWatch::Options access);

private:
    LogStream(core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket, Source source, qint64 after,
              AccessWatch::Options access);
    void pump();

    core::WorkPool &m_pool;
    QWebSocket *m_socket;
    Source m_source;
    qint64 m_after;
    bool m_reading = false;
    bool m_readAgain = false;
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
