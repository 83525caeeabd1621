#pragma once

namespace coder::core {

// How long a client that lost its server waits before each new try: an exponential backoff
// with "equal jitter" (half of the current backoff for sure, the other half at random), so that
// many clients coming back after a restart of the server do not arrive all at once. The one rule
// of every reconnecting client (tunnels, the workspace feed).
class RetryBackoff
{
public:
    RetryBackoff(int firstMs, int maxMs) : m_firstMs(firstMs), m_maxMs(maxMs), m_nextMs(firstMs) {}

    // The wait before the next try; each call doubles the backoff, up to the maximum.
    int next();
    // After a success: the next failure waits the shortest again.
    void reset() { m_nextMs = m_firstMs; }

private:
    int m_firstMs;
    int m_maxMs;
    int m_nextMs;
};

} // namespace coder::core
