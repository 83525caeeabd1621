#pragma once

#include "tests/support/unavailable.h"

#include <QString>
#include <QtTest>

namespace coder::test {

// A fresh, uniquely named database on the run's throwaway PostgreSQL cluster (the CTest fixture
// postgres_start writes the cluster's URL to $CODER_TEST_POSTGRES_URL_FILE), dropped again by
// the destructor. Use it through CODER_REQUIRE_POSTGRES so a missing cluster skips the test on a
// developer machine and fails it in CI.
class TestPostgres
{
public:
    TestPostgres();
    ~TestPostgres();

    TestPostgres(const TestPostgres &) = delete;
    TestPostgres &operator=(const TestPostgres &) = delete;

    // Empty when the database is ready; otherwise why it is not.
    QString problem() const { return m_problem; }
    // A problem that must fail the test even outside CI: the cluster exists but misbehaves.
    // Without a cluster the test is unavailable (tests/support/unavailable.h).
    bool problemIsFatal() const { return m_fatal; }

    // postgres://postgres@127.0.0.1:PORT/<fresh database>
    QString url() const { return m_url; }
    QString databaseName() const { return m_database; }
    // The URL of the cluster's maintenance database.
    QString adminUrl() const { return m_adminUrl; }

private:
    void fail(const QString &problem, bool fatal);
    QString runAdmin(const QString &statement) const;

    QString m_adminUrl;
    QString m_url;
    QString m_database;
    QString m_problem;
    bool m_fatal = false;
};

} // namespace coder::test

#define CODER_REQUIRE_POSTGRES(pg)                                                                 \
    do {                                                                                           \
        if (!(pg).problem().isEmpty()) {                                                           \
            if ((pg).problemIsFatal())                                                             \
                QFAIL(qPrintable((pg).problem()));                                                 \
            CODER_UNAVAILABLE((pg).problem());                                                     \
        }                                                                                          \
    } while (false)
