#pragma once

#include <QByteArray>
#include <QString>

namespace coder::server {

// PBKDF2-HMAC-SHA256 with a per-password random salt. The encoded form carries its
// parameters ("pbkdf2-sha256$<iterations>$<salt>$<hash>", base64) so they can be raised later.
class PasswordHasher
{
public:
    static constexpr int defaultIterations = 65'536;

    static QByteArray hash(const QString &password, int iterations = defaultIterations);
    // Constant-time comparison of the derived key.
    static bool verify(const QString &password, const QByteArray &encoded);
    // Spends the same time as verify() on a real hash, so that an unknown user cannot be
    // told apart from a wrong password by timing.
    static void verifyDummy(const QString &password);
};

// Compares two byte strings in time that depends only on their lengths.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace coder::server
