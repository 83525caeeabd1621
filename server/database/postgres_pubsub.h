#pragma once

#include "postgres_url.h"
#include "pubsub.h"

#include <QReadWriteLock>
#include <memory>

class QSqlDatabase;

namespace coder::server {

class PostgresListener;
class PostgresPublisher;
class SubscriberRegistry;

// LISTEN/NOTIFY: every coderd replica on one PostgreSQL database sees every message. Two
// connections of its own, each on a thread of its own: a listener (LISTEN, reconnect, re-LISTEN)
// and a publisher (SELECT pg_notify). A replica's own messages come back through the listener
// too, so all subscribers see one order: the order in which the NOTIFYs committed.
class PostgresPubsub final : public Pubsub
{
public:
    // How often the listener checks its connection (SELECT 1) or retries a lost one.
    static constexpr int kHealthCheckIntervalMs = 2000;

    // Parses the URL and connects both connections; the error never contains the password.
    static core::Result<std::unique_ptr<PostgresPubsub>, QString> open(const QString &url);
    ~PostgresPubsub() override;

    void close() override;

    // Sets host, port, user, password, database and options on a pubsub connection, plus TCP
    // keepalives so that a vanished server is noticed, and an application_name for
    // pg_stat_activity unless the URL names one.
    static void configureConnection(QSqlDatabase &db, const PostgresUrl &url);

protected:
    core::Result<core::Ok, QString> publishChecked(const QString &channel,
                                                   const QByteArray &payload) override;
    core::Result<std::unique_ptr<Subscription>, QString>
    subscribeChecked(const QString &channel, QObject *context, MessageHandler onMessage,
                     DroppedHandler onDropped, ListeningHandler onListening) override;

private:
    explicit PostgresPubsub(PostgresUrl url);

    PostgresUrl m_url;
    std::shared_ptr<SubscriberRegistry> m_registry;
    std::unique_ptr<PostgresListener> m_listener;
    std::unique_ptr<PostgresPublisher> m_publisher;
    // Held shared by publish and subscribe while they wait for a worker thread, exclusively by
    // close() before it stops the threads.
    QReadWriteLock m_lifecycle;
    bool m_closed = false;
};

} // namespace coder::server
