#include "subscriber_registry.h"

#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRecursiveMutex>
#include <exception>

namespace coder::server {

namespace {

Q_LOGGING_CATEGORY(lcPubsubDelivery, "coder.pubsub")

} // namespace

// The sending end of a subscriber's queued connections into its context.
class SubscriberEmitter : public QObject
{
    Q_OBJECT

Q_SIGNALS:
    void message(const QByteArray &payload);
    void dropped();
    void listening(const QString &error);
};

struct SubscriberRegistry::Subscriber
{
    QString channel;
    // Emitted from only while the subscriber is registered (under the registry's lock); kill()
    // takes it after the subscriber left the registry.
    std::unique_ptr<SubscriberEmitter> emitter = std::make_unique<SubscriberEmitter>();

    // Held while a handler runs, so that kill() from another thread waits for it; recursive so
    // that a handler may destroy its own Subscription.
    QRecursiveMutex mutex;
    bool alive = true;
    Pubsub::MessageHandler onMessage;
    Pubsub::DroppedHandler onDropped;
    Pubsub::ListeningHandler onListening;

    template <typename Handler, typename... Args>
    void run(Handler Subscriber::*member, Args &&...args)
    {
        QMutexLocker locker(&mutex);
        if (!alive || !(this->*member))
            return;
        // A copy: the handler may destroy its Subscription, which clears the member.
        const Handler handler = this->*member;
        try {
            handler(std::forward<Args>(args)...);
        } catch (const std::exception &e) {
            qCWarning(lcPubsubDelivery) << "handler of channel" << channel << "threw:" << e.what();
        } catch (...) {
            qCWarning(lcPubsubDelivery) << "handler of channel" << channel << "threw";
        }
    }

    // Call after the subscriber left the registry.
    void kill()
    {
        Pubsub::MessageHandler message;
        Pubsub::DroppedHandler dropped;
        Pubsub::ListeningHandler listening;
        std::unique_ptr<SubscriberEmitter> sender;
        {
            QMutexLocker locker(&mutex);
            alive = false;
            message = std::move(onMessage);
            dropped = std::move(onDropped);
            listening = std::move(onListening);
            onMessage = nullptr;
            onDropped = nullptr;
            onListening = nullptr;
            sender = std::move(emitter);
        }
        // Deleting the sender removes its connections; events already queued find alive false.
        // The handlers (and what they captured) are released here too, outside the lock.
    }
};

class RegisteredSubscription final : public Subscription
{
public:
    RegisteredSubscription(std::weak_ptr<SubscriberRegistry> registry,
                           std::shared_ptr<SubscriberRegistry::Subscriber> subscriber)
        : m_registry(std::move(registry)), m_subscriber(std::move(subscriber))
    {}

    ~RegisteredSubscription() override
    {
        if (auto registry = m_registry.lock())
            registry->remove(m_subscriber);
        m_subscriber->kill();
    }

    QString channel() const override { return m_subscriber->channel; }

private:
    std::weak_ptr<SubscriberRegistry> m_registry;
    std::shared_ptr<SubscriberRegistry::Subscriber> m_subscriber;
};

SubscriberRegistry::~SubscriberRegistry()
{
    close();
}

void SubscriberRegistry::setChannelReleasedHook(ChannelHook hook)
{
    QMutexLocker locker(&m_mutex);
    if (!m_closed)
        m_channelReleased = std::move(hook);
}

core::Result<std::unique_ptr<Subscription>, QString>
SubscriberRegistry::add(const QString &channel, QObject *context, Pubsub::MessageHandler onMessage,
                        Pubsub::DroppedHandler onDropped, Pubsub::ListeningHandler onListening,
                        Announcer *announcer)
{
    auto subscriber = std::make_shared<Subscriber>();
    subscriber->channel = channel;
    subscriber->onMessage = std::move(onMessage);
    subscriber->onDropped = std::move(onDropped);
    subscriber->onListening = std::move(onListening);

    const std::weak_ptr<Subscriber> weak = subscriber;
    const auto connected = QObject::connect(
        subscriber->emitter.get(), &SubscriberEmitter::message, context,
        [weak](const QByteArray &payload) {
            if (auto s = weak.lock())
                s->run(&Subscriber::onMessage, payload);
        },
        Qt::QueuedConnection);
    if (!connected)
        return QStringLiteral("Cannot connect the pubsub subscription to its context object.");
    if (subscriber->onDropped) {
        QObject::connect(
            subscriber->emitter.get(), &SubscriberEmitter::dropped, context,
            [weak] {
                if (auto s = weak.lock())
                    s->run(&Subscriber::onDropped);
            },
            Qt::QueuedConnection);
    }

    if (subscriber->onListening) {
        QObject::connect(
            subscriber->emitter.get(), &SubscriberEmitter::listening, context,
            [weak](const QString &error) {
                if (auto s = weak.lock())
                    s->run(&Subscriber::onListening, error);
            },
            Qt::QueuedConnection);
        if (announcer) {
            *announcer = [weak](const QString &error) {
                auto s = weak.lock();
                if (!s)
                    return;
                // Under the subscriber's lock: kill() takes the emitter under it too.
                QMutexLocker locker(&s->mutex);
                if (s->alive && s->emitter)
                    Q_EMIT s->emitter->listening(error);
            };
        }
    }

    {
        QMutexLocker locker(&m_mutex);
        if (!m_closed) {
            m_byChannel[channel].push_back(subscriber);
            return std::unique_ptr<Subscription>(
                new RegisteredSubscription(weak_from_this(), std::move(subscriber)));
        }
    }
    subscriber->kill();
    return QStringLiteral("The pubsub is closed.");
}

bool SubscriberRegistry::deliver(const QString &channel, const QByteArray &payload) const
{
    QMutexLocker locker(&m_mutex);
    if (m_closed)
        return false;
    const auto it = m_byChannel.constFind(channel);
    if (it == m_byChannel.constEnd())
        return true;
    // Emitting under the lock keeps the order of concurrent publishers the same for everyone.
    for (const auto &subscriber : *it)
        Q_EMIT subscriber->emitter->message(payload);
    return true;
}

void SubscriberRegistry::deliverDropped() const
{
    QMutexLocker locker(&m_mutex);
    for (const auto &subscribers : m_byChannel) {
        for (const auto &subscriber : subscribers)
            Q_EMIT subscriber->emitter->dropped();
    }
}

QSet<QString> SubscriberRegistry::channels() const
{
    QMutexLocker locker(&m_mutex);
    QSet<QString> result;
    for (auto it = m_byChannel.constBegin(); it != m_byChannel.constEnd(); ++it)
        result.insert(it.key());
    return result;
}

void SubscriberRegistry::remove(const std::shared_ptr<Subscriber> &subscriber)
{
    QMutexLocker locker(&m_mutex);
    const auto it = m_byChannel.find(subscriber->channel);
    if (it == m_byChannel.end())
        return;
    std::erase(*it, subscriber);
    if (!it->empty())
        return;
    m_byChannel.erase(it);
    if (m_channelReleased)
        m_channelReleased(subscriber->channel);
}

void SubscriberRegistry::close()
{
    QHash<QString, std::vector<std::shared_ptr<Subscriber>>> all;
    {
        QMutexLocker locker(&m_mutex);
        m_closed = true;
        m_channelReleased = nullptr;
        all.swap(m_byChannel);
    }
    // Outside the registry's lock: kill() waits for running handlers, which may publish.
    for (const auto &subscribers : std::as_const(all)) {
        for (const auto &subscriber : subscribers)
            subscriber->kill();
    }
}

} // namespace coder::server

#include "subscriber_registry.moc"
