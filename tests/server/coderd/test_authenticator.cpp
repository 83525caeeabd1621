// Sessions slide, API tokens do not, and what is presented is checked exactly: against a real
// SQLite store.
#include "server/coderd/api_token.h"
#include "server/coderd/authenticator.h"
#include "server/database/store_factory.h"
#include "server/http/http_request.h"

#include <QtTest>

using namespace coder::server;

class TestAuthenticator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sessionSlidesOnUse();
    void tokenKeepsItsExpiry();
    void recentUseWritesNothing();
    void wrongSecretAndDeletedUserAreRefused();
    void cookieIsAccepted();
    void applicationConnectTokenMayDoNothingHere();

private:
    // Inserts a key for m_user that was last used `idleSeconds` ago and expires in `leftSeconds`.
    QByteArray insertKey(const QString &loginType, qint64 idleSeconds, qint64 leftSeconds);
    HttpRequest requestWith(const QByteArray &token) const;

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    User m_user;
};

void TestAuthenticator::init()
{
    m_store.reset();
    DatabaseConfig config;
    config.sqlitePath = m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128) + u".db"_qs);
    auto store = openStore(config);
    QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error()));
    m_store = std::move(*store);
    User user;
    user.username = QStringLiteral("alice");
    user.email = QStringLiteral("alice@example.com");
    user.hashedPassword = "x";
    auto inserted = m_store->users().insert(user);
    QVERIFY(inserted.ok());
    m_user = *inserted;
}

QByteArray TestAuthenticator::insertKey(const QString &loginType, qint64 idleSeconds,
                                        qint64 leftSeconds)
{
    const ApiToken token = ApiToken::generate();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ApiKey key;
    key.id = token.id;
    key.hashedSecret = token.hashedSecret();
    key.userId = m_user.id;
    key.loginType = loginType;
    key.tokenName = loginType == u"token"_qs ? token.id : QString();
    key.lifetimeSeconds = Authenticator::sessionLifetimeSeconds;
    key.createdAt = key.updatedAt = now.addSecs(-idleSeconds);
    key.lastUsed = now.addSecs(-idleSeconds);
    key.expiresAt = now.addSecs(leftSeconds);
    if (!m_store->users().insertApiKey(key))
        return {};
    return token.toString().toLatin1();
}

HttpRequest TestAuthenticator::requestWith(const QByteArray &token) const
{
    HttpRequest request;
    request.headers.append({"coder-session-token", token});
    request.peerAddress = QHostAddress(QStringLiteral("192.0.2.7"));
    return request;
}

void TestAuthenticator::sessionSlidesOnUse()
{
    const QByteArray token = insertKey(u"password"_qs, 3600, 600);
    Authenticator auth(*m_store);
    auto principal = auth.authenticate(requestWith(token));
    QVERIFY(principal.ok());
    QCOMPARE(principal->user.id, m_user.id);
    QVERIFY(principal->subject.roles.contains(roles::member));
    const ApiKey stored = *m_store->users().apiKeyById(QString::fromLatin1(token.left(10)));
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(stored.expiresAt);
    QVERIFY2(left > Authenticator::sessionLifetimeSeconds - 60, qPrintable(QString::number(left)));
    QCOMPARE(stored.ipAddress, QStringLiteral("192.0.2.7"));
    QVERIFY(m_store->users().byId(m_user.id)->lastSeenAt.isValid());
}

void TestAuthenticator::tokenKeepsItsExpiry()
{
    const QByteArray token = insertKey(u"token"_qs, 3600, 600);
    Authenticator auth(*m_store);
    QVERIFY(auth.authenticate(requestWith(token)).ok());
    const ApiKey stored = *m_store->users().apiKeyById(QString::fromLatin1(token.left(10)));
    QVERIFY(QDateTime::currentDateTimeUtc().secsTo(stored.expiresAt) <= 600);
    QVERIFY(stored.lastUsed.secsTo(QDateTime::currentDateTimeUtc()) < 60);
}

void TestAuthenticator::recentUseWritesNothing()
{
    const QByteArray token = insertKey(u"password"_qs, 5, 600);
    Authenticator auth(*m_store);
    QVERIFY(auth.authenticate(requestWith(token)).ok());
    const ApiKey stored = *m_store->users().apiKeyById(QString::fromLatin1(token.left(10)));
    QVERIFY(QDateTime::currentDateTimeUtc().secsTo(stored.expiresAt) <= 600);
}

void TestAuthenticator::wrongSecretAndDeletedUserAreRefused()
{
    const QByteArray token = insertKey(u"password"_qs, 0, 600);
    Authenticator auth(*m_store);
    QByteArray forged = token;
    forged[forged.size() - 1] = forged.back() == 'a' ? 'b' : 'a';
    auto refused = auth.authenticate(requestWith(forged));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind, DomainError::Kind::Unauthorized);
    QCOMPARE(auth.authenticate(requestWith({})).error().kind, DomainError::Kind::Unauthorized);
    QCOMPARE(auth.authenticate(requestWith("not-a-token")).error().kind,
             DomainError::Kind::Unauthorized);
    const QByteArray expired = insertKey(u"password"_qs, 0, -1);
    QVERIFY(auth.authenticate(requestWith(expired)).error().message.contains(u"expired"_qs));
    QVERIFY(m_store->users().remove(m_user.id));
    QCOMPARE(auth.authenticate(requestWith(token)).error().kind, DomainError::Kind::Unauthorized);
}

void TestAuthenticator::cookieIsAccepted()
{
    const QByteArray token = insertKey(u"password"_qs, 0, 600);
    Authenticator auth(*m_store);
    HttpRequest request;
    request.method = "GET";
    request.headers.append({"cookie", "theme=dark; coder_session_token=" + token});
    QVERIFY(auth.authenticate(request).ok());
    // A change authenticated by the cookie alone must be JSON (cross-site request forgery).
    request.method = "POST";
    QCOMPARE(auth.authenticate(request).error().kind, DomainError::Kind::Forbidden);
    request.headers.append(qMakePair(QByteArray("content-type"), QByteArray("text/plain")));
    QCOMPARE(auth.authenticate(request).error().kind, DomainError::Kind::Forbidden);
    request.headers.last().second = "application/json";
    QVERIFY(auth.authenticate(request).ok());
    // The header needs no such care: browsers never add it on their own.
    QVERIFY(auth.authenticate(requestWith(token)).ok());
}

void TestAuthenticator::applicationConnectTokenMayDoNothingHere()
{
    const QByteArray token = insertKey(u"token"_qs, 0, 600);
    const QString id = QString::fromLatin1(token.left(10));
    Authenticator auth(*m_store);
    QCOMPARE(auth.authenticate(requestWith(token))->subject.scope, QStringLiteral("all"));
    ApiKey scoped = *m_store->users().apiKeyById(id);
    QVERIFY(m_store->users().deleteApiKey(id));
    scoped.scope = QStringLiteral("application_connect");
    QVERIFY(m_store->users().insertApiKey(scoped));
    auto principal = auth.authenticate(requestWith(token));
    QVERIFY(principal.ok());
    QCOMPARE(principal->subject.scope, QStringLiteral("application_connect"));
    QVERIFY(!authorize(principal->subject, Action::Read, {Resource::User, m_user.id, {}}));
}

QTEST_GUILESS_MAIN(TestAuthenticator)
#include "test_authenticator.moc"
