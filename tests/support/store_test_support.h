#pragma once

// What the Store suites (tests/server/database) share: running store calls on several threads
// at once, and reading raw SQL through the store's own connection.
#include "server/database/sql_store.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QtTest>
#include <latch>
#include <memory>
#include <vector>

namespace coder::test {

// Runs fn(index) on count threads that start together; each releases its connection.
template <typename Fn> void runThreads(server::Store &store, int count, Fn fn)
{
    std::latch start(count);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back(QThread::create([&store, &start, &fn, i] {
            start.arrive_and_wait();
            fn(i);
            store.closeThreadConnection();
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(300'000));
}

// Runs a statement on the store's connection of this thread; returns the first column, or
// {"error: ..."} when it fails.
inline QVariantList firstColumn(server::Store &store, const QString &sql)
{
    auto *sqlStore = dynamic_cast<server::SqlStore *>(&store);
    auto db = sqlStore->connection();
    QVariantList values;
    if (!db)
        return values;
    QSqlQuery query(*db);
    if (!query.exec(sql))
        return {QVariant(QStringLiteral("error: ") + query.lastError().text())};
    while (query.next())
        values.append(query.value(0));
    return values;
}

} // namespace coder::test
