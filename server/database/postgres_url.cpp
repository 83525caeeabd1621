#include "postgres_url.h"

#include <QUrl>
#include <QUrlQuery>

namespace coder::server {

namespace {

const int kDefaultConnectTimeoutSeconds = 10;

bool isSslMode(const QString &value)
{
    static const QStringList modes = {
        QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
        QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full"),
    };
    return modes.contains(value);
}

// QPSQL splices connect options into the conninfo string after turning ';' into ' ', so a
// value must not be able to start another keyword.
bool isPlainOptionValue(const QString &value)
{
    if (value.isEmpty())
        return false;
    for (QChar c : value) {
        if (c.isSpace() || c == u';' || c == u'\'' || c == u'\\' || c == u'=')
            return false;
    }
    return true;
}

core::Result<int, QString> parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return QStringLiteral("The PostgreSQL URL has an invalid port \"%1\".").arg(text);
    return port;
}

} // namespace

core::Result<PostgresUrl, QString> PostgresUrl::parse(const QString &text)
{
    const QString expected =
        QStringLiteral(" Expected postgres://user:password@host:port/database.");
    if (!text.startsWith(QLatin1String("postgres://")) &&
        !text.startsWith(QLatin1String("postgresql://")))
        return QString(
            QStringLiteral("The PostgreSQL URL must start with postgres:// or postgresql://.") +
            expected);

    // QUrl's own error strings quote the input, password included, so they are never shown.
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return QString(QStringLiteral("The PostgreSQL URL is malformed.") + expected);

    PostgresUrl result;
    result.user = url.userName(QUrl::FullyDecoded);
    result.password = url.password(QUrl::FullyDecoded);
    result.host = url.host(QUrl::FullyDecoded);
    if (url.port() == 0)
        return QStringLiteral("The PostgreSQL URL has an invalid port \"0\".");
    if (url.port() > 0)
        result.port = url.port();
    QString path = url.path(QUrl::FullyDecoded);
    if (path.startsWith(u'/'))
        path.remove(0, 1);
    if (path.contains(u'/'))
        return QString(QStringLiteral("The PostgreSQL URL's path must be just the database name.") +
                       expected);
    result.database = path;

    bool hasTimeout = false;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key == QLatin1String("host")) {
            if (value.isEmpty())
                return QStringLiteral("The PostgreSQL URL parameter \"host\" is empty.");
            result.host = value;
        } else if (key == QLatin1String("port")) {
            auto port = parsePort(value);
            if (!port)
                return port.error();
            result.port = *port;
        } else if (key == QLatin1String("sslmode")) {
            if (!isSslMode(value))
                return QStringLiteral("The PostgreSQL URL has an unknown sslmode \"%1\" (use "
                                      "disable, allow, prefer, require, verify-ca or "
                                      "verify-full).")
                    .arg(value);
            result.options.append(key + u'=' + value);
        } else if (key == QLatin1String("connect_timeout")) {
            bool ok = false;
            const int seconds = value.toInt(&ok);
            if (!ok || seconds < 0)
                return QStringLiteral("The PostgreSQL URL has an invalid connect_timeout "
                                      "\"%1\" (seconds expected).")
                    .arg(value);
            result.options.append(key + u'=' + QString::number(seconds));
            hasTimeout = true;
        } else if (key == QLatin1String("sslrootcert") || key == QLatin1String("sslcert") ||
                   key == QLatin1String("sslkey") || key == QLatin1String("application_name")) {
            if (!isPlainOptionValue(value))
                return QStringLiteral("The PostgreSQL URL parameter \"%1\" must be a non-empty "
                                      "value without spaces, quotes, '=' or ';'.")
                    .arg(key);
            result.options.append(key + u'=' + value);
        } else {
            return QStringLiteral("The PostgreSQL URL has an unsupported parameter \"%1\" "
                                  "(supported: host, port, sslmode, sslrootcert, sslcert, "
                                  "sslkey, connect_timeout, application_name).")
                .arg(key);
        }
    }
    // libpq waits forever for an unresponsive host by default; coderd should fail instead.
    if (!hasTimeout)
        result.options.append(
            QStringLiteral("connect_timeout=%1").arg(kDefaultConnectTimeoutSeconds));
    return result;
}

QString PostgresUrl::describe() const
{
    QString where = host.isEmpty() ? QStringLiteral("localhost") : host;
    if (!user.isEmpty())
        where = user + u'@' + where;
    return where + u':' + QString::number(port) + u'/' + database;
}

QString PostgresUrl::redact(const QString &text) const
{
    if (password.isEmpty())
        return text;
    QString result = text;
    result.replace(password, QStringLiteral("********"));
    return result;
}

} // namespace coder::server
