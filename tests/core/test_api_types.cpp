// The identity types of the wire format (core/api_types.h) through their one codec
// (core/json_mapping.h): what a server sends decodes, encodes back to the same JSON, and what a
// client relies on is checked.
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
    void auditLogUserIsNullWithoutAuthor();
    void integersOutOfRangeAreRefused();
    void readEachNamesEveryBadField();
};

static QJsonObject object(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

static QJsonValue reencoded(const auto &value)
{
    return json::parse(json::toJson(value));
}

void TestApiTypes::userRoundTrip()
{
    const QJsonObject sent = object(R"({"id":"7d1b7bd1-60a4-4b73-8a55-ff1d3e2dbc69",
        "username":"alice","name":"Alice A",
        "email":"alice@example.com","created_at":"2024-03-01T10:20:30.123Z",
        "updated_at":"2024-03-02T00:00:00.000Z","last_seen_at":"0001-01-01T00:00:00Z",
        "status":"suspended","login_type":"password",
        "roles":[{"name":"owner","display_name":"Owner"}],
        "organization_ids":["c0de0000-0000-4000-8000-000000000001"],
        "avatar_url":"","theme_preference":"dark"})");
    const auto user = json::fromJson<User>(QJsonValue(sent));
    QVERIFY2(user.ok(), user.ok() ? "" : qPrintable(user.error()));
    QCOMPARE(user->id, QUuid::fromString(QStringLiteral("7d1b7bd1-60a4-4b73-8a55-ff1d3e2dbc69")));
    QCOMPARE(user->username, QStringLiteral("alice"));
    QCOMPARE(user->status, QStringLiteral("suspended"));
    QCOMPARE(user->roles.size(), 1);
    QCOMPARE(user->roles.first().displayName, QStringLiteral("Owner"));
    QCOMPARE(user->organizationIds.size(), 1);
    QCOMPARE(user->createdAt, QDateTime(QDate(2024, 3, 1), QTime(10, 20, 30, 123), Qt::UTC));
    QVERIFY(!user->lastSeenAt.isValid());
    // Encoding gives back what the server sent.
    QCOMPARE(reencoded(*user), QJsonValue(sent));
}

void TestApiTypes::userRejectsMissingFields()
{
    const auto noId = json::fromJson<User>(QJsonValue(object(R"({"username":"a"})")));
    QVERIFY(!noId.ok());
    QVERIFY(noId.error().contains(QStringLiteral("\"id\"")));
    const auto badId = json::fromJson<User>(QJsonValue(object(R"({"id":"1","username":"a"})")));
    QVERIFY(!badId.ok());
    QVERIFY2(badId.error().contains(QStringLiteral("not a UUID")), qPrintable(badId.error()));
    const auto numberName = json::fromJson<User>(
        QJsonValue(object(R"({"id":"7d1b7bd1-60a4-4b73-8a55-ff1d3e2dbc69","username":5})")));
    QVERIFY(!numberName.ok());
    QVERIFY(numberName.error().contains(QStringLiteral("\"username\"")));
    const auto badRole = json::fromJson<User>(QJsonValue(object(
        R"({"id":"7d1b7bd1-60a4-4b73-8a55-ff1d3e2dbc69","username":"a","roles":[{"x":1}]})")));
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
    QDateTime time;
    QVERIFY(!json::read(QJsonValue(QStringLiteral("yesterday")), time).isEmpty());
}

void TestApiTypes::usersPage()
{
    const auto page = json::fromJson<UsersPage>(QJsonValue(object(
        R"({"users":[{"id":"00000000-0000-4000-8000-000000000001","username":"a"},
                     {"id":"00000000-0000-4000-8000-000000000002","username":"b"}],"count":7})")));
    QVERIFY(page.ok());
    QCOMPARE(page->users.size(), 2);
    QCOMPARE(page->users.at(1).username, QStringLiteral("b"));
    QCOMPARE(page->count, 7);
    // A missing list is Go's nil slice: an empty page, not an error; a wrong type is one.
    QVERIFY(json::fromJson<UsersPage>(QJsonValue(object(R"({"count":1})"))).ok());
    QVERIFY(!json::fromJson<UsersPage>(QJsonValue(object(R"({"users":{}})"))).ok());
}

