#pragma once

#include "actor.h"
#include "core/workspace_types.h"
#include "domain_error.h"
#include "pagination.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class AuditRecorder;
class Pubsub;
class Store;
class UserService;
class WorkspaceBuilder;

// Workspaces as Coder's /workspaces and /users/{user}/workspace(s) routes offer them: created
// (with their first build), listed with Coder's filter syntax, read, renamed, their autostart
// schedule, autostop TTL and deadline changed. Every call takes the actor, authorizes through
// requireAccess() and audits what it changes; a change is announced to watchers.
class WorkspaceService
{
public:
    WorkspaceService(Store &store, AuditRecorder &audit, WorkspaceBuilder &builder, Pubsub &pubsub,
                     UserService &users)
        : m_store(store), m_audit(audit), m_builder(builder), m_pubsub(pubsub), m_users(users)
    {}

    // owner: "me", an id or a username.
    Outcome<core::Workspace> create(const Actor &actor, const QString &owner,
                                    const core::CreateWorkspaceRequest &request);
    // query: "owner:me template:T status:running name:N" and bare words (a name).
    Outcome<core::WorkspacesPage> list(const Actor &actor, const QString &query, Pagination page);
    // includeDeleted: the most recently deleted workspace of that name when none lives.
    Outcome<core::Workspace> byOwnerAndName(const Actor &actor, const QString &owner,
                                            const QString &name, bool includeDeleted);
    // Gone for a deleted workspace unless includeDeleted.
    Outcome<core::Workspace> get(const Actor &actor, const QUuid &id, bool includeDeleted);
    Outcome<core::Ok> rename(const Actor &actor, const QUuid &id, const QString &name);
    // schedule: a cron spec or "" for none.
    Outcome<core::Ok> setAutostart(const Actor &actor, const QUuid &id, const QString &schedule);
    // ttlMs: 0 for none.
    Outcome<core::Ok> setTtl(const Actor &actor, const QUuid &id, qint64 ttlMs);
    // Moves the running workspace's autostop deadline.
    Outcome<core::Ok> extend(const Actor &actor, const QUuid &id, const QDateTime &deadline);

    // The workspace, once the actor may act on it that way (NotFound for one it may not even
    // read). Shared with the build service.
    Outcome<WorkspaceView> find(const Actor &actor, const QUuid &id, Action action);

private:
    // find() for a change: Gone for a deleted workspace.
    Outcome<WorkspaceView> changeable(const Actor &actor, const QUuid &id);
    Outcome<WorkspaceFilter> parseQuery(const Actor &actor, const QString &query);
    Outcome<core::Workspace> shown(const WorkspaceView &view);
    // Tells watchers (watch-ws, other replicas) that a setting of the workspace changed.
    void announce(const QUuid &workspaceId);

    Store &m_store;
    AuditRecorder &m_audit;
    WorkspaceBuilder &m_builder;
    Pubsub &m_pubsub;
    UserService &m_users;
};

} // namespace coder::server
