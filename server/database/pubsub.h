#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace coder::server {

// A subscriber's handle. Destroying it unsubscribes: once the destructor returned, the
// subscriber's handlers never run again. Destroying it from another thread while one of its
// handlers runs waits for that handler to return (from inside a handler it does not wait).
class Subscription
{
public:
    virtual ~Subscription() = default;
    virtual QString channel() const = 0;

    Subscription(const Subscription &) = delete;
    Subscription &operator=(const Subscription &) = delete;

protected:
    Subscription() = default;
};

// Wakes other parts of coderd, on this replica and on the others, when something changed:
// build logs appended, a workspace updated, an agent connected, a provisioner job queued.
// Messages are wake-ups, not a log: a subscriber reads the state from the Store. Delivery is
// at most once; after the PostgreSQL backend lost its connection, it calls each subscriber's
// onDropped so that it can catch up from the Store.
//
// Thread-safe: publish and subscribe may be called from any thread. Handlers run in the thread
// of the context object, queued through its event loop (never inside publish), one message at a
// time and in publish order per subscriber; never after the context or the Subscription was
// destroyed, nor after close().
class Pubsub
{
public:
    using MessageHandler = std::function<void(const QByteArray &payload)>;
    using DroppedHandler = std::function<void()>;
    // "" once every message published from then on reaches the subscription, else why not.
    using ListeningHandler = std::function<void(const QString &error)>;

    // PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; some room is left.
    static constexpr qsizetype kMaxPayloadBytes = 7900;
    // PostgreSQL's identifier limit (NAMEDATALEN - 1).
    static constexpr qsizetype kMaxChannelLength = 63;

    virtual ~Pubsub() = default;

    Pubsub(const Pubsub &) = delete;
    Pubsub &operator=(const Pubsub &) = delete;

    // The payload must be UTF-8 text (NOTIFY carries text) without NUL bytes, at most
    // kMaxPayloadBytes long. Returns once the message is sent: every subscription that existed
    // before the call receives it.
    core::Result<core::Ok, QString> publish(const QString &channel, const QByteArray &payload);

    // Several subscriptions per channel are fine. onDropped (optional) runs when messages may
    // have been lost (the PostgreSQL backend reconnected). When subscribe returns, the
    // subscription receives every message published afterwards, on any replica.
    core::Result<std::unique_ptr<Subscription>, QString> subscribe(const QString &channel,
                                                                   QObject *context,
                                                                   MessageHandler onMessage,
                                                                   DroppedHandler onDropped = {});
    // subscribe() for threads that must not wait (event-loop threads, ARCHITECTURE.md §3):
    // registers and returns at once; onListening then runs in the context's thread, like the
    // other handlers, once the subscription receives every message published afterwards ("")
    // or with the reason it will not (the PostgreSQL LISTEN failed).
    core::Result<std::unique_ptr<Subscription>, QString>
    listen(const QString &channel, QObject *context, MessageHandler onMessage,
           ListeningHandler onListening, DroppedHandler onDropped = {});

    // Stops delivery for good; publish and subscribe fail afterwards. Existing Subscriptions
    // may still be destroyed, also after the Pubsub itself. Idempotent.
    virtual void close() = 0;

    // Channel names: 1 to 63 ASCII letters, digits, '_', ':' and '-'. ('.' is excluded: Qt's
    // PostgreSQL driver splits identifiers at dots.) Returns "" or why the name is refused.
    static QString channelProblem(const QString &channel);
    static QString payloadProblem(const QByteArray &payload);

protected:
    Pubsub() = default;

    // Called with a valid channel and payload.
    virtual core::Result<core::Ok, QString> publishChecked(const QString &channel,
                                                           const QByteArray &payload) = 0;
    // Called with a valid channel, a context and a message handler. Without onListening it
    // returns once the subscription is listening; with it, at once.
    virtual core::Result<std::unique_ptr<Subscription>, QString>
    subscribeChecked(const QString &channel, QObject *context, MessageHandler onMessage,
                     DroppedHandler onDropped, ListeningHandler onListening) = 0;
};

} // namespace coder::server
