#include "actor.h"

namespace coder::server {

Actor Actor::system()
{
    Actor actor;
    actor.principal.subject = Subject{{}, {roles::owner, roles::member}, QStringLiteral("all")};
    return actor;
}

std::optional<DomainError> requireAccess(const Subject &subject, Action action,
                                         const Object &object)
{
    if (authorize(subject, action, object))
        return std::nullopt;
    const bool siteWide = object.owner.isNull();
    if (siteWide || (action != Action::Read && authorize(subject, Action::Read, object)))
        return DomainError::forbidden(QStringLiteral("You do not have permission to do this."));
    return DomainError::notFound(
        QStringLiteral("Resource not found or you do not have access to this resource"));
}

} // namespace coder::server
