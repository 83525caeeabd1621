#pragma once

#include "pubsub.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <memory>
#include <vector>

namespace coder::server {

// The subscribers of every channel and the delivery into their contexts, shared by the Pubsub
// backends. Thread-safe. Each subscriber gets a small sender object whose queued signals carry
// messages into its context's thread: Qt's queued connections stay safe when the context is
// destroyed in its own thread while another thread emits, and drop what was still queued.
class SubscriberRegistry : public std::enable_shared_from_this<SubscriberRegistry>
{
public:
    // Runs with the registry's lock held, so it must only hand work to another thread.
    using ChannelHook = std::function<void(const QString &channel)>;

    struct Subscriber;
    // Tells one subscriber whether it is listening (see Pubsub::listen); callable from any
    // thread, a no-op once the subscription is gone.
    using Announcer = std::function<void(const QString &error)>;

    SubscriberRegistry() = default;
    ~SubscriberRegistry();

    SubscriberRegistry(const SubscriberRegistry &) = delete;
    SubscriberRegistry &operator=(const SubscriberRegistry &) = delete;

    // Called when a channel lost its last subscriber.
    void setChannelReleasedHook(ChannelHook hook);

    // The registry must be owned by a shared_ptr. Fails once closed. With onListening, sets
    // *announcer to what delivers it.
    core::Result<std::unique_ptr<Subscription>, QString>
    add(const QString &channel, QObject *context, Pubsub::MessageHandler onMessage,
        Pubsub::DroppedHandler onDropped, Pubsub::ListeningHandler onListening = {},
        Announcer *announcer = nullptr);
    // Queues the payload to every subscriber of the channel; false once closed.
    bool deliver(const QString &channel, const QByteArray &payload) const;
    // Queues onDropped to every subscriber that has one.
    void deliverDropped() const;
    // The channels that have at least one subscriber.
    QSet<QString> channels() const;
    // Forgets every subscriber (none of their handlers runs again) and the hook. Idempotent.
    void close();

private:
    friend class RegisteredSubscription;
    void remove(const std::shared_ptr<Subscriber> &subscriber);

    mutable QMutex m_mutex;
    bool m_closed = false;
    ChannelHook m_channelReleased;
    QHash<QString, std::vector<std::shared_ptr<Subscriber>>> m_byChannel;
};

} // namespace coder::server
