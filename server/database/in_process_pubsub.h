#pragma once

#include "pubsub.h"

#include <memory>

namespace coder::server {

class SubscriberRegistry;

// The pubsub of a single coderd (the SQLite backend): publish hands the payload straight to
// the subscribers' event loops.
class InProcessPubsub final : public Pubsub
{
public:
    InProcessPubsub();
    ~InProcessPubsub() override;

    void close() override;

protected:
    core::Result<core::Ok, QString> publishChecked(const QString &channel,
                                                   const QByteArray &payload) override;
    core::Result<std::unique_ptr<Subscription>, QString>
    subscribeChecked(const QString &channel, QObject *context, MessageHandler onMessage,
                     DroppedHandler onDropped, ListeningHandler onListening) override;

private:
    std::shared_ptr<SubscriberRegistry> m_registry;
};

} // namespace coder::server
