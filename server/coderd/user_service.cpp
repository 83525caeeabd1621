#include "user_service.h"

#include "api_objects.h"
#include "api_token.h"
#include "audit_recorder.h"
#include "authenticator.h"
#include "core/field_rules.h"
#include "login_rate_limiter.h"
#include "password_hasher.h"
#include "server/database/store.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace coder::server {

namespace {

constexpr qint64 nanosPerSecond = 1'000'000'000;
constexpr qint64 defaultTokenLifetimeSeconds = 30LL * 24 * 3600;
constexpr qint64 maxTokenLifetimeSeconds = 365LL * 24 * 3600;

const QString kUser = QStringLiteral("user");

// ?q= takes Coder's filter syntax: "status:suspended" terms plus free text to search.
UserFilter parseUserQuery(const QString &query)
{
    UserFilter filter;
    QStringList words;
    for (const QString &term : query.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (term.startsWith(QLatin1String("status:")))
            filter.status = term.mid(7);
        else
            words.append(term);
    }
    filter.search = words.join(QLatin1Char(' '));
    return filter;
}

} // namespace

Outcome<User> UserService::newUser(const QString &email, const QString &username,
                                   const QString &name, const QString &password)
{
    DomainError invalid = DomainError::invalid(QStringLiteral("Validation failed."));
    if (const QString problem = core::emailProblem(email); !problem.isEmpty())
        invalid.withValidation(QStringLiteral("email"), problem);
    if (const QString problem = core::usernameProblem(username); !problem.isEmpty())
        invalid.withValidation(QStringLiteral("username"), problem);
    if (const QString problem = core::nameProblem(name); !problem.isEmpty())
        invalid.withValidation(QStringLiteral("name"), problem);
    if (const QString problem = core::passwordProblem(password, username, email);
        !problem.isEmpty())
        invalid.withValidation(QStringLiteral("password"), problem);
    if (!invalid.validations.isEmpty())
        return invalid; // no hashing for a request that is refused anyway
    User user;
    user.id = QUuid::createUuid();
    user.email = email;
    user.username = username;
    user.name = name;
    user.hashedPassword = PasswordHasher::hash(password);
    user.createdAt = user.updatedAt = QDateTime::currentDateTimeUtc();
    return user;
}

Outcome<bool> UserService::firstUserExists()
{
    StoreResult<qint64> count = m_store.users().count({});
    if (!count)
        return DomainError::fromStore(count.error(), QStringLiteral("users"));
    return *count > 0;
}

Outcome<core::CreateFirstUserResponse>
UserService::createFirstUser(const Actor &actor, const core::CreateFirstUserRequest &request)
{
    auto user = newUser(request.email.trimmed(), request.username, request.name, request.password);
    if (!user)
        return user.error();
    user->roles = {roles::owner};
    StoreResult<User> created = m_store.users().insertFirst(*user);
    if (!created) {
        if (created.error().kind == StoreError::Conflict && created.error().field.isEmpty())
            return DomainError::conflict(
                QStringLiteral("The initial user has already been created."));
        return DomainError::fromStore(created.error(), kUser);
    }
    m_audit.record(actor, {created->id, QStringLiteral("create"), kUser, core::idText(created->id),
                           created->username, 201,
                           QJsonObject{{QStringLiteral("roles"), QStringLiteral("owner")}}});
    return core::CreateFirstUserResponse{created->id, kDefaultOrganizationId};
}

Outcome<QString> UserService::login(const Actor &actor, const QString &email,
                                    const QString &password)
{
    int retryAfter = 0;
    if (!m_loginLimiter.tryAcquire(actor.ipAddress, &retryAfter))
        return DomainError::rateLimited(QStringLiteral("Too many login attempts. Try again later."),
                                        retryAfter);
    const auto refuse = [&](const QUuid &who, const QString &message) {
        m_audit.record(
            actor, {who, QStringLiteral("login"), QStringLiteral("api_key"), {}, email, 401, {}});
        return DomainError::unauthorized(message);
    };
    StoreResult<User> user = m_store.users().byEmail(email);
    if (!user) {
        if (user.error().kind != StoreError::NotFound)
            return DomainError::fromStore(user.error(), kUser);
        PasswordHasher::verifyDummy(password);
        return refuse({}, QStringLiteral("Incorrect email or password."));
    }
    if (!PasswordHasher::verify(password, user->hashedPassword))
        return refuse(user->id, QStringLiteral("Incorrect email or password."));
    if (user->status == QLatin1String("suspended"))
        return refuse(user->id, QStringLiteral("Your account has been suspended. Contact an "
                                               "administrator to reactivate it."));

    const ApiToken token = ApiToken::generate();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ApiKey key;
    key.id = token.id;
    key.hashedSecret = token.hashedSecret();
    key.userId = user->id;
    key.loginType = QStringLiteral("password");
    key.lifetimeSeconds = Authenticator::sessionLifetimeSeconds;
    key.ipAddress = actor.ipAddress;
    key.lastUsed = key.createdAt = key.updatedAt = now;
    key.expiresAt = now.addSecs(key.lifetimeSeconds);
    StoreResult<ApiKey> inserted = m_store.users().insertApiKey(key);
    if (!inserted)
        return DomainError::fromStore(inserted.error(), QStringLiteral("session"));
    m_audit.record(actor, {user->id,
                           QStringLiteral("login"),
                           QStringLiteral("api_key"),
                           key.id,
                           user->username,
                           201,
                           {}});
    return token.toString();
}

