#pragma once

namespace coder::core {
class WorkPool;
}

namespace coder::server {

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

} // namespace coder::server
