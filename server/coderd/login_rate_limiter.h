#pragma once

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QString>

namespace coder::server {

// Limits login attempts per client address with a token bucket (burst = the per-minute
// rate). Shared by all event-loop threads, hence the mutex.
class LoginRateLimiter
{
public:
    explicit LoginRateLimiter(int attemptsPerMinute) : m_perMinute(attemptsPerMinute) {}

    // Takes one attempt for the address; false when the address is over its limit. Then
    // retryAfterSeconds says when the next attempt will be allowed.
    bool tryAcquire(const QString &address, int *retryAfterSeconds = nullptr);

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    void forgetIdle(qint64 nowMs);

    const int m_perMinute;
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
    qint64 m_lastSweepMs = 0;
};

} // namespace coder::server
