#include "workspace_watch.h"

#include "core/work_pool.h"
#include "provisioner_job_server.h"
#include "server/database/pubsub.h"
#include "workspace_service.h"

#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

void WorkspaceWatch::start(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                           QWebSocket *socket, const Actor &actor, const QUuid &workspaceId,
                           AccessWatch::Options access)
{
    // parented to the socket
    new WorkspaceWatch(workspaces, pool, pubsub, socket, actor, workspaceId, std::move(access));
}

WorkspaceWatch::WorkspaceWatch(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                               QWebSocket *socket, const Actor &actor, const QUuid &workspaceId,
                               AccessWatch::Options access)
    : QObject(socket), m_workspaces(workspaces), m_pool(pool), m_socket(socket), m_actor(actor),
      m_workspaceId(workspaceId)
{
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    AccessWatch::closing(
        std::move(access), socket,
        [this] {
            m_subscription.reset();
            m_coalesce.stop();
        },
        this);
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(50);
    connect(&m_coalesce, &QTimer::timeout, this, &WorkspaceWatch::refresh);
    // Listening before the first read, so no change made in between is missed.
    auto subscription = pubsub.listen(
        channels::workspace(workspaceId), this, [this](const QByteArray &) { m_coalesce.start(); },
        [this](const QString &error) {
            if (error.isEmpty()) {
                refresh();
                return;
            }
            qCWarning(lcApi) << "cannot watch workspace" << m_workspaceId << ":" << error;
            m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                            QStringLiteral("cannot watch the workspace"));
        });
    if (!subscription) {
        qCWarning(lcApi) << "cannot watch workspace" << workspaceId << ":" << subscription.error();
        socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                      QStringLiteral("cannot watch the workspace"));
        return;
    }
    m_subscription = std::move(*subscription);
}

void WorkspaceWatch::refresh()
{
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    m_reading = true;
    m_pool.run(
        m_mailbox.address(),
        [&workspaces = m_workspaces, actor = m_actor,
         id = m_workspaceId]() -> core::Result<QByteArray, QString> {
            auto workspace = workspaces.get(actor, id, true);
            if (!workspace)
                return workspace.error().message;
            return core::json::toJson(*workspace);
        },
        [this](core::Result<QByteArray, QString> json) {
            m_reading = false;
            if (!json) {
                m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                                QStringLiteral("the workspace cannot be read"));
                return;
            }
            send(*json);
            if (std::exchange(m_readAgain, false))
                refresh();
        });
}

void WorkspaceWatch::send(const QByteArray &json)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState || json == m_lastSent)
        return;
    m_lastSent = json;
    m_socket->sendTextMessage(QString::fromUtf8(json));
}

} // namespace coder::server
