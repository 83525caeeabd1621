#include "api_context.h"
#include "api_objects.h"
#include "api_routes.h"
#include "json_body.h"
#include "password_hasher.h"
#include "request_params.h"

#include <QJsonArray>

namespace coder::server {

namespace {

HttpResponse userResponse(int status, const User &user)
{
    core::JsonWriter json;
    core::json::write(json, apiUser(user));
    return HttpResponse::rawJson(status, json.take());
}

HttpResponse failed(const StoreError &error, const QString &what = QStringLiteral("user"))
{
    return HttpResponse::error(ApiContext::storeError(error, what));
}

// The checks before changing someone else's account: the permission for the action, never on
// oneself (a lockout waiting to happen), and only an owner acts on an owner's account.
std::optional<core::ApiError> guardAccountChange(ApiContext &context, const Principal &principal,
                                                 const User &target, Action action,
                                                 const QString &selfRefusal)
{
    if (auto denied = context.require(principal, action, {Resource::User, target.id, {}}))
        return denied;
    if (target.id == principal.user.id)
        return core::ApiError::badRequest(selfRefusal);
    if (target.roles.contains(roles::owner))
        return context.require(principal, Action::Assign, {Resource::Role, {}, roles::owner});
    return std::nullopt;
}

// ?q= takes Coder's filter syntax: "status:suspended" terms plus free text to search.
UserFilter parseUserQuery(const HttpRequest &request)
{
    UserFilter filter;
    QStringList words;
    const QStringList terms = request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded)
                                  .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &term : terms) {
        if (term.startsWith(QLatin1String("status:")))
            filter.status = term.mid(7);
        else
            words.append(term);
    }
    filter.search = words.join(QLatin1Char(' '));
    return filter;
}

HttpResponse listUsers(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    auto page = parsePagination(request, 100, 1000);
    if (!page)
        return HttpResponse::error(page.error());
    UserFilter filter = parseUserQuery(request);
    // Without site-wide read, a user sees exactly the rows they may read: their own.
    if (!authorize(principal.subject, Action::Read, {Resource::User, {}, {}}))
        filter.id = principal.user.id;
    filter.limit = page->limit;
    filter.offset = page->offset;
    StoreResult<QList<User>> users = context.store.users().list(filter);
    StoreResult<qint64> count = context.store.users().count(filter);
    if (!users || !count)
        return failed(!users ? users.error() : count.error(), QStringLiteral("users"));
    core::JsonWriter json;
    json.beginObject().key("users").beginArray();
    for (const User &user : std::as_const(*users))
        core::json::write(json, apiUser(user));
    json.endArray().key("count").value(*count).endObject();
    return HttpResponse::rawJson(200, json.take());
}

HttpResponse createUser(ApiContext &context, HttpRequest &request, const Principal &principal)
{
    if (auto denied = context.require(principal, Action::Create, {Resource::User, {}, {}}))
        return HttpResponse::error(*denied);
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const User user = readNewUser(*body);
    if (auto error = body->error())
        return HttpResponse::error(*error);
    StoreResult<User> created = context.store.users().insert(user);
    if (!created)
        return failed(created.error());
    context.audit.recordUserChange(request, principal.user.id, QStringLiteral("create"), *created,
                                   201);
    return userResponse(201, *created);
}

HttpResponse deleteUser(ApiContext &context, HttpRequest &request, const Principal &principal,
                        const User &target)
{
    if (auto refused = guardAccountChange(context, principal, target, Action::Delete,
                                          QStringLiteral("You cannot delete yourself.")))
        return HttpResponse::error(*refused);
    if (StoreResult<core::Ok> deleted = context.store.users().remove(target.id); !deleted)
        return failed(deleted.error());
    context.audit.recordUserChange(request, principal.user.id, QStringLiteral("delete"), target,
                                   200);
    return HttpResponse::json(
        200, QJsonObject{{QStringLiteral("message"), QStringLiteral("User has been deleted!")}});
}

HttpResponse changePassword(ApiContext &context, HttpRequest &request, const Principal &principal,
                            const User &target)
{
    // One's own password is personal (and needs the old one); anyone else's is an account
    // change like the others.
    const bool self = target.id == principal.user.id;
    if (auto refused = self ? context.require(principal, Action::UpdatePersonal,
                                              {Resource::User, target.id, {}})
                            : guardAccountChange(context, principal, target, Action::Update, {}))
        return HttpResponse::error(*refused);
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    const QString oldPassword = body->string(QStringLiteral("old_password"), self);
    const QString password = body->string(QStringLiteral("password"));
    if (const QString problem = passwordProblem(password, target.username, target.email);
        !problem.isEmpty())
        body->invalid(QStringLiteral("password"), problem);
    if (auto error = body->error())
        return HttpResponse::error(*error);
    if (self && !PasswordHasher::verify(oldPassword, target.hashedPassword))
        return HttpResponse::error(core::ApiError::invalidField(
            QStringLiteral("old_password"), QStringLiteral("Old password is incorrect.")));
    // Other sessions end with the change: whoever knew the old password is out.
    const QString keep = self ? principal.key.id : QString();
    if (auto updated =
            context.store.users().updatePassword(target.id, PasswordHasher::hash(password), keep);
        !updated)
        return failed(updated.error());
    context.audit.recordUserChange(request, principal.user.id, QStringLiteral("write"), target, 204,
                                   {{QStringLiteral("password"), QStringLiteral("changed")}});
    return HttpResponse::noContent();
}

