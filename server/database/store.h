#pragma once

#include "agent_store.h"
#include "audit_store.h"
#include "job_store.h"
#include "sql_database.h"
#include "template_store.h"
#include "user_store.h"
#include "workspace_store.h"

#include <memory>

namespace coder::server {

// The one way into coderd's database (ARCHITECTURE.md §3), a facade over one class per
// aggregate (after Mumble's murmur/database): users and their keys, the audit log, templates
// and files, provisioner jobs, workspaces and builds, agents. Each owns its SQL; an operation that
// spans aggregates runs in one SqlDatabase::Transaction (the unit of work). Every method may be
// called from any thread but an event-loop thread; each thread uses its own connection (close it
// with closeThreadConnection() before the thread ends). When no database answers, calls fail with
// StoreError::Unavailable.
class Store
{
public:
    explicit Store(std::unique_ptr<SqlDialect> dialect);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    QString backendName() const { return m_db.dialect().backendName(); }
    void closeThreadConnection() { m_db.closeThreadConnection(); }
    core::Result<int, QString> migrate(const QString &directory) { return m_db.migrate(directory); }

    UserStore &users() { return m_users; }
    AuditStore &audit() { return m_audit; }
    TemplateStore &templates() { return m_templates; }
    JobStore &jobs() { return m_jobs; }
    WorkspaceStore &workspaces() { return m_workspaces; }
    AgentStore &agents() { return m_agents; }

    // The connections underneath, for the store's own tests (raw SQL, connection counts).
    SqlDatabase &database() { return m_db; }

private:
    SqlDatabase m_db;
    JobStore m_jobs;
    UserStore m_users;
    AuditStore m_audit;
    TemplateStore m_templates;
    WorkspaceStore m_workspaces;
    AgentStore m_agents;
};

} // namespace coder::server
