#pragma once

// What the Store suites (tests/server/database) share: the store's configuration, running
// store calls on several threads at once and checking that exactly one won, and reading raw
// SQL through the store's own connection.
#include "server/database/store.h"
#include "server/database/store_factory.h"
#include "tests/support/test_postgres.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <array>
#include <latch>
#include <memory>
#include <optional>
#include <vector>

namespace coder::test {

// A test store: the database of postgres when given, else SQLite at dir/data/coder.db.
inline server::DatabaseConfig storeConfig(const QTemporaryDir &dir, const TestPostgres *postgres)
{
    server::DatabaseConfig config;
    if (postgres) {
        config.backend = server::DatabaseConfig::Backend::Postgres;
        config.postgresUrl = postgres->url();
    } else {
        config.backend = server::DatabaseConfig::Backend::Sqlite;
        config.sqlitePath = dir.filePath(QStringLiteral("data/coder.db"));
    }
    return config;
}

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

// The results of racing calls: exactly one succeeded, every other one failed with a Conflict
// (on conflictField, when given). Check QTest::currentTestFailed() after it.
template <typename T, size_t N>
void verifyOneWinner(const std::array<std::optional<server::StoreResult<T>>, N> &results,
                     const QString &conflictField = {})
{
    int winners = 0;
    for (const auto &result : results) {
        QVERIFY(result.has_value());
        if (*result) {
            ++winners;
        } else {
            QVERIFY2(result->error().kind == server::StoreError::Conflict,
                     qPrintable(result->error().message));
            if (!conflictField.isEmpty())
                QCOMPARE(result->error().field, conflictField);
        }
    }
    QCOMPARE(winners, 1);
}

// Runs a statement on the store's connection of this thread; returns the first column, or
// {"error: ..."} when it fails.
inline QVariantList firstColumn(server::Store &store, const QString &sql)
{
    auto db = store.database().connection();
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
