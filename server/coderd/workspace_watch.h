#pragma once

#include "access_watch.h"
#include "actor.h"
#include "core/mailbox.h"
#include "server/database/pubsub.h"

#include <QObject>
#include <QTimer>
#include <QUuid>
#include <memory>

class QWebSocket;

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class WorkspaceService;

// GET /workspaces/{id}/watch-ws: sends the workspace's JSON at once and again after every
// change (builds, job progress, settings), one text message each. Changes that come in a burst
// are sent once, 50 ms later. Lives as long as its socket, on the socket's event-loop thread;
// the workspace is read on the pool, as the actor who opened the watch may see it. A policy
// close (1008) with the reason once its access check fails.
class WorkspaceWatch : public QObject
{
    Q_OBJECT
public:
    static void start(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                      QWebSocket *socket, const Actor &actor, const QUuid &workspaceId,
                      AccessWatch::Options access);

private:
    WorkspaceWatch(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                   QWebSocket *socket, const Actor &actor, const QUuid &workspaceId,
                   AccessWatch::Options access);
    void refresh();
    void send(const QByteArray &json);

    WorkspaceService &m_workspaces;
    core::WorkPool &m_pool;
    QWebSocket *m_socket;
    Actor m_actor;
    QUuid m_workspaceId;
    QTimer m_coalesce;
    QByteArray m_lastSent;
    bool m_reading = false;   // a read is on the pool
    bool m_readAgain = false; // a change came while it was
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
