#include "core/api_types.h"

#include <QJsonDocument>
#include <QtTest>

using namespace coder::core;

class TestApiTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void userRoundTrip();
    void userRejectsMissingFields();
    void timesAcceptGoPrecisionAndZero();
    void usersPage();
    void apiKeyFromServerJson();
    void listStopsAtFirstBadElement();
    void createTokenRequestOmitsDefaults();
};

static QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

void TestApiTypes::userRoundTrip()
{
    const QJsonObject object = json(R"({"id":"7d1b","username":"alice","name":"Alice A",
        "email":"alice@example.com","created_at":"2024-03-01T10:20:30.123Z",
        "updated_at":"2024-03-02T00:00:00.000Z","last_seen_at":"0001-01-01T00:00:00Z",
        "status":"suspended","login_type":"password",
        "roles":[{"name":"owner","display_name":"Owner"}],"organization_ids":["org-1"],
        "avatar_url":"","theme_preference":"dark"})");
    const auto user = User::fromJson(object);
    QVERIFY(user.ok());
    QCOMPARE(user->username, QStringLiteral("alice"));
    QCOMPARE(user->status, QStringLiteral("suspended"));
    QCOMPARE(user->roles.size(), 1);
    QCOMPARE(user->roles.first().displayName, QStringLiteral("Owner"));
    QCOMPARE(user->organizationIds, QStringList{QStringLiteral("org-1")});
    QCOMPARE(user->createdAt, QDateTime(QDate(2024, 3, 1), QTime(10, 20, 30, 123), Qt::UTC));
    QVERIFY(!user->lastSeenAt.isValid());
    // Encoding gives back what the server sent.
    QCOMPARE(user->toJson(), object);
}

void TestApiTypes::userRejectsMissingFields()
{
    const auto noId = User::fromJson(json(R"({"username":"a"})"));
    QVERIFY(!noId.ok());
    QVERIFY(noId.error().contains(QStringLiteral("\"id\"")));
    const auto numberName = User::fromJson(json(R"({"id":"1","username":5})"));
    QVERIFY(!numberName.ok());
    QVERIFY(numberName.error().contains(QStringLiteral("\"username\"")));
    const auto badRole = User::fromJson(json(R"({"id":"1","username":"a","roles":[{"x":1}]})"));
    QVERIFY(!badRole.ok());
    QVERIFY(badRole.error().contains(QStringLiteral("roles")));
}

void TestApiTypes::timesAcceptGoPrecisionAndZero()
{
    QCOMPARE(parseApiTime(QStringLiteral("2024-01-02T03:04:05.123456789Z")),
             QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 123), Qt::UTC));
    QCOMPARE(parseApiTime(QStringLiteral("2024-01-02T05:04:05+02:00")),
             QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC));
    QVERIFY(!parseApiTime(QStringLiteral("0001-01-01T00:00:00Z")).isValid());
    QVERIFY(!parseApiTime(QStringLiteral("yesterday")).isValid());
    QCOMPARE(formatApiTime({}), QStringLiteral("0001-01-01T00:00:00Z"));
    QCOMPARE(formatApiTime(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 6), Qt::UTC)),
             QStringLiteral("2024-01-02T03:04:05.006Z"));
}

void TestApiTypes::usersPage()
{
    const auto page = UsersPage::fromJson(
        json(R"({"users":[{"id":"1","username":"a"},{"id":"2","username":"b"}],"count":7})"));
    QVERIFY(page.ok());
    QCOMPARE(page->users.size(), 2);
    QCOMPARE(page->users.at(1).username, QStringLiteral("b"));
    QCOMPARE(page->count, 7);
    QVERIFY(!UsersPage::fromJson(json(R"({"count":1})")).ok());
}

void TestApiTypes::apiKeyFromServerJson()
{
    const auto key = ApiKey::fromJson(json(R"({"id":"k1","user_id":"u1","token_name":"ci",
        "login_type":"token","scope":"all","lifetime_seconds":2592000,
        "last_used":"0001-01-01T00:00:00Z","expires_at":"2024-02-01T00:00:00Z",
        "created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"})"));
    QVERIFY(key.ok());
    QCOMPARE(key->tokenName, QStringLiteral("ci"));
    QCOMPARE(key->lifetimeSeconds, 2592000);
    QVERIFY(!key->lastUsed.isValid());
    QCOMPARE(key->expiresAt, QDateTime(QDate(2024, 2, 1), QTime(0, 0), Qt::UTC));
    QCOMPARE(ApiKey::fromJson(key->toJson())->expiresAt, key->expiresAt);
    QVERIFY(!ApiKey::fromJson(json(R"({"token_name":"x"})")).ok());
}

void TestApiTypes::listStopsAtFirstBadElement()
{
    const auto list =
        listFromJson<ApiKey>(QJsonDocument::fromJson(R"([{"id":"a"},7,{"id":"b"}])").array());
    QVERIFY(!list.ok());
    QVERIFY(list.error().contains(QStringLiteral("element 1")));
    QCOMPARE(listFromJson<ApiKey>(QJsonArray{}).value().size(), 0);
}

void TestApiTypes::createTokenRequestOmitsDefaults()
{
    CreateTokenRequest request;
    QCOMPARE(request.toJson(), json(R"({"scope":"all"})"));
    request.tokenName = QStringLiteral("ci");
    request.lifetimeNanoseconds = 720LL * 3600 * 1000000000;
    QCOMPARE(QJsonDocument(request.toJson()).toJson(QJsonDocument::Compact),
             QByteArray(R"({"lifetime":2592000000000000,"scope":"all","token_name":"ci"})"));
}

QTEST_GUILESS_MAIN(TestApiTypes)
#include "test_api_types.moc"
