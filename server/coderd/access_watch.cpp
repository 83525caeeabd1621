// Re-checks a long-lived connection's access on the pool (see access_watch.h).
#include "access_watch.h"

#include "core/work_pool.h"

#include <QWebSocket>

namespace coder::server {

void AccessWatch::closing(Options options, QWebSocket *socket, std::function<void()> stop,
                          QObject *owner)
{
    new AccessWatch(
        std::move(options),
        [socket, stop = std::move(stop)](const DomainError &refusal) {
            stop();
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("Access ended: %1").arg(refusal.message));
        },
        owner);
}

AccessWatch::AccessWatch(Options options, std::function<void(const DomainError &)> ended,
                         QObject *owner)
    : QObject(owner), m_options(std::move(options)), m_ended(std::move(ended))
{
    if (!m_options.check || !m_options.pool)
        return;
    connect(&m_timer, &QTimer::timeout, this, &AccessWatch::run);
    m_timer.start(m_options.intervalMs);
}

void AccessWatch::run()
{
    if (m_checking || m_done)
        return;
    m_checking = true;
    m_options.pool->run(m_mailbox.address(), m_options.check,
                        [this](std::optional<DomainError> refusal) {
                            m_checking = false;
                            if (!refusal || refusal->is(DomainError::Kind::Unavailable) ||
                                refusal->is(DomainError::Kind::Internal))
                                return;
                            m_done = true;
                            m_timer.stop();
                            m_ended(*refusal);
                        });
}

} // namespace coder::server

#include "moc_access_watch.cpp"
