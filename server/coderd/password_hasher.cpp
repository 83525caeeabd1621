#include "password_hasher.h"

#include <QList>
#include <QRandomGenerator>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace coder::server {

namespace {
constexpr int saltBytes = 16;
constexpr int keyBytes = 32;
const QByteArray scheme = QByteArrayLiteral("pbkdf2-sha256");

// OpenSSL's PBKDF2 rather than QPasswordDigestor: Qt's re-keys the HMAC on every iteration
// and is about ten times slower, which would cost every login ~150 ms of CPU at 65,536 rounds.
QByteArray derive(const QString &password, const QByteArray &salt, int iterations)
{
    const QByteArray utf8 = password.toUtf8();
    QByteArray key(keyBytes, Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(utf8.constData(), int(utf8.size()),
                          reinterpret_cast<const unsigned char *>(salt.constData()),
                          int(salt.size()), iterations, EVP_sha256(), keyBytes,
                          reinterpret_cast<unsigned char *>(key.data())) != 1)
        return {}; // never equal to a stored key: verification fails closed
    return key;
}
} // namespace

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size() &&
           CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

QByteArray PasswordHasher::hash(const QString &password, int iterations)
{
    QByteArray salt(saltBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()),
                                          saltBytes / sizeof(quint32));
    return scheme + '$' + QByteArray::number(iterations) + '$' + salt.toBase64() + '$' +
           derive(password, salt, iterations).toBase64();
}

bool PasswordHasher::verify(const QString &password, const QByteArray &encoded)
{
    const QList<QByteArray> parts = encoded.split('$');
    if (parts.size() != 4 || parts[0] != scheme)
        return false;
    bool ok = false;
    const int iterations = parts[1].toInt(&ok);
    if (!ok || iterations < 1)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts[2]);
    const QByteArray expected = QByteArray::fromBase64(parts[3]);
    const QByteArray derived = derive(password, salt, iterations);
    return !derived.isEmpty() && constantTimeEquals(derived, expected);
}

void PasswordHasher::verifyDummy(const QString &password)
{
    static const QByteArray dummy = hash(QStringLiteral("dummy password for timing"));
    (void)verify(password, dummy);
}

} // namespace coder::server
