#pragma once

#include <QString>

namespace coder::core {

// The rules the fields of users, templates and workspaces follow, shared by coderd's services
// and the clients that check a form before sending it (the desktop app). Each returns the
// problem in words, or an empty string when the value is fine.
QString usernameProblem(const QString &username);
// Template and workspace names follow Coder's username rule.
inline QString resourceNameProblem(const QString &name)
{
    return usernameProblem(name);
}
QString emailProblem(const QString &email);
QString passwordProblem(const QString &password, const QString &username, const QString &email);
QString nameProblem(const QString &name);

} // namespace coder::core
