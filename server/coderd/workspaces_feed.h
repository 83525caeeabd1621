#pragma once

#include "access_watch.h"
#include "actor.h"
#include "core/mailbox.h"
#include "server/database/pubsub.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUuid>
#include <memory>

class QWebSocket;

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class WorkspaceService;

// GET /workspaces/watch-ws (our extension; core::WorkspaceEvent is the message): every workspace
// the actor may see, as a snapshot at once, then an update or a delete for each change, so a
// dashboard stays current without polling. A change is read at once; those that come while a
// read is under way are read together by the next one, and a workspace that did not change as
// the actor sees it is not sent again. After the
// pubsub lost messages (PostgreSQL reconnected) a new snapshot follows. Lives as long as its
// socket, on the socket's event-loop thread; every read runs on the pool. A policy close (1008)
// with the reason once its access check fails (roles that changed count: the feed's scope
// would be wrong, the client reconnects for the right one).
class WorkspacesFeed : public QObject
{
    Q_OBJECT
public:
    static void start(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                      QWebSocket *socket, const Actor &actor, AccessWatch::Options access);

private:
    WorkspacesFeed(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                   QWebSocket *socket, const Actor &actor, AccessWatch::Options access);
    // Reads what is due (a snapshot, or the changed workspaces) on the pool, one read at a time.
    void readDue();
    struct Read;
    void onRead(const Read &read);
    void fail(const QString &reason);

    WorkspaceService &m_workspaces;
    core::WorkPool &m_pool;
    QWebSocket *m_socket;
    Actor m_actor;
    QTimer m_coalesce;
    bool m_snapshotDue = false;
    QSet<QUuid> m_changed;        // to read
    QHash<QUuid, size_t> m_known; // sent and not deleted since: the hash of its last message
    bool m_reading = false;       // a read is on the pool
    std::unique_ptr<Subscription> m_subscription;
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
