#pragma once

#include "postgres_url.h"
#include "worker_thread.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <functional>
#include <memory>

class QTimer;

namespace coder::server {

class SubscriberRegistry;

// The LISTEN side of PostgresPubsub: one connection on a thread of its own whose event loop
// watches the connection's socket (Qt's QPSQL driver reads notifications through a
// QSocketNotifier, which needs the thread that opened the connection). It LISTENs to exactly
// the channels the registry has subscribers for, hands notifications to the registry, checks the
// connection every 2 s and reconnects, LISTENs again and tells subscribers that messages may have
// been dropped.
class PostgresListener
{
public:
    PostgresListener(PostgresUrl url, std::shared_ptr<SubscriberRegistry> registry);
    ~PostgresListener();

    PostgresListener(const PostgresListener &) = delete;
    PostgresListener &operator=(const PostgresListener &) = delete;

    // Connects (waits). Returns "" or the reason, without the password.
    QString start();
    // Brings the LISTEN set in line with the registry and waits; "" once channel is listened to.
    QString ensureListening(const QString &channel);
    // ensureListening without waiting: announce gets its result on the listener's thread.
    void listenLater(const QString &channel, std::function<void(const QString &)> announce);
    // The same without waiting (a channel lost its last subscriber). Thread-safe.
    void reconcileLater();
    // Closes the connection and ends the thread. Idempotent.
    void stop();

private:
    // Everything below runs in m_thread.
    QString listenNow(const QString &channel);
    QString open();
    QString reconcile();
    void checkHealth();
    void lose(const QString &reason);
    void tryReconnect();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void shutdown();

    PostgresUrl m_url;
    std::shared_ptr<SubscriberRegistry> m_registry;
    QString m_connectionName;
    QSqlDatabase m_db;
    QSet<QString> m_listening;
    QTimer *m_healthTimer = nullptr;
    bool m_connected = false;
    bool m_stopped = false;
    QElapsedTimer m_outage;
    QString m_lastFailure;
    WorkerThread m_thread; // last: its destructor stops the thread before the state goes
};

} // namespace coder::server
