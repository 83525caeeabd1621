#pragma once

#include "core/serial_lane.h"

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class AgentRegistry;
class AgentService;
class AuditRecorder;
class DeploymentUrl;
class FileService;
class ProvisionerDaemonService;
class ProvisionerJobServer;
class Pubsub;
class RouteKit;
class Router;
class TemplateService;
class TemplateVersionService;
class UserService;
class WorkspaceBuildService;
class WorkspaceService;
struct LogStreaming;

// What the agent routes hand the relay's links.
struct AgentRelay
{
    AgentRegistry *registry = nullptr;
    core::SerialLane lane; // connection writes, in order
    int heartbeatMs = 15000;
};

// Each registers one area of the API on the router (Coder's route names), handing each request
// to the service it names: parse, call, encode.
void registerMetaRoutes(Router &router, const DeploymentUrl &url);
void registerAuthRoutes(Router &router, const RouteKit &kit, UserService &users);
void registerUserRoutes(Router &router, const RouteKit &kit, UserService &users);
void registerTokenRoutes(Router &router, const RouteKit &kit, UserService &users);
void registerAuditRoutes(Router &router, const RouteKit &kit, AuditRecorder &audit);
void registerFileRoutes(Router &router, const RouteKit &kit, FileService &files);
void registerTemplateRoutes(Router &router, const RouteKit &kit, TemplateService &templates);
void registerTemplateVersionRoutes(Router &router, const RouteKit &kit,
                                   TemplateVersionService &versions, const LogStreaming &streaming);
void registerWorkspaceRoutes(Router &router, const RouteKit &kit, WorkspaceService &workspaces,
                             core::WorkPool &pool, Pubsub &pubsub);
void registerWorkspaceBuildRoutes(Router &router, const RouteKit &kit,
                                  WorkspaceBuildService &builds, const LogStreaming &streaming);
void registerProvisionerDaemonRoutes(Router &router, const RouteKit &kit,
                                     ProvisionerDaemonService &daemons, ProvisionerJobServer &jobs,
                                     core::WorkPool &pool);
void registerAgentRoutes(Router &router, const RouteKit &kit, AgentService &agents,
                         const AgentRelay &relay, const LogStreaming &streaming);

} // namespace coder::server
