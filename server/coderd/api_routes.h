#pragma once

#include "authz.h"
#include "core/api_error.h"
#include "core/result.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class ApiContext;
class Router;
struct HttpRequest;
struct Principal;

// Each registers one area of the API on the router (Coder's route names).
void registerMetaRoutes(Router &router, ApiContext &context);
void registerAuthRoutes(Router &router, ApiContext &context);
void registerUserRoutes(Router &router, ApiContext &context);
void registerTokenRoutes(Router &router, ApiContext &context);
void registerAuditRoutes(Router &router, ApiContext &context);
void registerFileRoutes(Router &router, ApiContext &context);
void registerTemplateRoutes(Router &router, ApiContext &context);
void registerTemplateVersionRoutes(Router &router, ApiContext &context);
void registerWorkspaceRoutes(Router &router, ApiContext &context);
void registerWorkspaceBuildRoutes(Router &router, ApiContext &context);
void registerProvisionerDaemonRoutes(Router &router, ApiContext &context);

// Finds the {workspace} of a request and checks that the principal may act on it (404 for a
// workspace it may not even read). Shared by the workspace and build routes.
core::Result<WorkspaceView, core::ApiError> workspaceFor(ApiContext &context,
                                                         const HttpRequest &request,
                                                         const Principal &principal, Action action);

} // namespace coder::server
