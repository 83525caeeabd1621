#include "postgres_pubsub.h"

#include "postgres_listener.h"
#include "postgres_publisher.h"
#include "subscriber_registry.h"

#include <QSqlDatabase>
#include <algorithm>

namespace coder::server {

PostgresPubsub::PostgresPubsub(PostgresUrl url)
    : m_url(std::move(url)), m_registry(std::make_shared<SubscriberRegistry>())
{}

core::Result<std::unique_ptr<PostgresPubsub>, QString> PostgresPubsub::open(const QString &url)
{
    auto parsed = PostgresUrl::parse(url);
    if (!parsed)
        return parsed.error();
    std::unique_ptr<PostgresPubsub> pubsub(new PostgresPubsub(std::move(*parsed)));
    const PostgresUrl &where = pubsub->m_url;
    pubsub->m_listener = std::make_unique<PostgresListener>(where, pubsub->m_registry);
    pubsub->m_publisher = std::make_unique<PostgresPublisher>(where);
    QString problem = pubsub->m_listener->start();
    if (problem.isEmpty())
        problem = pubsub->m_publisher->start();
    if (!problem.isEmpty())
        return QStringLiteral("Cannot connect the pubsub to PostgreSQL at %1: %2")
            .arg(where.describe(), problem.simplified());
    PostgresListener *listener = pubsub->m_listener.get();
    // UNLISTEN a channel once its last local subscriber went away.
    pubsub->m_registry->setChannelReleasedHook(
        [listener](const QString &) { listener->reconcileLater(); });
    return pubsub;
}

PostgresPubsub::~PostgresPubsub()
{
    close();
}

void PostgresPubsub::close()
{
    {
        QWriteLocker locker(&m_lifecycle);
        if (m_closed)
            return;
        m_closed = true;
    }
    // First the registry: no handler runs any more and the hook that reaches the listener's
    // thread is gone; then the threads.
    m_registry->close();
    if (m_listener)
        m_listener->stop();
    if (m_publisher)
        m_publisher->stop();
}

void PostgresPubsub::configureConnection(QSqlDatabase &db, const PostgresUrl &url)
{
    if (!url.host.isEmpty())
        db.setHostName(url.host);
    db.setPort(url.port);
    if (!url.user.isEmpty())
        db.setUserName(url.user);
    if (!url.password.isEmpty())
        db.setPassword(url.password);
    if (!url.database.isEmpty())
        db.setDatabaseName(url.database);
    QStringList options = url.options;
    // A listener on a dead TCP connection would otherwise wait for minutes; ignored on unix
    // sockets.
    options << QStringLiteral("keepalives=1") << QStringLiteral("keepalives_idle=10")
            << QStringLiteral("keepalives_interval=5") << QStringLiteral("keepalives_count=3")
            << QStringLiteral("tcp_user_timeout=30000");
    const bool named = std::any_of(options.cbegin(), options.cend(), [](const QString &option) {
        return option.startsWith(QLatin1String("application_name="));
    });
    if (!named)
        options << QStringLiteral("application_name=coder_pubsub");
    db.setConnectOptions(options.join(u';'));
}

core::Result<core::Ok, QString> PostgresPubsub::publishChecked(const QString &channel,
                                                               const QByteArray &payload)
{
    QReadLocker locker(&m_lifecycle);
    if (m_closed)
        return QStringLiteral("The pubsub is closed.");
    return m_publisher->notify(channel, payload);
}

core::Result<std::unique_ptr<Subscription>, QString>
PostgresPubsub::subscribeChecked(const QString &channel, QObject *context, MessageHandler onMessage,
                                 DroppedHandler onDropped, ListeningHandler onListening)
{
    QReadLocker locker(&m_lifecycle);
    if (m_closed)
        return QStringLiteral("The pubsub is closed.");
    // Registered before the LISTEN, so nothing that arrives after it is missed.
    SubscriberRegistry::Announcer announce;
    auto subscription = m_registry->add(channel, context, std::move(onMessage),
                                        std::move(onDropped), std::move(onListening), &announce);
    if (!subscription)
        return subscription.error();
    if (announce) {
        m_listener->listenLater(channel, std::move(announce));
        return std::move(*subscription);
    }
    if (const QString problem = m_listener->ensureListening(channel); !problem.isEmpty())
        return problem; // destroying the subscription lets the listener UNLISTEN again
    return std::move(*subscription);
}

} // namespace coder::server
