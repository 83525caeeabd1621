#include "postgres_listener.h"

#include "postgres_pubsub.h"
#include "subscriber_registry.h"

#include <QAtomicInteger>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

namespace coder::server {

namespace {

Q_LOGGING_CATEGORY(lcPubsubListener, "coder.pubsub")

QAtomicInteger<quint64> g_listenerSerial;

} // namespace

PostgresListener::PostgresListener(PostgresUrl url, std::shared_ptr<SubscriberRegistry> registry)
    : m_url(std::move(url)), m_registry(std::move(registry)),
      m_connectionName(
          QStringLiteral("coder-pubsub-listen-%1").arg(g_listenerSerial.fetchAndAddOrdered(1))),
      m_thread(QStringLiteral("pubsub-listen"))
{}

PostgresListener::~PostgresListener()
{
    stop();
}

QString PostgresListener::start()
{
    return m_thread.call([this] {
        const QString problem = open();
        if (!problem.isEmpty())
            return problem;
        m_connected = true;
        m_healthTimer = new QTimer(m_thread.context());
        m_healthTimer->setInterval(PostgresPubsub::kHealthCheckIntervalMs);
        QObject::connect(m_healthTimer, &QTimer::timeout, m_thread.context(),
                         [this] { checkHealth(); });
        m_healthTimer->start();
        return QString();
    });
}

QString PostgresListener::ensureListening(const QString &channel)
{
    return m_thread.call([this, channel] { return listenNow(channel); });
}

void PostgresListener::listenLater(const QString &channel,
                                   std::function<void(const QString &)> announce)
{
    m_thread.post(
        [this, channel, announce = std::move(announce)] { announce(listenNow(channel)); });
}

QString PostgresListener::listenNow(const QString &channel)
{
    if (m_stopped)
        return QStringLiteral("The pubsub is closed.");
    if (!m_connected)
        return QStringLiteral("The pubsub has no connection to PostgreSQL at %1 (%2); it "
                              "keeps reconnecting.")
            .arg(m_url.describe(), m_lastFailure);
    const QString problem = reconcile();
    if (m_listening.contains(channel))
        return QString();
    return QStringLiteral("Cannot LISTEN to the pubsub channel %1 on PostgreSQL at %2: %3")
        .arg(channel, m_url.describe(), problem);
}

void PostgresListener::reconcileLater()
{
    m_thread.post([this] {
        if (m_connected && !m_stopped)
            reconcile();
    });
}

void PostgresListener::stop()
{
    if (!m_stopped)
        m_thread.call([this] { shutdown(); });
    m_thread.stop();
}

QString PostgresListener::open()
{
    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        if (!m_db.isValid())
            return QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not available; install "
                                  "libqt6sql6-psql.");
        PostgresPubsub::configureConnection(m_db, m_url);
        QObject::connect(
            m_db.driver(), &QSqlDriver::notification, m_thread.context(),
            [this](const QString &name, QSqlDriver::NotificationSource source,
                   const QVariant &payload) { onNotification(name, source, payload); });
    }
    if (!m_db.open())
        return m_url.redact(m_db.lastError().text());
    return {};
}

// LISTENs to the channels that gained subscribers and UNLISTENs those that lost them. Returns
// the first failure or "".
QString PostgresListener::reconcile()
{
    const QSet<QString> wanted = m_registry->channels();
    QSqlDriver *driver = m_db.driver();
    QString problem;
    const QSet<QString> listening = m_listening;
    for (const QString &channel : listening) {
        if (wanted.contains(channel))
            continue;
        // On failure the channel stays in the set and is retried by the next reconcile.
        if (driver->unsubscribeFromNotification(channel))
            m_listening.remove(channel);
        else if (problem.isEmpty())
            problem = m_url.redact(driver->lastError().text());
    }
    for (const QString &channel : wanted) {
        if (m_listening.contains(channel))
            continue;
        if (driver->subscribeToNotification(channel))
            m_listening.insert(channel);
        else if (problem.isEmpty())
            problem = m_url.redact(driver->lastError().text());
    }
    if (!problem.isEmpty() && !m_db.isOpen())
        lose(problem);
    return problem;
}

void PostgresListener::checkHealth()
{
    if (m_stopped)
        return;
    if (m_connected) {
        QString problem;
        if (!m_db.isOpen()) {
            // libpq noticed while reading notifications; the driver recorded no error.
            problem = QStringLiteral("the server closed the connection");
        } else {
            QSqlQuery query(m_db);
            if (!query.exec(QStringLiteral("SELECT 1")))
                problem = m_url.redact(query.lastError().text());
        }
        if (problem.isEmpty()) {
            // Retries a LISTEN or UNLISTEN that failed; nothing to do otherwise.
            reconcile();
            return;
        }
        lose(problem);
    }
    tryReconnect();
}

void PostgresListener::lose(const QString &reason)
{
    if (!m_connected)
        return;
    m_connected = false;
    m_lastFailure = reason.simplified(); // libpq's messages span lines
    m_outage.start();
    m_listening.clear();
    m_db.close();
    qCWarning(lcPubsubListener).noquote()
        << QStringLiteral("pubsub lost its PostgreSQL connection to %1 (%2); reconnecting every "
                          "%3 s, messages sent meanwhile are lost")
               .arg(m_url.describe(), m_lastFailure)
               .arg(PostgresPubsub::kHealthCheckIntervalMs / 1000);
}

void PostgresListener::tryReconnect()
{
    if (const QString problem = open(); !problem.isEmpty()) {
        m_lastFailure = problem.simplified();
        return;
    }
    m_connected = true;
    m_listening.clear();
    if (const QString problem = reconcile(); !problem.isEmpty()) {
        // reconcile() closed the connection if it broke again; otherwise a LISTEN failed and
        // the next health check retries it.
        if (!m_connected)
            return;
    }
    qCInfo(lcPubsubListener).noquote()
        << QStringLiteral("pubsub reconnected to PostgreSQL at %1 after %2 s; subscribers are "
                          "told to catch up")
               .arg(m_url.describe())
               .arg(m_outage.elapsed() / 1000);
    m_registry->deliverDropped();
}

void PostgresListener::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                      const QVariant &payload)
{
    m_registry->deliver(name, payload.toString().toUtf8());
}

void PostgresListener::shutdown()
{
    m_stopped = true;
    m_connected = false;
    delete m_healthTimer;
    m_healthTimer = nullptr;
    m_listening.clear();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

} // namespace coder::server
