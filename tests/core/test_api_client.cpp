#include "core/api_client.h"
#include "tests/support/coderd_process.h"

#include <QTcpServer>
#include <QtTest>

using namespace coder::core;

namespace {

// Runs one call to completion on the event loop.
template <typename T, typename Start> std::optional<Result<T, ApiError>> await(Start start)
{
    std::optional<Result<T, ApiError>> outcome;
    start([&outcome](Result<T, ApiError> result) { outcome.emplace(std::move(result)); });
    if (!QTest::qWaitFor([&outcome] { return outcome.has_value(); }, 30000))
        return std::nullopt;
    return outcome;
}

// QVERIFY2 evaluates its message even on success: only describe an error that is there.
template <typename R> QByteArray why(const std::optional<R> &outcome)
{
    if (!outcome)
        return QByteArrayLiteral("no answer");
    if (outcome->ok())
        return {};
    const ApiError &error = outcome->error();
    return QStringLiteral("%1 %2 (%3)").arg(error.status).arg(error.message, error.detail).toUtf8();
}

} // namespace

// Against the real coderd (`coder server`): the client is what the CLI and the desktop use,
// so it is checked on the wire with the server it talks to.
class TestApiClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectionRefusedIsStatusZero();
    void unsupportedScheme();
    void identityFlowAgainstCoderd();
};

void TestApiClient::connectionRefusedIsStatusZero()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = server.serverPort();
    server.close();
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
    ApiClient client(url);
    client.setSessionToken(QStringLiteral("secret-token-value"));
    const auto result =
        await<User>([&client](auto done) { client.user(QStringLiteral("me"), done); });
    QVERIFY(result.has_value());
    QVERIFY(!result->ok());
    QCOMPARE(result->error().status, 0);
    QCOMPARE(result->error().message,
             QStringLiteral("cannot reach http://127.0.0.1:%1: connection refused").arg(port));
    QVERIFY(!result->error().message.contains(QStringLiteral("secret-token-value")));
}

void TestApiClient::unsupportedScheme()
{
    ApiClient client(QUrl(QStringLiteral("gopher://127.0.0.1:1")));
    const auto result = await<bool>([&client](auto done) { client.hasFirstUser(done); });
    QVERIFY(result.has_value());
    QVERIFY(!result->ok());
    QCOMPARE(result->error().status, 0);
    QVERIFY(result->error().message.startsWith(QStringLiteral("cannot reach gopher://")));
}

