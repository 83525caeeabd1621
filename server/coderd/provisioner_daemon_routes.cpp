#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "provisioner_daemon_session.h"
#include "provisioner_job_server.h"

#include <QWebSocket>
#include <openssl/crypto.h>

namespace coder::server {

namespace {

const QByteArray pskHeader = QByteArrayLiteral("Coder-Provisioner-Daemon-PSK");

HttpResponse listDaemons(ApiContext &context, HttpRequest &, const Principal &principal)
{
    if (auto denied =
            context.require(principal, Action::Read, {Resource::ProvisionerDaemon, {}, {}}))
        return HttpResponse::error(*denied);
    auto daemons = context.store.jobs().listDaemons();
    if (!daemons)
        return HttpResponse::error(
            ApiContext::storeError(daemons.error(), QStringLiteral("provisioner daemons")));
    core::JsonWriter json;
    json.beginArray();
    for (const ProvisionerDaemon &daemon : std::as_const(*daemons))
        core::json::write(json, apiDaemon(daemon));
    json.endArray();
    return HttpResponse::rawJson(200, json.take());
}

// External daemons authenticate with the deployment's pre-shared key, compared in constant time.
WebSocketDecision serveDaemon(ApiContext &context, HttpRequest &request)
{
    const QByteArray expected = context.config.provisionerDaemonPsk.toUtf8();
    if (expected.isEmpty())
        return {HttpResponse::error(core::ApiError::unauthorized(
                    QStringLiteral("External provisioner daemons are not enabled here."),
                    QStringLiteral("Start coderd with --provisioner-daemon-psk."))),
                {}};
    const QByteArray presented = request.header(pskHeader);
    if (presented.size() != expected.size() ||
        CRYPTO_memcmp(presented.constData(), expected.constData(), size_t(expected.size())) != 0)
        return {HttpResponse::error(core::ApiError::unauthorized(
                    presented.isEmpty()
                        ? QStringLiteral("Missing the provisioner daemon pre-shared key.")
                        : QStringLiteral("Invalid provisioner daemon pre-shared key."),
                    QStringLiteral("Pass the key of --provisioner-daemon-psk in the %1 header.")
                        .arg(QString::fromLatin1(pskHeader)))),
                {}};
    ProvisionerDaemon daemon;
    daemon.name = request.query.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded);
    daemon.version = request.query.queryItemValue(QStringLiteral("version"), QUrl::FullyDecoded);
    daemon.provisioners =
        request.query.allQueryItemValues(QStringLiteral("provisioner"), QUrl::FullyDecoded);
    for (const QString &tag :
         request.query.allQueryItemValues(QStringLiteral("tag"), QUrl::FullyDecoded)) {
        const qsizetype equals = tag.indexOf(u'=');
        if (equals <= 0)
            return {HttpResponse::error(core::ApiError::invalidField(
                        QStringLiteral("tag"),
                        QStringLiteral("Tags are key=value, got \"%1\".").arg(tag))),
                    {}};
        daemon.tags.insert(tag.left(equals), tag.mid(equals + 1));
    }
    if (daemon.name.isEmpty() || daemon.name.size() > 128 || daemon.provisioners.isEmpty())
        return {HttpResponse::error(core::ApiError::badRequest(
                    QStringLiteral("A daemon names itself (?name=) and its provisioners "
                                   "(?provisioner=)."))),
                {}};
    daemon.lastSeenAt = QDateTime::currentDateTimeUtc();
    auto stored = context.store.jobs().upsertDaemon(daemon);
    if (!stored)
        return {HttpResponse::error(
                    ApiContext::storeError(stored.error(), QStringLiteral("provisioner daemon"))),
                {}};
    return {std::nullopt, [&context, daemon = *stored](QWebSocket *socket) {
                ProvisionerDaemonSession::start(*context.jobs, *context.pool, socket, daemon);
            }};
}

} // namespace

void registerProvisionerDaemonRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    router.add("GET", QStringLiteral("/api/v2/provisionerdaemons"),
               context.authenticated(std::bind(listDaemons, std::ref(context), _1, _2)));
    router.addWebSocket(QStringLiteral("/api/v2/provisionerdaemons/serve"),
                        std::bind(serveDaemon, std::ref(context), _1));
}

} // namespace coder::server
