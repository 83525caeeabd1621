#include "route_kit.h"

#include "authenticator.h"
#include "core/api_types.h"
#include "server/http/http_request.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace coder::server {

namespace {

constexpr qsizetype maxUserAgent = 256;
constexpr qsizetype maxRequestId = 64;

// core's "not a string" as a sentence a form can show: "Must be a string."
QString sentence(const QString &problem)
{
    if (problem == QLatin1String("missing"))
        return QStringLiteral("Field is required.");
    if (problem == QLatin1String("empty"))
        return QStringLiteral("Must not be empty.");
    if (problem.startsWith(QLatin1String("not ")))
        return QStringLiteral("Must be ") + problem.mid(4) + u'.';
    return problem.left(1).toUpper() + problem.mid(1) + u'.';
}

} // namespace

HttpHandler RouteKit::authenticated(Handler handler) const
{
    return [&authenticator = m_authenticator, handler = std::move(handler)](HttpRequest &request) {
        Outcome<Principal> principal = authenticator.authenticate(request);
        if (!principal)
            return toHttp(principal.error());
        return handler(request, actorOf(request, std::move(*principal)));
    };
}

HttpHandler RouteKit::withId(const QString &param, IdHandler handler) const
{
    return authenticated(
        [param, handler = std::move(handler)](HttpRequest &request, const Actor &actor) {
            Outcome<QUuid> id = uuidParam(request, param);
            if (!id)
                return toHttp(id.error());
            return handler(actor, *id, request);
        });
}

HttpHandler RouteKit::anonymous(Handler handler)
{
    return [handler = std::move(handler)](HttpRequest &request) {
        return handler(request, actorOf(request));
    };
}

WebSocketHandler RouteKit::authenticatedWebSocket(SocketHandler handler) const
{
    return [&authenticator = m_authenticator, handler = std::move(handler)](HttpRequest &request) {
        Outcome<Principal> principal = authenticator.authenticate(request);
        if (!principal)
            return refuseUpgrade(principal.error());
        return handler(request, actorOf(request, std::move(*principal)));
    };
}

WebSocketHandler RouteKit::watchedFeed(FeedHandler handler) const
{
    return authenticatedWebSocket(
        [this, handler = std::move(handler)](HttpRequest &request, const Actor &actor) {
            return handler(
                request, actor, accessWatch(actor, [then = actor.subject()](const Actor &now) {
                    std::optional<DomainError> refusal;
                    if (now.subject().roles != then.roles || now.subject().scope != then.scope)
                        refusal = DomainError::forbidden(QStringLiteral("Your roles changed."));
                    return refusal;
                }));
        });
}

AccessWatch::Options RouteKit::accessWatch(const Actor &actor, StillAllowed stillAllowed) const
{
    AccessWatch::Options options;
    options.check = [&authenticator = m_authenticator, actor,
                     stillAllowed = std::move(stillAllowed)]() -> std::optional<DomainError> {
        Outcome<Principal> principal = authenticator.revalidate(actor.principal, actor.ipAddress);
        if (!principal)
            return principal.error();
        Actor now = actor;
        now.principal = std::move(*principal);
        return stillAllowed(now);
    };
    options.pool = &m_pool;
    options.intervalMs = m_accessCheckMs;
    return options;
}

Actor RouteKit::actorOf(const HttpRequest &request, Principal principal)
{
    Actor actor;
    actor.principal = std::move(principal);
    actor.ipAddress = request.peerAddress.toString();
    actor.userAgent = QString::fromUtf8(request.header("user-agent").left(maxUserAgent));
    actor.requestId = QString::fromLatin1(request.header("x-request-id").left(maxRequestId));
    return actor;
}

Outcome<QJsonObject> bodyObject(const HttpRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return DomainError::invalid(QStringLiteral("Request body must be valid JSON."),
                                    parseError.errorString() + QStringLiteral(" at offset ") +
                                        QString::number(parseError.offset));
    if (!document.isObject())
        return DomainError::invalid(QStringLiteral("Request body must be a JSON object."));
    return document.object();
}

DomainError invalidFields(const QList<core::json::FieldProblem> &problems)
{
    DomainError error = DomainError::invalid(QStringLiteral("Validation failed."));
    for (const core::json::FieldProblem &problem : problems)
        error.withValidation(problem.field, sentence(problem.problem));
    return error;
}

Outcome<Pagination> pagination(const HttpRequest &request, int defaultLimit, int maxLimit)
{
    Pagination page{defaultLimit, 0};
    for (const auto &[name, target, max] :
         {std::tuple{QStringLiteral("limit"), &page.limit, maxLimit},
          std::tuple{QStringLiteral("offset"), &page.offset, std::numeric_limits<int>::max()}}) {
        if (!request.query.hasQueryItem(name))
            continue;
        bool ok = false;
        const int value = request.query.queryItemValue(name).toInt(&ok);
        if (!ok || value < 0 || value > max)
            return DomainError::invalid(QStringLiteral("Query parameters have invalid values."))
                .withValidation(name, QStringLiteral("Must be an integer from 0 to %1.").arg(max));
        *target = value;
    }
    if (page.limit == 0)
        page.limit = defaultLimit;
    return page;
}

Outcome<QUuid> uuidParam(const HttpRequest &request, const QString &name)
{
    const QString text = request.pathParam(name);
    const QUuid id = QUuid::fromString(text);
    if (id.isNull())
        return DomainError::invalid(QStringLiteral("Invalid UUID \"%1\".").arg(text.left(64)),
                                    QStringLiteral("The %1 in the path must be a UUID.").arg(name));
    return id;
}

Outcome<qint64> logsAfter(const HttpRequest &request)
{
    const QString text = request.query.queryItemValue(QStringLiteral("after"));
    if (text.isEmpty())
        return qint64(0);
    bool ok = false;
    const qint64 after = text.toLongLong(&ok);
    if (!ok || after < 0)
        return DomainError::invalidField(QStringLiteral("after"),
                                         QStringLiteral("Must be a non-negative log id."));
    return after;
}

QString queryValue(const HttpRequest &request, const QString &name)
{
    return request.query.queryItemValue(name, QUrl::FullyDecoded);
}

HttpResponse respondMessage(const Outcome<core::Ok> &outcome, const QString &message, int status)
{
    if (!outcome)
        return toHttp(outcome.error());
    return HttpResponse::rawJson(status, core::json::toJson(core::Message{message, {}}));
}

HttpResponse respondNoContent(const Outcome<core::Ok> &outcome)
{
    return outcome ? HttpResponse::noContent() : toHttp(outcome.error());
}

WebSocketDecision refuseUpgrade(const DomainError &error)
{
    return WebSocketDecision::refuse(toHttp(error));
}

} // namespace coder::server
