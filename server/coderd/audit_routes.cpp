// The /audit route: the audit log, a page at a time.
#include "api_routes.h"
#include "audit_recorder.h"
#include "route_kit.h"

namespace coder::server {

void registerAuditRoutes(Router &router, const RouteKit &kit, AuditRecorder &audit)
{
    router.add("GET", QStringLiteral("/api/v2/audit"),
               kit.authenticated([&audit](HttpRequest &request, const Actor &actor) {
                   auto page = pagination(request, 50, 1000);
                   if (!page)
                       return toHttp(page.error());
                   return respond(audit.list(actor, *page));
               }));
}

} // namespace coder::server
