// The /provisionerdaemons routes: daemons listed, and external daemons served over a WebSocket.
#include "api_routes.h"
#include "core/work_pool.h"
#include "provisioner_daemon_service.h"
#include "provisioner_daemon_session.h"
#include "route_kit.h"

#include <QWebSocket>

namespace coder::server {

void registerProvisionerDaemonRoutes(Router &router, const RouteKit &kit,
                                     ProvisionerDaemonService &daemons, ProvisionerJobServer &jobs,
                                     core::WorkPool &pool)
{
    router.add("GET", QStringLiteral("/api/v2/provisionerdaemons"),
               kit.authenticated([&daemons](HttpRequest &, const Actor &actor) {
                   return respond(daemons.list(actor));
               }));
    router.addWebSocket(
        QStringLiteral("/api/v2/provisionerdaemons/serve"),
        [&daemons, &jobs, &pool](HttpRequest &request) {
            // ?name=&version=&provisioner=...&tag=key=value...: the daemon as it describes itself.
            ProvisionerDaemon described;
            described.name = queryValue(request, QStringLiteral("name"));
            described.version = queryValue(request, QStringLiteral("version"));
            described.provisioners =
                request.query.allQueryItemValues(QStringLiteral("provisioner"), QUrl::FullyDecoded);
            auto daemon = daemons.admit(
                request.header(ProvisionerDaemonService::keyHeader), std::move(described),
                request.query.allQueryItemValues(QStringLiteral("tag"), QUrl::FullyDecoded));
            if (!daemon)
                return refuseUpgrade(daemon.error());
            return WebSocketDecision::accepting(
                [&jobs, &pool, daemon = *daemon](QWebSocket *socket) {
                    ProvisionerDaemonSession::start(jobs, pool, socket, daemon);
                });
        });
}

} // namespace coder::server
