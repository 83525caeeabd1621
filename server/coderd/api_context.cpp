#include "api_context.h"

#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcApi, "coder.api")

ApiContext::ApiContext(Store &store, const CoderdConfig &config)
    : store(store), config(config), authenticator(store), audit(store),
      loginLimiter(config.loginRateLimit), m_accessUrl(config.accessUrl)
{}

HttpHandler ApiContext::authenticated(AuthenticatedHandler handler)
{
    return [this, handler = std::move(handler)](HttpRequest &request) {
        core::Result<Principal, core::ApiError> principal = authenticator.authenticate(request);
        if (!principal)
            return HttpResponse::error(principal.error());
        return handler(request, *principal);
    };
}

WebSocketHandler ApiContext::authenticatedWebSocket(AuthenticatedWebSocket handler)
{
    return [this, handler = std::move(handler)](HttpRequest &request) {
        core::Result<Principal, core::ApiError> principal = authenticator.authenticate(request);
        if (!principal)
            return WebSocketDecision{HttpResponse::error(principal.error()), {}};
        return handler(request, *principal);
    };
}

HttpHandler ApiContext::onUser(UserHandler handler)
{
    return authenticated(
        [this, handler = std::move(handler)](HttpRequest &request, const Principal &principal) {
            auto target = resolveUser(request.pathParam(QStringLiteral("user")), principal);
            if (!target)
                return HttpResponse::error(target.error());
            return handler(request, principal, *target);
        });
}

std::optional<core::ApiError> ApiContext::require(const Principal &principal, Action action,
                                                  const Object &object) const
{
    if (authorize(principal.subject, action, object))
        return std::nullopt;
    const bool siteWide = object.owner.isNull();
    if (siteWide || (action != Action::Read && authorize(principal.subject, Action::Read, object)))
        return core::ApiError::forbidden(QStringLiteral("You do not have permission to do this."));
    return core::ApiError::notFound(
        QStringLiteral("Resource not found or you do not have access to this resource"));
}

core::Result<User, core::ApiError> ApiContext::resolveUser(const QString &param,
                                                           const Principal &principal)
{
    StoreResult<User> user = [&]() -> StoreResult<User> {
        if (param == QLatin1String("me"))
            return principal.user; // read by the authenticator a moment ago
        const QUuid id = QUuid::fromString(param);
        if (!id.isNull())
            return store.users().byId(id);
        return store.users().byUsername(param);
    }();
    if (!user)
        return storeError(user.error(), QStringLiteral("user"));
    if (!authorize(principal.subject, Action::Read, {Resource::User, user->id, {}}))
        return core::ApiError::notFound(
            QStringLiteral("Resource not found or you do not have access to this resource"));
    return *user;
}

core::Result<Organization, core::ApiError> ApiContext::resolveOrganization(const QString &param)
{
    StoreResult<Organization> organization = [&]() -> StoreResult<Organization> {
        if (param == QLatin1String("default"))
            return store.templates().defaultOrganization();
        const QUuid id = QUuid::fromString(param);
        return id.isNull() ? store.templates().organizationByName(param)
                           : store.templates().organizationById(id);
    }();
    if (!organization)
        return storeError(organization.error(), QStringLiteral("organization"));
    return *organization;
}

QUrl ApiContext::accessUrl() const
{
    QReadLocker lock(&m_accessUrlLock);
    return m_accessUrl;
}

void ApiContext::setAccessUrl(const QUrl &url)
{
    QWriteLocker lock(&m_accessUrlLock);
    m_accessUrl = url;
}

core::ApiError ApiContext::unavailable()
{
    return core::ApiError::unavailable(
        QStringLiteral("The database is not available right now; try again shortly."));
}

core::ApiError ApiContext::storeError(const StoreError &error, const QString &what)
{
    switch (error.kind) {
    case StoreError::NotFound:
        return core::ApiError::notFound(QStringLiteral("No %1 found.").arg(what));
    case StoreError::Conflict:
        return core::ApiError::conflict(error.message.isEmpty()
                                            ? QStringLiteral("The %1 already exists.").arg(what)
                                            : error.message,
                                        error.field);
    case StoreError::Unavailable:
        qCWarning(lcApi) << "database unavailable for" << what << ":" << error.message;
        return unavailable();
    case StoreError::Internal:
        break;
    }
    qCWarning(lcApi) << "database error on" << what << ":" << error.message;
    return core::ApiError::internal(QStringLiteral("Internal error accessing the %1.").arg(what),
                                    QStringLiteral("See the server log for details."));
}

} // namespace coder::server
