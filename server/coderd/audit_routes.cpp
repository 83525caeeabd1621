#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "provisioning_views.h"
#include "request_params.h"

namespace coder::server {

void registerAuditRoutes(Router &router, ApiContext &context)
{
    router.add("GET", QStringLiteral("/api/v2/audit"),
               context.authenticated([&context](HttpRequest &request, const Principal &principal) {
                   if (auto denied =
                           context.require(principal, Action::Read, {Resource::AuditLog, {}, {}}))
                       return HttpResponse::error(*denied);
                   auto page = parsePagination(request, 50, 1000);
                   if (!page)
                       return HttpResponse::error(page.error());
                   StoreResult<QList<AuditLog>> logs =
                       context.store.audit().list(page->limit, page->offset);
                   StoreResult<qint64> count = context.store.audit().count();
                   if (!logs || !count)
                       return HttpResponse::error(ApiContext::storeError(
                           !logs ? logs.error() : count.error(), QStringLiteral("audit log")));
                   // Each entry shows its author's account (null when there was none).
                   ProvisioningViews views(context.store);
                   core::AuditLogsPage shown;
                   shown.count = *count;
                   for (const AuditLog &entry : std::as_const(*logs)) {
                       std::optional<User> author;
                       if (!entry.userId.isNull())
                           author = views.user(entry.userId);
                       shown.auditLogs.append(apiAuditLog(entry, author));
                   }
                   return HttpResponse::rawJson(200, core::json::toJson(shown));
               }));
}

} // namespace coder::server