Outcome<core::Ok> UserService::logout(const Actor &actor)
{
    const ApiKey &key = actor.principal.key;
    StoreResult<core::Ok> deleted = m_store.users().deleteApiKey(key.id);
    if (!deleted && deleted.error().kind != StoreError::NotFound)
        return DomainError::fromStore(deleted.error(), QStringLiteral("session"));
    m_audit.record(actor, {actor.user().id,
                           QStringLiteral("logout"),
                           QStringLiteral("api_key"),
                           key.id,
                           actor.user().username,
                           200,
                           {}});
    return core::Ok{};
}

Outcome<User> UserService::resolve(const Actor &actor, const QString &param)
{
    StoreResult<User> user = [&]() -> StoreResult<User> {
        if (param == QLatin1String("me"))
            return actor.user(); // read by the authenticator a moment ago
        const QUuid id = QUuid::fromString(param);
        if (!id.isNull())
            return m_store.users().byId(id);
        return m_store.users().byUsername(param);
    }();
    if (!user)
        return DomainError::fromStore(user.error(), kUser);
    if (!authorize(actor.subject(), Action::Read, {Resource::User, user->id, {}}))
        return DomainError::notFound(
            QStringLiteral("Resource not found or you do not have access to this resource"));
    return *user;
}

std::optional<DomainError> UserService::guardAccountChange(const Actor &actor, const User &target,
                                                           Action action,
                                                           const QString &selfRefusal)
{
    if (auto denied = requireAccess(actor.subject(), action, {Resource::User, target.id, {}}))
        return denied;
    if (target.id == actor.user().id)
        return DomainError::invalid(selfRefusal);
    if (target.roles.contains(roles::owner))
        return requireAccess(actor.subject(), Action::Assign, {Resource::Role, {}, roles::owner});
    return std::nullopt;
}

Outcome<core::UsersPage> UserService::list(const Actor &actor, const QString &query,
                                           Pagination page)
{
    UserFilter filter = parseUserQuery(query);
    // Without site-wide read, a user sees exactly the rows they may read: their own.
    if (!authorize(actor.subject(), Action::Read, {Resource::User, {}, {}}))
        filter.id = actor.user().id;
    filter.limit = page.limit;
    filter.offset = page.offset;
    StoreResult<QList<User>> users = m_store.users().list(filter);
    StoreResult<qint64> count = m_store.users().count(filter);
    if (!users || !count)
        return DomainError::fromStore(!users ? users.error() : count.error(),
                                      QStringLiteral("users"));
    core::UsersPage shown;
    shown.count = *count;
    for (const User &user : std::as_const(*users))
        shown.users.append(apiUser(user));
    return shown;
}

Outcome<core::User> UserService::create(const Actor &actor, const core::CreateUserRequest &request)
{
    if (auto denied = requireAccess(actor.subject(), Action::Create, {Resource::User, {}, {}}))
        return *denied;
    auto user = newUser(request.email.trimmed(), request.username, request.name, request.password);
    if (!user)
        return user.error();
    StoreResult<User> created = m_store.users().insert(*user);
    if (!created)
        return DomainError::fromStore(created.error(), kUser);
    m_audit.recordUserChange(actor, QStringLiteral("create"), *created, 201);
    return apiUser(*created);
}

Outcome<core::User> UserService::get(const Actor &actor, const QString &user)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    return apiUser(*target);
}

