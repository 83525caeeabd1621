#include "log_stream.h"

#include "core/work_pool.h"

#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

void LogStream::start(core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket, Source source,
                      qint64 after, AccessWatch::Options access)
{
    // parented to the socket
    new LogStream(pool, pubsub, socket, std::move(source), after, std::move(access));
}

LogStream::LogStream(core::WorkPool &pool, Pubsub &pubsub, QWebSocket *socket, Source source,
                     qint64 after, AccessWatch::Options access)
    : QObject(socket), m_pool(pool), m_socket(socket), m_source(std::move(source)), m_after(after)
{
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    AccessWatch::closing(
        std::move(access), socket, [this] { m_subscription.reset(); }, this);
    // Listening before the first read, so no log stored in between is missed.
    auto subscription = pubsub.listen(
        m_source.channel, this, [this](const QByteArray &) { pump(); },
        [this](const QString &error) {
            if (error.isEmpty()) {
                pump();
                return;
            }
            qCWarning(lcApi) << "cannot follow logs on" << m_source.channel << ":" << error;
            m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                            QStringLiteral("cannot follow logs"));
        });
    if (!subscription) {
        qCWarning(lcApi) << "cannot follow logs on" << m_source.channel << ":"
                         << subscription.error();
        socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                      QStringLiteral("cannot follow logs"));
        return;
    }
    m_subscription = std::move(*subscription);
}

void LogStream::pump()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState || !m_subscription)
        return;
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    m_reading = true;
    m_pool.run(
        m_mailbox.address(), [fetch = m_source.fetch, after = m_after] { return fetch(after); },
        [this](Outcome<Batch> batch) {
            m_reading = false;
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                return;
            if (!batch) {
                m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                                QStringLiteral("cannot read the logs"));
                return;
            }
            for (const QByteArray &message : std::as_const(batch->messages))
                m_socket->sendTextMessage(QString::fromUtf8(message));
            if (batch->last >= 0)
                m_after = batch->last;
            if (batch->ended) {
                m_subscription.reset();
                m_socket->close(QWebSocketProtocol::CloseCodeNormal, m_source.endReason);
                return;
            }
            if (std::exchange(m_readAgain, false))
                pump();
        });
}

} // namespace coder::server
