#include "coderd_services.h"

#include "api_routes.h"
#include "coderd_config.h"
#include "provisioning_service.h"

namespace coder::server {

CoderdServices::CoderdServices(Store &store, Pubsub &pubsub, core::WorkPool &pool,
                               const CoderdConfig &config, const DeploymentUrl &url,
                               ProvisioningService &provisioning)
    : m_pubsub(pubsub), m_pool(pool), m_url(url), m_provisioning(provisioning),
      m_authenticator(store), m_audit(store), m_loginLimiter(config.loginRateLimit),
      m_jobLogs(store), m_users(store, m_audit, m_loginLimiter), m_files(store),
      m_templates(store, m_audit),
      m_versions(store, m_audit, m_templates, provisioning.jobs(), m_jobLogs),
      m_workspaces(store, m_audit, provisioning.builder(), pubsub, m_users),
      m_builds(store, m_audit, provisioning.builder(), m_workspaces, provisioning.jobs(),
               m_jobLogs),
      m_daemons(store, config.provisionerDaemonPsk),
      m_agents(store, pubsub), m_relay{&m_agentRegistry, core::SerialLane(pool),
                                       config.agentHeartbeatIntervalMs},
      m_kit(m_authenticator, pool, config.tunnelAccessCheckIntervalMs), m_logStreaming{m_jobLogs,
                                                                                       pool, pubsub}
{}

std::shared_ptr<Router> CoderdServices::router()
{
    auto router = std::make_shared<Router>();
    registerMetaRoutes(*router, m_url);
    registerAuthRoutes(*router, m_kit, m_users);
    registerUserRoutes(*router, m_kit, m_users);
    registerTokenRoutes(*router, m_kit, m_users);
    registerAuditRoutes(*router, m_kit, m_audit);
    registerFileRoutes(*router, m_kit, m_files);
    registerTemplateRoutes(*router, m_kit, m_templates);
    registerTemplateVersionRoutes(*router, m_kit, m_versions, m_logStreaming);
    registerWorkspaceRoutes(*router, m_kit, m_workspaces, m_pool, m_pubsub);
    registerWorkspaceBuildRoutes(*router, m_kit, m_builds, m_logStreaming);
    registerProvisionerDaemonRoutes(*router, m_kit, m_daemons, m_provisioning.jobs(), m_pool);
    registerAgentRoutes(*router, m_kit, m_agents, m_relay, m_logStreaming);
    return router;
}

} // namespace coder::server
