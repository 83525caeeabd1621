#pragma once

#include "server/database/pubsub.h"

#include <QObject>
#include <QTimer>
#include <QUuid>
#include <memory>

class QWebSocket;

namespace coder::server {

class ApiContext;

// GET /workspaces/{id}/watch-ws: sends the workspace's JSON at once and again after every
// change (builds, job progress, settings), one text message each. Changes that come in a burst
// are sent once, 50 ms later. Lives as long as its socket.
class WorkspaceWatch : public QObject
{
    Q_OBJECT
public:
    static void start(ApiContext &context, QWebSocket *socket, const QUuid &workspaceId);

private:
    WorkspaceWatch(ApiContext &context, QWebSocket *socket, const QUuid &workspaceId);
    void send();

    ApiContext &m_context;
    QWebSocket *m_socket;
    QUuid m_workspaceId;
    QTimer m_coalesce;
    QByteArray m_lastSent;
    std::unique_ptr<Subscription> m_subscription;
};

} // namespace coder::server
