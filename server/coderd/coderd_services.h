#pragma once

#include "agent_registry.h"
#include "agent_service.h"
#include "api_routes.h"
#include "audit_recorder.h"
#include "authenticator.h"
#include "file_service.h"
#include "job_log_stream.h"
#include "job_logs.h"
#include "login_rate_limiter.h"
#include "provisioner_daemon_service.h"
#include "route_kit.h"
#include "template_service.h"
#include "template_version_service.h"
#include "user_service.h"
#include "workspace_build_service.h"
#include "workspace_service.h"

#include <memory>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class DeploymentUrl;
class ProvisioningService;
class Router;
struct CoderdConfig;

// coderd's composition root: every service built once, each handed what it depends on, from
// what Coderd opened (the store, the pubsub, the pool) and the provisioning it runs; and the
// router with every route on it. Outlives the HTTP server that serves the router.
class CoderdServices
{
public:
    CoderdServices(Store &store, Pubsub &pubsub, core::WorkPool &pool, const CoderdConfig &config,
                   const DeploymentUrl &url, ProvisioningService &provisioning);

    std::shared_ptr<Router> router();

private:
    Pubsub &m_pubsub;
    core::WorkPool &m_pool;
    const DeploymentUrl &m_url;
    ProvisioningService &m_provisioning;
    Authenticator m_authenticator;
    AuditRecorder m_audit;
    LoginRateLimiter m_loginLimiter;
    JobLogs m_jobLogs;
    UserService m_users;
    FileService m_files;
    TemplateService m_templates;
    TemplateVersionService m_versions;
    WorkspaceService m_workspaces;
    WorkspaceBuildService m_builds;
    ProvisionerDaemonService m_daemons;
    AgentService m_agents;
    AgentRegistry m_agentRegistry;
    AgentRelay m_relay;
    RouteKit m_kit;
    LogStreaming m_logStreaming;
};

} // namespace coder::server
