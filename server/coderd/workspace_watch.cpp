#include "workspace_watch.h"

#include "api_context.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "server/database/pubsub.h"

#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

void WorkspaceWatch::start(ApiContext &context, QWebSocket *socket, const QUuid &workspaceId)
{
    new WorkspaceWatch(context, socket, workspaceId); // parented to the socket
}

WorkspaceWatch::WorkspaceWatch(ApiContext &context, QWebSocket *socket, const QUuid &workspaceId)
    : QObject(socket), m_context(context), m_socket(socket), m_workspaceId(workspaceId)
{
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(50);
    connect(&m_coalesce, &QTimer::timeout, this, &WorkspaceWatch::send);
    auto subscription = context.pubsub->subscribe(
        channels::workspace(workspaceId), this, [this](const QByteArray &) { m_coalesce.start(); });
    if (!subscription) {
        qCWarning(lcApi) << "cannot watch workspace" << workspaceId << ":" << subscription.error();
        socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                      QStringLiteral("cannot watch the workspace"));
        return;
    }
    m_subscription = std::move(*subscription);
    send();
}

void WorkspaceWatch::send()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    auto view = m_context.store.workspaceById(m_workspaceId);
    if (!view) {
        m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                        QStringLiteral("the workspace cannot be read"));
        return;
    }
    ProvisioningViews views(m_context.store);
    auto json = views.workspace(*view);
    if (!json || *json == m_lastSent)
        return;
    m_lastSent = *json;
    m_socket->sendTextMessage(QString::fromUtf8(*json));
}

} // namespace coder::server
