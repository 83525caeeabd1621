#include "workspaces_feed.h"

#include "core/work_pool.h"
#include "core/workspace_event.h"
#include "provisioner_job_server.h"
#include "workspace_service.h"

#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

namespace {

using core::WorkspaceEvent;

QByteArray encode(const WorkspaceEvent &event)
{
    return core::json::toJson(event);
}

} // namespace

// What one read on the pool found: the snapshot's workspaces, or each changed workspace as the
// actor sees it now (nullopt: deleted, or no longer visible).
struct WorkspacesFeed::Read
{
    bool snapshot = false;
    QList<core::Workspace> workspaces;
    QList<QPair<QUuid, std::optional<core::Workspace>>> changes;
    QString error; // set: the database failed; nothing else is
};

void WorkspacesFeed::start(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                           QWebSocket *socket, const Actor &actor, AccessWatch::Options access)
{
    // parented to the socket
    new WorkspacesFeed(workspaces, pool, pubsub, socket, actor, std::move(access));
}

WorkspacesFeed::WorkspacesFeed(WorkspaceService &workspaces, core::WorkPool &pool, Pubsub &pubsub,
                               QWebSocket *socket, const Actor &actor, AccessWatch::Options access)
    : QObject(socket), m_workspaces(workspaces), m_pool(pool), m_socket(socket), m_actor(actor)
{
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    AccessWatch::closing(
        std::move(access), socket,
        [this] {
            m_subscription.reset();
            m_coalesce.stop();
        },
        this);
    // No fixed delay: a change is read on the next turn of the event loop (a dashboard repaints
    // its row at once); those that come meanwhile, or while a read is under way, go together.
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(0);
    connect(&m_coalesce, &QTimer::timeout, this, &WorkspacesFeed::readDue);
    // Listening before the snapshot is read, so no change made in between is missed.
    auto subscription = pubsub.listen(
        channels::workspaces, this,
        [this](const QByteArray &payload) {
            const QUuid id = QUuid::fromString(QLatin1String(payload));
            if (id.isNull())
                return;
            m_changed.insert(id);
            if (!m_coalesce.isActive())
                m_coalesce.start();
        },
        [this](const QString &error) {
            if (!error.isEmpty()) {
                fail(error);
                return;
            }
            m_snapshotDue = true;
            readDue();
        },
        [this] {
            // Messages were lost: what the client has may be stale, a snapshot replaces it.
            m_snapshotDue = true;
            m_coalesce.start();
        });
    if (!subscription) {
        fail(subscription.error());
        return;
    }
    m_subscription = std::move(*subscription);
}

void WorkspacesFeed::fail(const QString &reason)
{
    qCWarning(lcApi) << "workspace feed of" << m_actor.user().username << "ends:" << reason;
    m_subscription.reset();
    m_coalesce.stop();
    m_socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                    QStringLiteral("the workspaces cannot be read"));
}

void WorkspacesFeed::readDue()
{
    if (m_reading || !m_subscription || (!m_snapshotDue && m_changed.isEmpty()))
        return;
    m_reading = true;
    Read read;
    read.snapshot = std::exchange(m_snapshotDue, false);
    // A snapshot covers every change made before it was read.
    const QSet<QUuid> changed = std::exchange(m_changed, {});
    m_pool.run(
        m_mailbox.address(),
        [&workspaces = m_workspaces, actor = m_actor, read, changed]() mutable {
            if (read.snapshot) {
                auto listed = workspaces.list(actor, QString(), Pagination{});
                if (!listed)
                    read.error = listed.error().message;
                else
                    read.workspaces = std::move(listed->workspaces);
                return read;
            }
            for (const QUuid &id : changed) {
                auto workspace = workspaces.get(actor, id, false);
                if (workspace) {
                    read.changes.append({id, std::move(*workspace)});
                } else if (workspace.error().kind == DomainError::Kind::NotFound ||
                           workspace.error().kind == DomainError::Kind::Gone) {
                    read.changes.append({id, std::nullopt});
                } else {
                    read.error = workspace.error().message;
                    break;
                }
            }
            return read;
        },
        [this](const Read &read) { onRead(read); });
}

void WorkspacesFeed::onRead(const Read &read)
{
    m_reading = false;
    if (!read.error.isEmpty()) {
        fail(read.error);
        return;
    }
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (read.snapshot) {
        m_known.clear();
        for (const core::Workspace &workspace : read.workspaces)
            m_known.insert(workspace.id, qHash(core::json::toJson(workspace)));
        m_socket->sendTextMessage(QString::fromUtf8(
            encode({WorkspaceEvent::kSnapshot, read.workspaces, std::nullopt, QUuid()})));
    }
    for (const auto &[id, workspace] : read.changes) {
        if (!workspace) {
            if (m_known.remove(id))
                m_socket->sendTextMessage(
                    QString::fromUtf8(encode({WorkspaceEvent::kDelete, {}, std::nullopt, id})));
            continue;
        }
        const size_t hash = qHash(core::json::toJson(*workspace));
        if (const auto known = m_known.constFind(id); known != m_known.cend() && *known == hash)
            continue;
        m_known.insert(id, hash);
        m_socket->sendTextMessage(
            QString::fromUtf8(encode({WorkspaceEvent::kUpdate, {}, workspace, QUuid()})));
    }
    readDue(); // changes that came meanwhile
}

} // namespace coder::server
