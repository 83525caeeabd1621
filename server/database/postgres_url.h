#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace coder::server {

// A libpq-style URL, postgres://user:password@host:port/dbname?sslmode=...&host=/socket/dir
// (also postgresql://), taken apart for Qt's QPSQL driver.
struct PostgresUrl
{
    QString user;
    QString password;
    QString host; // a host name, an address, or a unix socket directory
    int port = 5432;
    QString database;    // empty: libpq's default (the user name)
    QStringList options; // libpq "key=value" pairs for QSqlDatabase::setConnectOptions

    // The error names what is wrong but never repeats the password.
    static core::Result<PostgresUrl, QString> parse(const QString &url);

    QString connectOptions() const { return options.join(u';'); }
    // user@host:port/database, for messages.
    QString describe() const;
    // Replaces every occurrence of the password in text, for driver messages.
    QString redact(const QString &text) const;
};

} // namespace coder::server
