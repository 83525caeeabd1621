#pragma once

namespace coder::server {

class ApiContext;
class Router;

// Each registers one area of the API on the router (Coder's route names).
void registerMetaRoutes(Router &router, ApiContext &context);
void registerAuthRoutes(Router &router, ApiContext &context);
void registerUserRoutes(Router &router, ApiContext &context);
void registerTokenRoutes(Router &router, ApiContext &context);
void registerAuditRoutes(Router &router, ApiContext &context);

} // namespace coder::server
