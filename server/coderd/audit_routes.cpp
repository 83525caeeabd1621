#include "api_context.h"
#include "api_routes.h"
#include "json_codec.h"
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
                   core::JsonWriter json;
                   json.beginObject().key("audit_logs").beginArray();
                   for (const AuditLog &entry : std::as_const(*logs))
                       writeAuditLog(json, entry);
                   json.endArray().key("count").value(*count).endObject();
                   return HttpResponse::rawJson(200, json.take());
               }));
}

} // namespace coder::server