void TestApiClient::identityFlowAgainstCoderd()
{
    coder::test::CoderdProcess coderd;
    QVERIFY(coderd.start());
    ApiClient client(coderd.url());

    auto first = await<bool>([&client](auto done) { client.hasFirstUser(done); });
    QVERIFY(first && first->ok());
    QCOMPARE(first->value(), false);

    // Not logged in: the server's 401 message comes through as an ApiError.
    auto anonymous = await<User>([&client](auto done) { client.user(QStringLiteral("me"), done); });
    QVERIFY(anonymous && !anonymous->ok());
    QCOMPARE(anonymous->error().status, 401);
    QVERIFY(!anonymous->error().message.isEmpty());

    const CreateFirstUserRequest admin{QStringLiteral("admin@example.com"), QStringLiteral("admin"),
                                       QStringLiteral("Ada Admin"),
                                       QStringLiteral("Correct-Horse-9")};
    auto created =
        await<CreateFirstUserResponse>([&](auto done) { client.createFirstUser(admin, done); });
    QVERIFY2(created && created->ok(), why(created).constData());
    QVERIFY(!created->value().userId.isNull());

    auto again =
        await<CreateFirstUserResponse>([&](auto done) { client.createFirstUser(admin, done); });
    QVERIFY(again && !again->ok());
    QCOMPARE(again->error().status, 409);

    auto wrong = await<QString>(
        [&](auto done) { client.login(admin.email, QStringLiteral("not-the-password"), done); });
    QVERIFY(wrong && !wrong->ok());
    QCOMPARE(wrong->error().status, 401);

    auto token =
        await<QString>([&](auto done) { client.login(admin.email, admin.password, done); });
    QVERIFY2(token && token->ok(), why(token).constData());
    client.setSessionToken(token->value());

    auto me = await<User>([&client](auto done) { client.user(QStringLiteral("me"), done); });
    QVERIFY2(me && me->ok(), why(me).constData());
    QCOMPARE(me->value().username, QStringLiteral("admin"));
    QCOMPARE(me->value().id, created->value().userId);
    QVERIFY(me->value().createdAt.isValid());

    const CreateUserRequest bob{QStringLiteral("bob@example.com"),
                                QStringLiteral("bob"),
                                {},
                                QStringLiteral("Bob-Password-1")};
    auto user = await<User>([&](auto done) { client.createUser(bob, done); });
    QVERIFY2(user && user->ok(), why(user).constData());
    QCOMPARE(user->value().status, QStringLiteral("active"));

    auto suspended =
        await<User>([&](auto done) { client.setUserSuspended(QStringLiteral("bob"), true, done); });
    QVERIFY(suspended && suspended->ok());
    QCOMPARE(suspended->value().status, QStringLiteral("suspended"));

    auto page = await<UsersPage>([&](auto done) { client.users(QStringLiteral("bob"), done); });
    QVERIFY(page && page->ok());
    QCOMPARE(page->value().users.size(), 1);
    QCOMPARE(page->value().users.first().username, QStringLiteral("bob"));

    // Paging: with one user per page every user still arrives, each once.
    const CreateUserRequest carol{QStringLiteral("carol@example.com"),
                                  QStringLiteral("carol"),
                                  {},
                                  QStringLiteral("Carol-Password-1")};
    QVERIFY(await<User>([&](auto done) { client.createUser(carol, done); })->ok());
    auto everyone = await<QList<User>>([&](auto done) { client.allUsers({}, done, 1); });
    QVERIFY2(everyone && everyone->ok(), why(everyone).constData());
    QStringList names;
    for (const auto &u : everyone->value())
        names.append(u.username);
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("admin"), QStringLiteral("bob"),
                                 QStringLiteral("carol")}));

    auto missing = await<User>([&](auto done) { client.user(QStringLiteral("nobody"), done); });
    QVERIFY(missing && !missing->ok());
    QCOMPARE(missing->error().status, 404);

    CreateTokenRequest tokenRequest;
    tokenRequest.tokenName = QStringLiteral("ci");
    tokenRequest.lifetimeNanoseconds = 3600LL * 1000000000;
    auto key = await<QString>(
        [&](auto done) { client.createToken(QStringLiteral("me"), tokenRequest, done); });
    QVERIFY2(key && key->ok(), why(key).constData());
    const QString keyId = key->value().section(u'-', 0, 0);

    auto keys =
        await<QList<ApiKey>>([&](auto done) { client.apiKeys(QStringLiteral("me"), done); });
    QVERIFY(keys && keys->ok());
    const auto named = std::find_if(keys->value().cbegin(), keys->value().cend(),
                                    [](const ApiKey &k) { return k.tokenName == u"ci"; });
    QVERIFY(named != keys->value().cend());
    QCOMPARE(named->id, keyId);
    QVERIFY(named->expiresAt.isValid());

    auto deleted =
        await<Ok>([&](auto done) { client.deleteApiKey(QStringLiteral("me"), keyId, done); });
    QVERIFY2(deleted && deleted->ok(), why(deleted).constData());

    // The deleted key no longer authenticates.
    ApiClient withKey(coderd.url());
    withKey.setSessionToken(key->value());
    auto refused = await<User>([&](auto done) { withKey.user(QStringLiteral("me"), done); });
    QVERIFY(refused && !refused->ok());
    QCOMPARE(refused->error().status, 401);

    auto loggedOut = await<Ok>([&](auto done) { client.logout(done); });
    QVERIFY(loggedOut && loggedOut->ok());
    auto after = await<User>([&client](auto done) { client.user(QStringLiteral("me"), done); });
    QVERIFY(after && !after->ok());
    QCOMPARE(after->error().status, 401);
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "test_api_client.moc"
