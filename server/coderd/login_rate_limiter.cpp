#include "login_rate_limiter.h"

#include <QMutexLocker>
#include <algorithm>
#include <cmath>

namespace coder::server {

bool LoginRateLimiter::tryAcquire(const QString &address, int *retryAfterSeconds)
{
    if (m_perMinute <= 0)
        return true; // limit disabled
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const double perMs = m_perMinute / 60'000.0;
    QMutexLocker lock(&m_mutex);
    forgetIdle(nowMs);
    auto it = m_buckets.find(address);
    if (it == m_buckets.end())
        it = m_buckets.insert(address, Bucket{double(m_perMinute), nowMs});
    Bucket &bucket = *it;
    bucket.tokens =
        std::min<double>(m_perMinute, bucket.tokens + (nowMs - bucket.updatedMs) * perMs);
    bucket.updatedMs = nowMs;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return true;
    }
    if (retryAfterSeconds)
        *retryAfterSeconds = std::max(1, int(std::ceil((1.0 - bucket.tokens) / perMs / 1000.0)));
    return false;
}

void LoginRateLimiter::forgetIdle(qint64 nowMs)
{
    // A bucket idle for a minute is full again: dropping it changes nothing and keeps the
    // table from growing with every address ever seen.
    if (nowMs - m_lastSweepMs < 60'000)
        return;
    m_lastSweepMs = nowMs;
    m_buckets.removeIf([nowMs](auto it) { return nowMs - it.value().updatedMs >= 60'000; });
}

} // namespace coder::server
