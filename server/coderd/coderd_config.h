#pragma once

#include <QString>
#include <QUrl>

namespace coder::server {

// Everything `coder server` can be told (flags with CODER_* environment equivalents).
struct CoderdConfig
{
    QString httpAddress = QStringLiteral("127.0.0.1:3000"); // host:port; port 0 picks a free one
    QUrl accessUrl;      // how users reach this deployment; defaults to the listener's URL
    QString dataDir;     // SQLite database and server state; created 0700
    QString postgresUrl; // set: PostgreSQL instead of SQLite
    QString tlsCertFile; // both set: HTTPS only
    QString tlsKeyFile;
    int threads = 0;         // HTTP event-loop threads; 0: one per core
    int loginRateLimit = 30; // login attempts per minute per client address; 0: unlimited
};

} // namespace coder::server