Outcome<core::Ok> UserService::remove(const Actor &actor, const QString &user)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    if (auto refused = guardAccountChange(actor, *target, Action::Delete,
                                          QStringLiteral("You cannot delete yourself.")))
        return *refused;
    if (StoreResult<core::Ok> deleted = m_store.users().remove(target->id); !deleted)
        return DomainError::fromStore(deleted.error(), kUser);
    m_audit.recordUserChange(actor, QStringLiteral("delete"), *target, 200);
    return core::Ok{};
}

Outcome<core::Ok> UserService::changePassword(const Actor &actor, const QString &user,
                                              const QString &oldPassword, const QString &password)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    // One's own password is personal (and needs the old one); anyone else's is an account
    // change like the others.
    const bool self = target->id == actor.user().id;
    if (auto refused = self ? requireAccess(actor.subject(), Action::UpdatePersonal,
                                            {Resource::User, target->id, {}})
                            : guardAccountChange(actor, *target, Action::Update, {}))
        return *refused;
    if (const QString problem = core::passwordProblem(password, target->username, target->email);
        !problem.isEmpty())
        return DomainError::invalidField(QStringLiteral("password"), problem);
    if (self && oldPassword.isEmpty())
        return DomainError::invalidField(QStringLiteral("old_password"),
                                         QStringLiteral("Field is required."));
    if (self && !PasswordHasher::verify(oldPassword, target->hashedPassword))
        return DomainError::invalidField(QStringLiteral("old_password"),
                                         QStringLiteral("Old password is incorrect."));
    // Other sessions end with the change: whoever knew the old password is out.
    const QString keep = self ? actor.principal.key.id : QString();
    if (auto updated =
            m_store.users().updatePassword(target->id, PasswordHasher::hash(password), keep);
        !updated)
        return DomainError::fromStore(updated.error(), kUser);
    m_audit.recordUserChange(actor, QStringLiteral("write"), *target, 204,
                             {{QStringLiteral("password"), QStringLiteral("changed")}});
    return core::Ok{};
}

Outcome<core::UserRoles> UserService::roles(const Actor &actor, const QString &user)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    return core::UserRoles{apiRoles(target->roles)};
}

Outcome<core::User> UserService::setRoles(const Actor &actor, const QString &user,
                                          QStringList wanted)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    if (auto refused = guardAccountChange(actor, *target, Action::Update,
                                          QStringLiteral("You cannot change your own roles.")))
        return *refused;
    wanted.removeAll(roles::member); // implied; accepting it keeps Coder's clients working
    wanted.removeDuplicates();
    DomainError invalid = DomainError::invalid(QStringLiteral("Validation failed."));
    for (const QString &role : std::as_const(wanted))
        if (!roles::assignable().contains(role))
            invalid.withValidation(QStringLiteral("roles"),
                                   QStringLiteral("Unknown role \"%1\"; one of: %2.")
                                       .arg(role, roles::assignable().join(u", ")));
    if (!invalid.validations.isEmpty())
        return invalid;
    for (const QString &role : roles::assignable()) {
        if (wanted.contains(role) == target->roles.contains(role))
            continue; // unchanged
        if (auto denied =
                requireAccess(actor.subject(), Action::Assign, {Resource::Role, {}, role}))
            return *denied;
    }
    wanted.sort();
    StoreResult<User> updated = m_store.users().updateRoles(target->id, wanted);
    if (!updated)
        return DomainError::fromStore(updated.error(), kUser);
    m_audit.recordUserChange(
        actor, QStringLiteral("write"), *target, 200,
        {{QStringLiteral("roles"), AuditRecorder::change(QJsonArray::fromStringList(target->roles),
                                                         QJsonArray::fromStringList(wanted))}});
    return apiUser(*updated);
}

Outcome<core::User> UserService::setStatus(const Actor &actor, const QString &user,
                                           const QString &status)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    if (auto refused =
            guardAccountChange(actor, *target, Action::Update,
                               QStringLiteral("You cannot change the status of your own account.")))
        return *refused;
    StoreResult<User> updated = m_store.users().updateStatus(target->id, status);
    if (!updated)
        return DomainError::fromStore(updated.error(), kUser);
    m_audit.recordUserChange(
        actor, QStringLiteral("write"), *target, 200,
        {{QStringLiteral("status"), AuditRecorder::change(target->status, status)}});
    return apiUser(*updated);
}

