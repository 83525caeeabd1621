#pragma once

#include "api_test_client.h"
#include "coderd_process.h"
#include "tests/support/unavailable.h"

#include <memory>

namespace coder::test {

class TestPostgres;

// A coderd process on the backend the test run asks for (CODER_TEST_BACKEND=sqlite|postgres,
// see coder_add_test BOTH_BACKENDS) and an API client pointed at it.
class CoderdFixture
{
public:
    CoderdFixture();
    ~CoderdFixture();

    // Prefer CODER_START_CODERD, which also skips when no PostgreSQL cluster is there (outside
    // CI) instead of failing.
    bool start(const QStringList &extraArgs = {});
    QString skipReason() const { return m_skipReason; }
    int stop() { return m_process.stop(); }
    // Starts coderd again once it has ended (stopped, crashed or killed): same arguments, same
    // data dir, same database. It listens on a new port: take api() and url() afresh afterwards.
    bool restart();

    ApiTestClient &api() { return *m_api; }
    QUrl url() const { return m_process.url(); }
    QString dataDir() const { return m_process.dataDir(); }
    QString output() const { return m_process.output(); }
    CoderdProcess &process() { return m_process; }
    static bool isPostgres();

private:
    std::unique_ptr<TestPostgres> m_postgres;
    CoderdProcess m_process;
    std::unique_ptr<ApiTestClient> m_api;
    QStringList m_args;
    QString m_skipReason;
};

} // namespace coder::test

#define CODER_START_CODERD(fixture, ...)                                                           \
    do {                                                                                           \
        if (!(fixture).start(__VA_ARGS__)) {                                                       \
            if (!(fixture).skipReason().isEmpty())                                                 \
                CODER_UNAVAILABLE((fixture).skipReason());                                         \
            QFAIL("coder server did not start");                                                   \
        }                                                                                          \
    } while (false)
