#include "in_process_pubsub.h"

#include "subscriber_registry.h"

namespace coder::server {

InProcessPubsub::InProcessPubsub() : m_registry(std::make_shared<SubscriberRegistry>()) {}

InProcessPubsub::~InProcessPubsub()
{
    close();
}

void InProcessPubsub::close()
{
    m_registry->close();
}

core::Result<core::Ok, QString> InProcessPubsub::publishChecked(const QString &channel,
                                                                const QByteArray &payload)
{
    if (!m_registry->deliver(channel, payload))
        return QStringLiteral("The pubsub is closed.");
    return core::Ok{};
}

core::Result<std::unique_ptr<Subscription>, QString>
InProcessPubsub::subscribeChecked(const QString &channel, QObject *context,
                                  MessageHandler onMessage, DroppedHandler onDropped,
                                  ListeningHandler onListening)
{
    SubscriberRegistry::Announcer announce;
    auto subscription = m_registry->add(channel, context, std::move(onMessage),
                                        std::move(onDropped), std::move(onListening), &announce);
    if (subscription && announce)
        announce({}); // registered is listening here
    return subscription;
}

} // namespace coder::server
