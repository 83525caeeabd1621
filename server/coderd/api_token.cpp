#include "api_token.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace coder::server {

namespace {
constexpr int idLength = 10;
constexpr int secretLength = 22; // 22 base-62 characters: about 131 bits

QByteArray randomString(int length, QByteArrayView alphabet)
{
    QByteArray out(length, Qt::Uninitialized);
    auto *random = QRandomGenerator::system();
    for (char &c : out)
        c = alphabet[random->bounded(static_cast<quint32>(alphabet.size()))];
    return out;
}

bool allIn(QByteArrayView text, QByteArrayView alphabet)
{
    for (char c : text)
        if (!alphabet.contains(c))
            return false;
    return true;
}

constexpr QByteArrayView lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr QByteArrayView alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
} // namespace

ApiToken ApiToken::generate()
{
    return {QString::fromLatin1(randomString(idLength, lowerAlnum)),
            randomString(secretLength, alnum)};
}

std::optional<ApiToken> ApiToken::parse(const QByteArray &token)
{
    const qsizetype dash = token.indexOf('-');
    if (dash != idLength || token.size() != idLength + 1 + secretLength)
        return std::nullopt;
    const QByteArrayView id = QByteArrayView(token).first(idLength);
    const QByteArrayView secret = QByteArrayView(token).sliced(idLength + 1);
    if (!allIn(id, lowerAlnum) || !allIn(secret, alnum))
        return std::nullopt;
    return ApiToken{QString::fromLatin1(id), secret.toByteArray()};
}

QByteArray ApiToken::hashedSecret() const
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

QString ApiToken::toString() const
{
    return id + QLatin1Char('-') + QString::fromLatin1(secret);
}

} // namespace coder::server