void TestApiTypes::apiKeyFromServerJson()
{
    const QJsonObject sent = object(R"({"id":"k1aaaaaaaa",
        "user_id":"7d1b7bd1-60a4-4b73-8a55-ff1d3e2dbc69","token_name":"ci",
        "login_type":"token","scope":"all","lifetime_seconds":2592000,
        "last_used":"0001-01-01T00:00:00Z","expires_at":"2024-02-01T00:00:00.000Z",
        "created_at":"2024-01-01T00:00:00.000Z","updated_at":"2024-01-01T00:00:00.000Z"})");
    const auto key = json::fromJson<ApiKey>(QJsonValue(sent));
    QVERIFY(key.ok());
    QCOMPARE(key->tokenName, QStringLiteral("ci"));
    QCOMPARE(key->lifetimeSeconds, 2592000);
    QVERIFY(!key->lastUsed.isValid());
    QCOMPARE(key->expiresAt, QDateTime(QDate(2024, 2, 1), QTime(0, 0), Qt::UTC));
    QCOMPARE(reencoded(*key), QJsonValue(sent));
    QVERIFY(!json::fromJson<ApiKey>(QJsonValue(object(R"({"token_name":"x"})"))).ok());
}

void TestApiTypes::listStopsAtFirstBadElement()
{
    QList<ApiKey> list;
    const QString problem =
        json::read(QJsonDocument::fromJson(R"([{"id":"a"},7,{"id":"b"}])").array(), list);
    QVERIFY(problem.contains(QStringLiteral("element 1")));
    QVERIFY(json::read(QJsonArray{}, list).isEmpty());
    QCOMPARE(list.size(), 0);
}

void TestApiTypes::createTokenRequestOmitsDefaults()
{
    CreateTokenRequest request;
    QCOMPARE(json::toJson(request), QByteArray(R"({"scope":"all"})"));
    request.tokenName = QStringLiteral("ci");
    request.lifetimeNanoseconds = 720LL * 3600 * 1000000000;
    QCOMPARE(json::toJson(request),
             QByteArray(R"({"token_name":"ci","lifetime":2592000000000000,"scope":"all"})"));
}

void TestApiTypes::auditLogUserIsNullWithoutAuthor()
{
    AuditLog entry;
    entry.id = QUuid::createUuid();
    entry.action = QStringLiteral("login");
    const QJsonObject written = reencoded(entry).toObject();
    QVERIFY(written.contains(QStringLiteral("user")));
    QVERIFY(written.value(QStringLiteral("user")).isNull());
    QVERIFY(!written.contains(QStringLiteral("organization"))); // omitted when unset
    entry.user = User{};
    entry.user->id = QUuid::createUuid();
    entry.user->username = QStringLiteral("alice");
    const auto back = json::fromJson<AuditLog>(reencoded(entry));
    QVERIFY(back.ok());
    QCOMPARE(back->user->username, QStringLiteral("alice"));
}

void TestApiTypes::integersOutOfRangeAreRefused()
{
    qint64 value = 7;
    QCOMPARE(json::read(QJsonValue(1e300), value), QStringLiteral("out of range"));
    QCOMPARE(json::read(QJsonValue(-1e19), value), QStringLiteral("out of range"));
    QCOMPARE(json::read(QJsonValue(1.5), value), QStringLiteral("not an integer"));
    // Every 64-bit integer JSON carries survives, not only those a double holds exactly.
    const auto big = QJsonDocument::fromJson("[9007199254740993]").array().at(0);
    QVERIFY(json::read(big, value).isEmpty());
    QCOMPARE(value, Q_INT64_C(9007199254740993));
}

void TestApiTypes::readEachNamesEveryBadField()
{
    LoginRequest request;
    const auto problems =
        json::readEach(object(R"({"email": 5})"), request); // a number, and no password
    QCOMPARE(problems.size(), 2);
    QCOMPARE(problems.at(0).field, QStringLiteral("email"));
    QCOMPARE(problems.at(0).problem, QStringLiteral("not a string"));
    QCOMPARE(problems.at(1).field, QStringLiteral("password"));
    QCOMPARE(problems.at(1).problem, QStringLiteral("missing"));
    QVERIFY(json::readEach(object(R"({"email":"a@b","password":"x"})"), request).isEmpty());
    QCOMPARE(request.email, QStringLiteral("a@b"));
}

QTEST_GUILESS_MAIN(TestApiTypes)
#include "test_api_types.moc"