HttpResponse getRoles(const User &target)
{
    core::JsonWriter json;
    json.beginObject().key("roles");
    core::json::write(json, apiRoles(target.roles));
    json.endObject();
    return HttpResponse::rawJson(200, json.take());
}

HttpResponse putRoles(ApiContext &context, HttpRequest &request, const Principal &principal,
                      const User &target)
{
    if (auto refused = guardAccountChange(context, principal, target, Action::Update,
                                          QStringLiteral("You cannot change your own roles.")))
        return HttpResponse::error(*refused);
    auto body = JsonBody::parse(request);
    if (!body)
        return HttpResponse::error(body.error());
    QStringList wanted = body->stringList(QStringLiteral("roles"));
    wanted.removeAll(roles::member); // implied; accepting it keeps Coder's clients working
    wanted.removeDuplicates();
    for (const QString &role : std::as_const(wanted))
        if (!roles::assignable().contains(role))
            body->invalid(QStringLiteral("roles"),
                          QStringLiteral("Unknown role \"%1\"; one of: %2.")
                              .arg(role, roles::assignable().join(u", ")));
    if (auto error = body->error())
        return HttpResponse::error(*error);
    for (const QString &role : roles::assignable()) {
        if (wanted.contains(role) == target.roles.contains(role))
            continue; // unchanged
        if (auto denied = context.require(principal, Action::Assign, {Resource::Role, {}, role}))
            return HttpResponse::error(*denied);
    }
    wanted.sort();
    StoreResult<User> updated = context.store.users().updateRoles(target.id, wanted);
    if (!updated)
        return failed(updated.error());
    context.audit.recordUserChange(
        request, principal.user.id, QStringLiteral("write"), target, 200,
        {{QStringLiteral("roles"), AuditRecorder::change(QJsonArray::fromStringList(target.roles),
                                                         QJsonArray::fromStringList(wanted))}});
    return userResponse(200, *updated);
}

HttpResponse setStatus(ApiContext &context, HttpRequest &request, const Principal &principal,
                       const User &target, const QString &status)
{
    if (auto refused =
            guardAccountChange(context, principal, target, Action::Update,
                               QStringLiteral("You cannot change the status of your own account.")))
        return HttpResponse::error(*refused);
    StoreResult<User> updated = context.store.users().updateStatus(target.id, status);
    if (!updated)
        return failed(updated.error());
    context.audit.recordUserChange(
        request, principal.user.id, QStringLiteral("write"), target, 200,
        {{QStringLiteral("status"), AuditRecorder::change(target.status, status)}});
    return userResponse(200, *updated);
}

} // namespace

void registerUserRoutes(Router &router, ApiContext &context)
{
    using namespace std::placeholders;
    const QString user = QStringLiteral("/api/v2/users/{user}");
    router.add("GET", QStringLiteral("/api/v2/users"),
               context.authenticated(std::bind(listUsers, std::ref(context), _1, _2)));
    router.add("POST", QStringLiteral("/api/v2/users"),
               context.authenticated(std::bind(createUser, std::ref(context), _1, _2)));
    router.add("GET", user,
               context.onUser([](HttpRequest &, const Principal &, const User &target) {
                   return userResponse(200, target);
               }));
    router.add("DELETE", user,
               context.onUser(std::bind(deleteUser, std::ref(context), _1, _2, _3)));
    router.add("PUT", user + QStringLiteral("/password"),
               context.onUser(std::bind(changePassword, std::ref(context), _1, _2, _3)));
    router.add("GET", user + QStringLiteral("/roles"),
               context.onUser([](HttpRequest &, const Principal &, const User &target) {
                   return getRoles(target);
               }));
    router.add("PUT", user + QStringLiteral("/roles"),
               context.onUser(std::bind(putRoles, std::ref(context), _1, _2, _3)));
    for (const auto &[verb, status] :
         {std::pair{QStringLiteral("suspend"), QStringLiteral("suspended")},
          std::pair{QStringLiteral("activate"), QStringLiteral("active")}})
        router.add("PUT", user + QStringLiteral("/status/") + verb,
                   context.onUser(std::bind(setStatus, std::ref(context), _1, _2, _3, status)));
}

} // namespace coder::server
