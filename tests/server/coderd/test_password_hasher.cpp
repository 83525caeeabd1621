#include "server/coderd/api_token.h"
#include "server/coderd/password_hasher.h"

#include <QtTest>

using namespace coder::server;

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashesVerifyAndAreSalted();
    void rejectsWrongAndMalformed();
    void keepsItsIterationCount();
    void knownAnswers();
    void apiTokensRoundTrip();
    void apiTokenParseRejectsBadShapes();
};

void TestPasswordHasher::hashesVerifyAndAreSalted()
{
    const QByteArray a = PasswordHasher::hash(QStringLiteral("correct horse ✓"));
    const QByteArray b = PasswordHasher::hash(QStringLiteral("correct horse ✓"));
    QVERIFY(a != b);
    QVERIFY(!a.contains("correct"));
    QVERIFY(PasswordHasher::verify(QStringLiteral("correct horse ✓"), a));
    QVERIFY(PasswordHasher::verify(QStringLiteral("correct horse ✓"), b));
}

void TestPasswordHasher::rejectsWrongAndMalformed()
{
    const QByteArray hash = PasswordHasher::hash(QStringLiteral("secret-one"));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("secret-two"), hash));
    QVERIFY(!PasswordHasher::verify(QStringLiteral(""), hash));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("secret-one"), QByteArray()));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("secret-one"), "md5$1$x$y"));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("secret-one"), "pbkdf2-sha256$zero$x$y"));
}

void TestPasswordHasher::keepsItsIterationCount()
{
    const QByteArray hash = PasswordHasher::hash(QStringLiteral("pw"));
    QVERIFY(PasswordHasher::defaultIterations >= 65535);
    QCOMPARE(hash.split('$').at(1).toInt(), PasswordHasher::defaultIterations);
    const QByteArray weaker = PasswordHasher::hash(QStringLiteral("pw"), 1000);
    QVERIFY(PasswordHasher::verify(QStringLiteral("pw"), weaker));
}

void TestPasswordHasher::knownAnswers()
{
    // RFC 7914 §11's PBKDF2-HMAC-SHA256 vectors (the first 32 bytes of their 64-byte keys):
    // the derivation is the standard one, not merely self-consistent.
    const auto encoded = [](int iterations, const QByteArray &salt,
                            const char *hexKey) -> QByteArray {
        return "pbkdf2-sha256$" + QByteArray::number(iterations) + '$' + salt.toBase64() + '$' +
               QByteArray::fromHex(hexKey).toBase64();
    };
    const QByteArray one =
        encoded(1, "salt", "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    QVERIFY(PasswordHasher::verify(QStringLiteral("passwd"), one));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("passwe"), one));
    const QByteArray many =
        encoded(80000, "NaCl", "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");
    QVERIFY(PasswordHasher::verify(QStringLiteral("Password"), many));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("Password"),
                                    encoded(79999, "NaCl",
                                            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff0"
                                            "8876b34ab56")));
}

void TestPasswordHasher::apiTokensRoundTrip()
{
    const ApiToken token = ApiToken::generate();
    const QString text = token.toString();
    QCOMPARE(text.size(), 10 + 1 + 22);
    const std::optional<ApiToken> parsed = ApiToken::parse(text.toLatin1());
    QVERIFY(parsed);
    QCOMPARE(parsed->id, token.id);
    QCOMPARE(parsed->hashedSecret(), token.hashedSecret());
    QCOMPARE(token.hashedSecret().size(), 32);
    QVERIFY(ApiToken::generate().toString() != text);
}

void TestPasswordHasher::apiTokenParseRejectsBadShapes()
{
    for (const QByteArray &bad : {QByteArray(), QByteArray("x"), QByteArray("abcdefghij-short"),
                                  QByteArray("ABCDEFGHIJ-0123456789012345678901"),
                                  QByteArray("abcdefghij_0123456789012345678901"),
                                  QByteArray("abcdefghij-01234567890123456789!!")})
        QVERIFY2(!ApiToken::parse(bad), bad.constData());
    QVERIFY(constantTimeEquals("abc", "abc"));
    QVERIFY(!constantTimeEquals("abc", "abd"));
    QVERIFY(!constantTimeEquals("abc", "abcd"));
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "test_password_hasher.moc"
