#include "store.h"

namespace coder::server {

Store::Store(std::unique_ptr<SqlDialect> dialect)
    : m_db(std::move(dialect)), m_jobs(m_db), m_users(m_db), m_audit(m_db),
      m_templates(m_db, m_jobs), m_workspaces(m_db, m_jobs), m_agents(m_db)
{}

Store::~Store() = default;

} // namespace coder::server
