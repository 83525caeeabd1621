#include "field_rules.h"

#include <QRegularExpression>

namespace coder::core {

QString usernameProblem(const QString &username)
{
    // Coder's rule: letters and digits in groups joined by single hyphens, at most 32.
    static const QRegularExpression pattern(QStringLiteral("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$"));
    if (username.isEmpty())
        return QStringLiteral("Field is required.");
    if (username.size() > 32)
        return QStringLiteral("Must be at most 32 characters.");
    if (!pattern.match(username).hasMatch())
        return QStringLiteral("Must be letters and digits, optionally joined by single hyphens.");
    if (username == QLatin1String("me"))
        return QStringLiteral("\"me\" is reserved.");
    return {};
}

QString emailProblem(const QString &email)
{
    static const QRegularExpression pattern(QStringLiteral("^[^@\\s]+@[^@\\s]+$"));
    if (email.isEmpty())
        return QStringLiteral("Field is required.");
    if (email.size() > 254 || !pattern.match(email).hasMatch())
        return QStringLiteral("Must be a valid email address.");
    return {};
}

QString passwordProblem(const QString &password, const QString &username, const QString &email)
{
    if (password.size() < 8)
        return QStringLiteral("Must be at least 8 characters.");
    if (password.size() > 256)
        return QStringLiteral("Must be at most 256 characters.");
    if (password.compare(username, Qt::CaseInsensitive) == 0 ||
        password.compare(email, Qt::CaseInsensitive) == 0)
        return QStringLiteral("Must not be the username or the email address.");
    return {};
}

QString nameProblem(const QString &name)
{
    if (name.size() > 128)
        return QStringLiteral("Must be at most 128 characters.");
    return {};
}

} // namespace coder::core
