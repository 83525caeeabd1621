// The agent routes: /workspaceagents/me/... for agents (their own token) and
// /workspaceagents/{workspaceagent}/... for users.
#include "agent_link.h"
#include "agent_registry.h"
#include "agent_service.h"
#include "api_routes.h"
#include "client_link.h"
#include "job_log_stream.h"
#include "log_stream.h"
#include "provisioner_job_server.h"
#include "route_kit.h"

namespace coder::server {

namespace {

using AgentHandler = std::function<HttpResponse(const AgentPlacement &, HttpRequest &)>;

// Runs handler for the agent whose token the request carries.
HttpHandler asAgent(AgentService &agents, AgentHandler handler)
{
    return [&agents, handler = std::move(handler)](HttpRequest &request) {
        auto agent = agents.authenticate(request.header("coder-session-token"));
        if (!agent)
            return toHttp(agent.error());
        return handler(*agent, request);
    };
}

} // namespace

void registerAgentRoutes(Router &router, const RouteKit &kit, AgentService &agents,
                         const AgentRelay &relay, const LogStreaming &streaming)
{
    const QString me = QStringLiteral("/api/v2/workspaceagents/me");
    router.add("GET", me + QStringLiteral("/manifest"),
               asAgent(agents, [&agents](const AgentPlacement &agent, HttpRequest &) {
                   return respond(Outcome<core::AgentManifest>(agents.manifest(agent)));
               }));
    router.add("POST", me + QStringLiteral("/report-lifecycle"),
               asAgent(agents, [&agents](const AgentPlacement &agent, HttpRequest &request) {
                   auto body = decodeBody<core::PostLifecycleRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respondNoContent(agents.reportLifecycle(agent, *body));
               }));
    // A batch of log lines is small; the agent sends them as they come.
    router.add("PATCH", me + QStringLiteral("/logs"),
               asAgent(agents,
                       [&agents](const AgentPlacement &agent, HttpRequest &request) {
                           auto body = decodeBody<core::PatchLogsRequest>(request);
                           if (!body)
                               return toHttp(body.error());
                           return respondMessage(agents.appendLogs(agent, *body),
                                                 QStringLiteral("Appended logs."));
                       }),
               RouteOptions{2 * AgentService::kMaxLogBytes, false});
    router.add("POST", me + QStringLiteral("/metadata"),
               asAgent(agents, [&agents](const AgentPlacement &agent, HttpRequest &request) {
                   auto body = decodeBody<core::PostMetadataRequest>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respondNoContent(agents.reportMetadata(agent, *body));
               }));
    router.add("POST", me + QStringLiteral("/listening-ports"),
               asAgent(agents, [&agents](const AgentPlacement &agent, HttpRequest &request) {
                   auto body = decodeBody<core::WorkspaceAgentListeningPortsResponse>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respondNoContent(agents.reportListeningPorts(agent, *body));
               }));
    router.add("POST", me + QStringLiteral("/report-stats"),
               asAgent(agents, [&agents](const AgentPlacement &agent, HttpRequest &request) {
                   auto body = decodeBody<core::AgentStats>(request);
                   if (!body)
                       return toHttp(body.error());
                   return respondNoContent(agents.reportStats(agent, *body));
               }));
    router.addWebSocket(me + QStringLiteral("/tunnel"), [&agents, relay](HttpRequest &request) {
        auto agent = agents.authenticate(request.header("coder-session-token"));
        if (!agent)
            return refuseUpgrade(agent.error());
        AgentLink::Options options;
        options.heartbeatMs = relay.heartbeatMs;
        options.version = QString::fromUtf8(request.header("user-agent").left(64));
        return WebSocketDecision::acceptingFramed(
            [&agents, relay, agent = *agent, options](QTcpSocket *socket) {
                AgentLink::start(socket, agent, agents, relay.lane, *relay.registry, options);
            });
    });

    const QString param = QStringLiteral("workspaceagent");
    const QString path = QStringLiteral("/api/v2/workspaceagents/{workspaceagent}");
    router.add("GET", path,
               kit.withId(param, [&agents](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(agents.get(actor, id));
               }));
    router.add(
        "GET", path + QStringLiteral("/logs"),
        kit.withId(param, [&agents](const Actor &actor, const QUuid &id, HttpRequest &request) {
            auto after = logsAfter(request);
            if (!after)
                return toHttp(after.error());
            return respond(agents.logs(actor, id, *after));
        }));
    // Coder's follow: each message a JSON array of the logs since the last one, until the agent
    // can send no more (a newer build, or the end of its stop).
    router.addWebSocket(
        path + QStringLiteral("/logs"),
        kit.watchedWebSocket<AgentPlacement>(
            param,
            [&agents](const Actor &actor, const QUuid &id) { return agents.findToRead(actor, id); },
            [&agents, streaming](HttpRequest &request, const Actor &, const AgentPlacement &agent,
                                 AccessWatch::Options access) {
                auto after = logsAfter(request);
                if (!after)
                    return refuseUpgrade(after.error());
                LogStream::Source source{
                    channels::workspace(agent.workspaceId),
                    [&agents, id = agent.agent.id](qint64 after) -> Outcome<LogStream::Batch> {
                        auto batch = agents.logBatch(id, after);
                        if (!batch)
                            return batch.error();
                        LogStream::Batch out;
                        if (!batch->logs.isEmpty()) {
                            out.messages.append(core::json::toJson(batch->logs));
                            out.last = batch->logs.last().id;
                        }
                        out.ended = batch->ended;
                        return out;
                    },
                    QStringLiteral("the agent's logs are complete")};
                return WebSocketDecision::accepting(
                    [streaming, source, after = *after, access](QWebSocket *socket) {
                        LogStream::start(streaming.pool, streaming.pubsub, socket, source, after,
                                         access);
                    });
            }));
    router.add("GET", path + QStringLiteral("/listening-ports"),
               kit.withId(param, [&agents](const Actor &actor, const QUuid &id, HttpRequest &) {
                   return respond(agents.listeningPorts(actor, id));
               }));
    // A user's tunnel to an agent; its access asked again while it lives.
    router.addWebSocket(path + QStringLiteral("/tunnel"),
                        kit.watchedWebSocket<AgentPlacement>(
                            param,
                            [&agents](const Actor &actor, const QUuid &id) {
                                return agents.findToConnect(actor, id);
                            },
                            [relay](HttpRequest &, const Actor &, const AgentPlacement &agent,
                                    AccessWatch::Options access) {
                                return WebSocketDecision::acceptingFramed(
                                    [relay, id = agent.agent.id, access](QTcpSocket *socket) {
                                        ClientLink::start(socket, id, *relay.registry, access);
                                    });
                            }));
}

} // namespace coder::server
