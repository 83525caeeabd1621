#include "retry_backoff.h"

#include <QRandomGenerator>
#include <algorithm>

namespace coder::core {

int RetryBackoff::next()
{
    const int wait = m_nextMs / 2 + int(QRandomGenerator::global()->bounded(m_nextMs / 2 + 1));
    m_nextMs = std::min(m_nextMs * 2, m_maxMs);
    return wait;
}

} // namespace coder::core
