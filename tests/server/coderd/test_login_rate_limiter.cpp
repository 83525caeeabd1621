#include "server/coderd/login_rate_limiter.h"

#include <QtTest>

using namespace coder::server;

class TestLoginRateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstThenRefuse();
    void addressesAreSeparate();
    void zeroDisables();
};

void TestLoginRateLimiter::burstThenRefuse()
{
    LoginRateLimiter limiter(5);
    for (int i = 0; i < 5; ++i)
        QVERIFY(limiter.tryAcquire(QStringLiteral("10.0.0.1")));
    int retryAfter = 0;
    QVERIFY(!limiter.tryAcquire(QStringLiteral("10.0.0.1"), &retryAfter));
    QVERIFY(retryAfter >= 1 && retryAfter <= 12);
}

void TestLoginRateLimiter::addressesAreSeparate()
{
    LoginRateLimiter limiter(1);
    QVERIFY(limiter.tryAcquire(QStringLiteral("a")));
    QVERIFY(!limiter.tryAcquire(QStringLiteral("a")));
    QVERIFY(limiter.tryAcquire(QStringLiteral("b")));
}

void TestLoginRateLimiter::zeroDisables()
{
    LoginRateLimiter limiter(0);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(limiter.tryAcquire(QStringLiteral("a")));
}

QTEST_GUILESS_MAIN(TestLoginRateLimiter)
#include "test_login_rate_limiter.moc"
