#pragma once

#include <QSet>
#include <QString>
#include <QStringList>
#include <QUuid>

namespace coder::server {

// Site roles (Coder's names). Every user also holds the implied "member" role.
namespace roles {
inline const QString owner = QStringLiteral("owner");
inline const QString member = QStringLiteral("member");
inline const QString templateAdmin = QStringLiteral("template-admin");
inline const QString userAdmin = QStringLiteral("user-admin");
inline const QString auditor = QStringLiteral("auditor");

// Roles that can be assigned explicitly (member is implied, never stored).
QStringList assignable();
QString displayName(const QString &role);
} // namespace roles

// Connect: reach into a workspace (its agent's tunnel: port forwards, SSH, terminals), Coder's
// ActionSSH; only the workspace's owner has it, besides the deployment's owners.
enum class Action { Create, Read, Update, UpdatePersonal, Delete, Assign, Connect };

enum class Resource {
    User,              // a user account; owner = that user
    ApiKey,            // sessions and API tokens; owner = the key's user
    Role,              // a role assignment; id = the role's name (Action::Assign)
    AuditLog,          // site-wide
    Organization,      // read by every user
    Template,          // templates and their versions; site-wide
    File,              // uploaded template archives; site-wide
    Workspace,         // owner = the workspace's owner; builds act on their workspace
    ProvisionerDaemon, // site-wide
};

struct Subject
{
    QUuid userId;
    QSet<QString> roles; // includes roles::member
    // The presented key's scope: "all", or "application_connect" (only workspace apps).
    QString scope = QStringLiteral("all");
};

struct Object
{
    Resource resource;
    QUuid owner; // null: a site-wide object (e.g. "all users")
    QString id;  // for Resource::Role: the role name
};

// The one authorization decision of coderd: every route asks it before acting. Permissions
// are granted per role at site level, plus user-level grants on objects the subject owns.
bool authorize(const Subject &subject, Action action, const Object &object);

} // namespace coder::server
