#include "authz.h"

#include <initializer_list>

namespace coder::server {

namespace roles {
QStringList assignable()
{
    return {owner, templateAdmin, userAdmin, auditor};
}

QString displayName(const QString &role)
{
    if (role == owner)
        return QStringLiteral("Owner");
    if (role == member)
        return QStringLiteral("Member");
    if (role == templateAdmin)
        return QStringLiteral("Template Admin");
    if (role == userAdmin)
        return QStringLiteral("User Admin");
    if (role == auditor)
        return QStringLiteral("Auditor");
    return role;
}
} // namespace roles

namespace {

struct Grant
{
    Resource resource;
    std::initializer_list<Action> actions;
};

bool grants(std::initializer_list<Grant> list, Resource resource, Action action)
{
    for (const Grant &grant : list) {
        if (grant.resource != resource)
            continue;
        for (Action a : grant.actions)
            if (a == action)
                return true;
    }
    return false;
}

// Site-level permissions: apply to every object of the resource.
bool siteAllows(const QString &role, Action action, const Object &object)
{
    using enum Action;
    using enum Resource;
    if (role == roles::owner)
        return true;
    if (role == roles::userAdmin) {
        // A user admin manages accounts and assigns every role but owner.
        if (object.resource == Role)
            return action == Assign && object.id != roles::owner;
        return grants({{User, {Create, Read, Update, UpdatePersonal, Delete}}}, object.resource,
                      action);
    }
    if (role == roles::auditor)
        return grants({{AuditLog, {Read}}, {User, {Read}}}, object.resource, action);
    if (role == roles::templateAdmin)
        // Template admins manage templates and see (but do not build) everyone's workspaces.
        return grants({{User, {Read}},
                       {Template, {Create, Read, Update, Delete}},
                       {File, {Create, Read}},
                       {Workspace, {Read}},
                       {ProvisionerDaemon, {Read}}},
                      object.resource, action);
    if (role == roles::member)
        // Every user reads the organization and the templates, to build from them.
        return grants({{Organization, {Read}}, {Template, {Read}}}, object.resource, action);
    return false;
}

// User-level permissions: apply only to objects the subject owns.
bool ownerAllows(Action action, const Object &object)
{
    using enum Action;
    using enum Resource;
    return grants({{User, {Read, UpdatePersonal}},
                   {ApiKey, {Create, Read, Delete}},
                   {Workspace, {Create, Read, Update, Delete, Connect}}},
                  object.resource, action);
}

} // namespace

bool authorize(const Subject &subject, Action action, const Object &object)
{
    if (subject.userId.isNull())
        return false;
    // An application_connect token only reaches workspace apps, which are served outside
    // this API (no route authorizes through it): here it may do nothing.
    if (subject.scope != QLatin1String("all"))
        return false;
    for (const QString &role : subject.roles)
        if (siteAllows(role, action, object))
            return true;
    return !object.owner.isNull() && object.owner == subject.userId && ownerAllows(action, object);
}

} // namespace coder::server
