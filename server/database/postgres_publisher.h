#pragma once

#include "core/result.h"
#include "postgres_url.h"
#include "worker_thread.h"

#include <QSqlDatabase>

namespace coder::server {

// The NOTIFY side of PostgresPubsub: a connection of its own on a thread of its own (Qt SQL
// connections belong to the thread that opened them), so that publishers on any thread never
// wait for the listener and the listener never waits for them.
class PostgresPublisher
{
public:
    explicit PostgresPublisher(PostgresUrl url);
    ~PostgresPublisher();

    PostgresPublisher(const PostgresPublisher &) = delete;
    PostgresPublisher &operator=(const PostgresPublisher &) = delete;

    // Connects (waits). Returns "" or the reason, without the password.
    QString start();
    // SELECT pg_notify(channel, payload); waits for the result. After a dropped connection it
    // reconnects and tries once more.
    core::Result<core::Ok, QString> notify(const QString &channel, const QByteArray &payload);
    // Closes the connection and ends the thread. Idempotent.
    void stop();

private:
    // Run in m_thread.
    QString open();
    QString notifyOnce(const QString &channel, const QString &payload);
    void closeConnection();

    PostgresUrl m_url;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_stopped = false;
    WorkerThread m_thread; // last: stopped before the state goes
};

} // namespace coder::server
