#include "thread_connections.h"

#include "core/thread_role.h"

#include <QMutexLocker>
#include <QSqlError>
#include <atomic>

namespace coder::server {

namespace {

std::atomic<quint64> g_nextRegistry{1};
std::atomic<quint64> g_nextThread{1};

// A serial per thread rather than the QThread's address: an address is reused by the next
// thread, which would then find a connection that belongs to a dead one.
quint64 currentThreadSerial()
{
    thread_local const quint64 serial = g_nextThread.fetch_add(1);
    return serial;
}

// The last connection this thread used, so that the common case takes no lock. Registry
// serials are never reused, so an entry of a destroyed registry is never matched again.
struct LastUsed
{
    quint64 registry = 0;
    ThreadConnections::Connection *connection = nullptr;
};
thread_local LastUsed t_lastUsed;

} // namespace

ThreadConnections::ThreadConnections(QString driver, Configure configure, Prepare prepare)
    : m_driver(std::move(driver)), m_configure(std::move(configure)), m_prepare(std::move(prepare)),
      m_serial(g_nextRegistry.fetch_add(1))
{}

ThreadConnections::~ThreadConnections()
{
    QMutexLocker locker(&m_mutex);
    for (auto &[thread, connection] : m_byThread)
        release(thread, std::move(connection));
    m_byThread.clear();
}

QString ThreadConnections::connectionName(quint64 thread) const
{
    return QStringLiteral("coder-%1-%2").arg(m_serial).arg(thread);
}

core::Result<ThreadConnections::Connection *, QString> ThreadConnections::current()
{
    if (t_lastUsed.registry == m_serial && t_lastUsed.connection->db.isOpen())
        return t_lastUsed.connection;
    // A query would stall every socket of the thread (ARCHITECTURE.md §3): refused outright, so
    // that such a call fails every test that reaches it instead of hiding as latency.
    if (core::thread_role::isEventLoop()) {
        qCritical("coder: a database query on an event-loop thread was refused");
        return QStringLiteral("database access from an event-loop thread is not allowed");
    }

    const quint64 thread = currentThreadSerial();
    Connection *connection = nullptr;
    {
        QMutexLocker locker(&m_mutex);
        auto &slot = m_byThread[thread];
        if (!slot) {
            slot = std::make_unique<Connection>();
            slot->db = QSqlDatabase::addDatabase(m_driver, connectionName(thread));
            m_configure(slot->db);
        }
        connection = slot.get();
    }
    QSqlDatabase &db = connection->db;
    if (!db.isValid())
        return QStringLiteral("The %1 driver is not available.").arg(m_driver);
    if (!db.isOpen()) {
        connection->idleStatements.clear();
        ++connection->session;
        if (!db.open())
            return db.lastError().text();
        if (const QString problem = m_prepare(db); !problem.isEmpty()) {
            db.close();
            return problem;
        }
    }
    t_lastUsed = {m_serial, connection};
    return connection;
}

void ThreadConnections::closeCurrent()
{
    const quint64 thread = currentThreadSerial();
    if (t_lastUsed.registry == m_serial)
        t_lastUsed = {};
    std::unique_ptr<Connection> connection;
    {
        QMutexLocker locker(&m_mutex);
        auto it = m_byThread.find(thread);
        if (it == m_byThread.end())
            return;
        connection = std::move(it->second);
        m_byThread.erase(it);
    }
    release(thread, std::move(connection));
}

void ThreadConnections::release(quint64 thread, std::unique_ptr<Connection> connection) const
{
    // Statements first, then the connection, and every handle gone before removeDatabase.
    connection->idleStatements.clear();
    connection->db.close();
    connection.reset();
    QSqlDatabase::removeDatabase(connectionName(thread));
}

int ThreadConnections::openCount() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_byThread.size());
}

} // namespace coder::server