Outcome<QList<core::ApiKey>> UserService::tokens(const Actor &actor, const QString &user)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    if (auto denied =
            requireAccess(actor.subject(), Action::Read, {Resource::ApiKey, target->id, {}}))
        return *denied;
    StoreResult<QList<ApiKey>> keys =
        m_store.users().listApiKeys(target->id, QStringLiteral("token"));
    if (!keys)
        return DomainError::fromStore(keys.error(), QStringLiteral("tokens"));
    QList<core::ApiKey> shown;
    for (const ApiKey &key : std::as_const(*keys))
        shown.append(apiKey(key));
    return shown;
}

Outcome<QString> UserService::createToken(const Actor &actor, const QString &user,
                                          const core::CreateTokenRequest &request)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    if (auto denied =
            requireAccess(actor.subject(), Action::Create, {Resource::ApiKey, target->id, {}}))
        return *denied;
    QString name = request.tokenName;
    QString scope = request.scope.isEmpty() ? QStringLiteral("all") : request.scope;
    DomainError invalid = DomainError::invalid(QStringLiteral("Validation failed."));
    static const QRegularExpression namePattern(QStringLiteral("^[a-zA-Z0-9_.-]{1,64}$"));
    if (!name.isEmpty() && !namePattern.match(name).hasMatch())
        invalid.withValidation(QStringLiteral("token_name"),
                               QStringLiteral("Must be 1 to 64 letters, digits, '.', '_' or '-'."));
    qint64 lifetime = defaultTokenLifetimeSeconds;
    if (request.lifetimeNanoseconds != 0) { // Coder's SDK sends 0 for "the default"
        lifetime = request.lifetimeNanoseconds / nanosPerSecond;
        if (lifetime < 1 || lifetime > maxTokenLifetimeSeconds)
            invalid.withValidation(QStringLiteral("lifetime"),
                                   QStringLiteral("Must be from 1 s to %1 days, in nanoseconds.")
                                       .arg(maxTokenLifetimeSeconds / 86400));
    }
    if (scope != QLatin1String("all") && scope != QLatin1String("application_connect"))
        invalid.withValidation(QStringLiteral("scope"),
                               QStringLiteral("Must be \"all\" or \"application_connect\"."));
    if (!invalid.validations.isEmpty())
        return invalid;

    const ApiToken token = ApiToken::generate();
    if (name.isEmpty())
        name = QStringLiteral("token-") + token.id; // unique, like Coder's generated names
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ApiKey key;
    key.id = token.id;
    key.hashedSecret = token.hashedSecret();
    key.userId = target->id;
    key.loginType = QStringLiteral("token");
    key.tokenName = name;
    key.scope = scope;
    key.lifetimeSeconds = lifetime;
    key.ipAddress = actor.ipAddress;
    key.createdAt = key.updatedAt = now;
    key.expiresAt = now.addSecs(lifetime);
    StoreResult<ApiKey> inserted = m_store.users().insertApiKey(key);
    if (!inserted) {
        if (inserted.error().kind == StoreError::Conflict)
            return DomainError::conflict(
                QStringLiteral("A token named \"%1\" already exists.").arg(name),
                QStringLiteral("token_name"));
        return DomainError::fromStore(inserted.error(), QStringLiteral("token"));
    }
    m_audit.record(actor,
                   {actor.user().id, QStringLiteral("create"), QStringLiteral("api_key"), key.id,
                    name, 201, QJsonObject{{QStringLiteral("user"), target->username}}});
    return token.toString();
}

Outcome<core::Ok> UserService::deleteKey(const Actor &actor, const QString &user,
                                         const QString &keyId)
{
    auto target = resolve(actor, user);
    if (!target)
        return target.error();
    StoreResult<ApiKey> key = m_store.users().apiKeyById(keyId);
    if (!key && key.error().kind != StoreError::NotFound)
        return DomainError::fromStore(key.error(), QStringLiteral("API key"));
    // A key of someone else is reported exactly like a missing one.
    if (!key || key->userId != target->id)
        return DomainError::notFound(QStringLiteral("No API key found."));
    if (auto denied =
            requireAccess(actor.subject(), Action::Delete, {Resource::ApiKey, target->id, {}}))
        return *denied;
    if (StoreResult<core::Ok> deleted = m_store.users().deleteApiKey(keyId); !deleted)
        return DomainError::fromStore(deleted.error(), QStringLiteral("API key"));
    m_audit.record(actor, {actor.user().id,
                           QStringLiteral("delete"),
                           QStringLiteral("api_key"),
                           keyId,
                           key->tokenName,
                           204,
                           {}});
    return core::Ok{};
}

} // namespace coder::server
