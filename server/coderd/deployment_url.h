#pragma once

#include <QReadWriteLock>
#include <QUrl>

namespace coder::server {

// The deployment's URL as clients and workspaces reach it: --access-url, or else the listener's
// URL, which is known only once the event-loop threads already serve (hence the lock).
class DeploymentUrl
{
public:
    explicit DeploymentUrl(QUrl configured = {}) : m_url(std::move(configured)) {}

    QUrl get() const
    {
        QReadLocker lock(&m_lock);
        return m_url;
    }
    void set(const QUrl &url)
    {
        QWriteLocker lock(&m_lock);
        m_url = url;
    }

private:
    mutable QReadWriteLock m_lock;
    QUrl m_url;
};

} // namespace coder::server
