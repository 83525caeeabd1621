#pragma once

#include "core/result.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <functional>
#include <memory>
#include <unordered_map>

namespace coder::server {

// Qt SQL allows a connection only in the thread that opened it, so every thread gets its own,
// opened lazily on first use and named after this registry and the thread. Each connection
// keeps its prepared statements: preparing costs more than running the small queries coderd
// makes (on PostgreSQL, two extra round trips per query).
class ThreadConnections
{
public:
    // Sets driver parameters on a new connection before it is opened.
    using Configure = std::function<void(QSqlDatabase &db)>;
    // Runs once after a connection opened (pragmas, session settings); returns an error or "".
    using Prepare = std::function<QString(QSqlDatabase &db)>;

    // One thread's connection and its idle prepared statements, keyed by their SQL. session
    // counts the times it was opened: a statement prepared in an earlier session (before the
    // database dropped the connection) is not valid in the new one.
    struct Connection
    {
        QSqlDatabase db;
        QHash<QString, QSqlQuery> idleStatements;
        quint64 session = 0;
    };

    ThreadConnections(QString driver, Configure configure, Prepare prepare);
    // Removes the connections of threads that never released theirs.
    ~ThreadConnections();

    ThreadConnections(const ThreadConnections &) = delete;
    ThreadConnections &operator=(const ThreadConnections &) = delete;

    // The calling thread's open connection (opened again when it was closed, by the driver
    // after the database dropped it too), or the driver's error text.
    core::Result<Connection *, QString> current();
    void closeCurrent();
    int openCount() const;

private:
    QString connectionName(quint64 thread) const;
    void release(quint64 thread, std::unique_ptr<Connection> connection) const;

    QString m_driver;
    Configure m_configure;
    Prepare m_prepare;
    quint64 m_serial;
    mutable QMutex m_mutex;
    std::unordered_map<quint64, std::unique_ptr<Connection>> m_byThread; // by thread serial
};

} // namespace coder::server
