#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace coder::server {

// API keys travel as "<id>-<secret>": the id finds the row, only SHA-256(secret) is stored.
struct ApiToken
{
    QString id;
    QByteArray secret;

    static ApiToken generate();
    // Parses a presented token; nullopt when its shape is wrong.
    static std::optional<ApiToken> parse(const QByteArray &token);

    QByteArray hashedSecret() const;
    QString toString() const;
};

} // namespace coder::server
