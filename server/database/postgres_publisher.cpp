#include "postgres_publisher.h"

#include "postgres_pubsub.h"

#include <QAtomicInteger>
#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>

namespace coder::server {

namespace {

Q_LOGGING_CATEGORY(lcPubsubPublisher, "coder.pubsub")

QAtomicInteger<quint64> g_publisherSerial;

} // namespace

PostgresPublisher::PostgresPublisher(PostgresUrl url)
    : m_url(std::move(url)),
      m_connectionName(
          QStringLiteral("coder-pubsub-notify-%1").arg(g_publisherSerial.fetchAndAddOrdered(1))),
      m_thread(QStringLiteral("pubsub-notify"))
{}

PostgresPublisher::~PostgresPublisher()
{
    stop();
}

QString PostgresPublisher::start()
{
    return m_thread.call([this] { return open(); });
}

core::Result<core::Ok, QString> PostgresPublisher::notify(const QString &channel,
                                                          const QByteArray &payload)
{
    const QString text = QString::fromUtf8(payload);
    const QString problem = m_thread.call([this, channel, text] {
        if (m_stopped)
            return QStringLiteral("The pubsub is closed.");
        QString failure = notifyOnce(channel, text);
        if (failure.isEmpty() || m_db.isOpen())
            return failure;
        // The connection broke (a server restart, a terminated backend). The NOTIFY was almost
        // certainly not committed; if it was, a duplicate wake-up is harmless.
        qCInfo(lcPubsubPublisher).noquote()
            << QStringLiteral("pubsub reconnecting to PostgreSQL at %1 to publish (%2)")
                   .arg(m_url.describe(), failure.simplified());
        closeConnection();
        return notifyOnce(channel, text);
    });
    if (!problem.isEmpty())
        return QStringLiteral("Cannot publish to the pubsub channel %1 on PostgreSQL at %2: %3")
            .arg(channel, m_url.describe(), problem.simplified());
    return core::Ok{};
}

void PostgresPublisher::stop()
{
    if (!m_stopped) {
        m_thread.call([this] {
            m_stopped = true;
            closeConnection();
            if (m_db.isValid()) {
                m_db = QSqlDatabase();
                QSqlDatabase::removeDatabase(m_connectionName);
            }
        });
    }
    m_thread.stop();
}

QString PostgresPublisher::open()
{
    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        if (!m_db.isValid())
            return QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not available; install "
                                  "libqt6sql6-psql.");
        PostgresPubsub::configureConnection(m_db, m_url);
    }
    if (!m_db.isOpen() && !m_db.open())
        return m_url.redact(m_db.lastError().text());
    return {};
}

QString PostgresPublisher::notifyOnce(const QString &channel, const QString &payload)
{
    if (const QString problem = open(); !problem.isEmpty())
        return problem;
    // The values go in as literals quoted by the driver, which is what QPSQL does with bound
    // values anyway (PREPARE, then EXECUTE with literals); this saves the PREPARE round trip and
    // a DEALLOCATE on a connection that may have died.
    const auto literal = [this](const QString &value) {
        QSqlField field(QString(), QMetaType(QMetaType::QString));
        field.setValue(value);
        return m_db.driver()->formatValue(field);
    };
    QSqlQuery query(m_db);
    if (!query.exec(
            QStringLiteral("SELECT pg_notify(%1, %2)").arg(literal(channel), literal(payload))))
        return m_url.redact(query.lastError().text());
    return {};
}

void PostgresPublisher::closeConnection()
{
    if (m_db.isValid())
        m_db.close();
}

} // namespace coder::server
