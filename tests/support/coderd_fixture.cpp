#include "coderd_fixture.h"

#include "test_postgres.h"

namespace coder::test {

CoderdFixture::CoderdFixture() = default;

CoderdFixture::~CoderdFixture()
{
    // The server goes first: the database is dropped only once nobody is connected.
    m_process.stop();
}

bool CoderdFixture::isPostgres()
{
    return qEnvironmentVariable("CODER_TEST_BACKEND") == QLatin1String("postgres");
}

bool CoderdFixture::start(const QStringList &extraArgs)
{
    QStringList args = extraArgs;
    if (isPostgres()) {
        m_postgres = std::make_unique<TestPostgres>();
        if (!m_postgres->problem().isEmpty()) {
            if (!m_postgres->problemIsFatal())
                m_skipReason = m_postgres->problem();
            qWarning("%s", qPrintable(m_postgres->problem()));
            return false;
        }
        args << QStringLiteral("--postgres-url") << m_postgres->url();
    }
    m_args = args;
    if (!m_process.start(args))
        return false;
    m_api = std::make_unique<ApiTestClient>(m_process.url());
    return true;
}

bool CoderdFixture::restart()
{
    if (m_process.process().state() != QProcess::NotRunning) {
        qWarning("restart: coder server is still running; stop or kill it first");
        return false;
    }
    if (!m_process.start(m_args))
        return false;
    m_api = std::make_unique<ApiTestClient>(m_process.url());
    return true;
}

} // namespace coder::test
