#pragma once

#include "core/mailbox.h"
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
// are sent once, 50 ms later. Lives as long as its socket, on the socket's event-loop thread;
// the workspace is read on the handler pool.
class WorkspaceWatch : public QObject
{
    Q_OBJECT
public:
    static void start(ApiContext &context, QWebSocket *socket, const QUuid &workspaceId);

private:
    WorkspaceWatch(ApiContext &context, QWebSocket *socket, const QUuid &workspaceId);
    void refresh();
    void send(const QByteArray &json);

    ApiContext &m_context;
    QWebSocket *m_socket;
    QUuid m_workspaceId;
    QTimer m_coalesce;
    QByteArray m_lastSent;
    bool m_reading = false;   // a read is on the pool
    bool m_readAgain = false; // a change came while it was
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
