#pragma once

#include "actor.h"
#include "core/api_types.h"
#include "domain_error.h"
#include "pagination.h"

#include <QList>
#include <QString>
#include <optional>

namespace coder::server {

class AuditRecorder;
class LoginRateLimiter;
class Store;

// Users and their keys (sessions and API tokens), as Coder's /users routes offer them: the first
// user, logging in and out, accounts, roles, status, passwords and tokens. Every call takes the
// actor, authorizes through requireAccess() and audits what it changes. `user` parameters are
// "me", an id or a username; a user the actor may not see is NotFound.
class UserService
{
public:
    UserService(Store &store, AuditRecorder &audit, LoginRateLimiter &loginLimiter)
        : m_store(store), m_audit(audit), m_loginLimiter(loginLimiter)
    {}

    Outcome<bool> firstUserExists();
    // The owner account; Conflict once any user exists.
    Outcome<core::CreateFirstUserResponse>
    createFirstUser(const Actor &actor, const core::CreateFirstUserRequest &request);
    // A new session token; RateLimited past the attempts per minute of the actor's address.
    Outcome<QString> login(const Actor &actor, const QString &email, const QString &password);
    // Ends the session the actor presented.
    Outcome<core::Ok> logout(const Actor &actor);

    Outcome<User> resolve(const Actor &actor, const QString &user);
    // ?q= in Coder's syntax: "status:suspended" terms plus words to search names and emails.
    Outcome<core::UsersPage> list(const Actor &actor, const QString &query, Pagination page);
    Outcome<core::User> create(const Actor &actor, const core::CreateUserRequest &request);
    Outcome<core::User> get(const Actor &actor, const QString &user);
    Outcome<core::Ok> remove(const Actor &actor, const QString &user);
    // One's own password needs the old one; anyone else's is an account change.
    Outcome<core::Ok> changePassword(const Actor &actor, const QString &user,
                                     const QString &oldPassword, const QString &password);
    Outcome<core::UserRoles> roles(const Actor &actor, const QString &user);
    Outcome<core::User> setRoles(const Actor &actor, const QString &user, QStringList roles);
    // status: active | suspended
    Outcome<core::User> setStatus(const Actor &actor, const QString &user, const QString &status);

    Outcome<QList<core::ApiKey>> tokens(const Actor &actor, const QString &user);
    // The new key "<id>-<secret>", shown this once.
    Outcome<QString> createToken(const Actor &actor, const QString &user,
                                 const core::CreateTokenRequest &request);
    Outcome<core::Ok> deleteKey(const Actor &actor, const QString &user, const QString &keyId);

private:
    // The checks before changing someone else's account: the permission for the action, never
    // on oneself (a lockout waiting to happen), and only an owner acts on an owner's account.
    std::optional<DomainError> guardAccountChange(const Actor &actor, const User &target,
                                                  Action action, const QString &selfRefusal);
    // The fields of a new account, checked, the password hashed; Invalid naming every bad field.
    static Outcome<User> newUser(const QString &email, const QString &username, const QString &name,
                                 const QString &password);

    Store &m_store;
    AuditRecorder &m_audit;
    LoginRateLimiter &m_loginLimiter;
};

} // namespace coder::server
