// Bad input to the identity API: each case gets a JSON error with the right status that names
// the problem, never a 5xx, and nothing is half-written.
#include "tests/support/coderd_fixture.h"

#include <QtTest>

using namespace coder::test;

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void table_data();
    void table();
    void nothingHalfWritten();
    void oversizedBody();
    void unknownRoutesAndMethods();

private:
    CoderdFixture m_coderd;
    QByteArray m_owner;
    int m_usersBefore = 0;
};

void TestBadInput::initTestCase()
{
    CODER_START_CODERD(m_coderd, {QStringLiteral("--login-rate-limit"), QStringLiteral("0")});
    m_owner = m_coderd.api().setupOwner();
    QVERIFY(!m_owner.isEmpty());
    QVERIFY(!m_coderd.api().createUser(m_owner, QStringLiteral("taken")).isEmpty());
    m_usersBefore =
        m_coderd.api().get(QStringLiteral("/api/v2/users"), m_owner).json().value(u"count").toInt();
}

void TestBadInput::table_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field"); // expected in "validations", or empty

    const QString users = QStringLiteral("/api/v2/users");
    QTest::newRow("malformed json")
        << QByteArray("POST") << users << QByteArray("{\"email\":") << 400 << QString();
    QTest::newRow("json array") << QByteArray("POST") << users << QByteArray("[1,2]") << 400
                                << QString();
    QTest::newRow("empty body") << QByteArray("POST") << users << QByteArray() << 400 << QString();
    QTest::newRow("missing email")
        << QByteArray("POST") << users
        << QByteArray(R"({"username":"newuser","password":"correct-horse-battery"})") << 400
        << u"email"_qs;
    QTest::newRow("email wrong type")
        << QByteArray("POST") << users
        << QByteArray(R"({"email":5,"username":"newuser","password":"correct-horse-battery"})")
        << 400 << u"email"_qs;
    QTest::newRow("invalid email")
        << QByteArray("POST") << users
        << QByteArray(
               R"({"email":"not-an-email","username":"newuser","password":"correct-horse-battery"})")
        << 400 << u"email"_qs;
    QTest::newRow("invalid username")
        << QByteArray("POST") << users
        << QByteArray(
               R"({"email":"n@example.com","username":"bad name!","password":"correct-horse-battery"})")
        << 400 << u"username"_qs;
    QTest::newRow("username too long")
        << QByteArray("POST") << users
        << QByteArray(R"({"email":"n@example.com","username":")" + QByteArray(33, 'a') +
                      R"(","password":"correct-horse-battery"})")
        << 400 << u"username"_qs;
    QTest::newRow("username me")
        << QByteArray("POST") << users
        << QByteArray(
               R"({"email":"n@example.com","username":"me","password":"correct-horse-battery"})")
        << 400 << u"username"_qs;
    QTest::newRow("short password")
        << QByteArray("POST") << users
        << QByteArray(R"({"email":"n@example.com","username":"newuser","password":"short"})") << 400
        << u"password"_qs;
    QTest::newRow("password is username")
        << QByteArray("POST") << users
        << QByteArray(R"({"email":"n@example.com","username":"newuser12","password":"newuser12"})")
        << 400 << u"password"_qs;
    QTest::newRow("duplicate username")
        << QByteArray("POST") << users
        << QByteArray(
               R"({"email":"n@example.com","username":"TAKEN","password":"correct-horse-battery"})")
        << 409 << u"username"_qs;
    QTest::newRow("duplicate email")
        << QByteArray("POST") << users
        << QByteArray(
               R"({"email":"taken@example.com","username":"newuser","password":"correct-horse-battery"})")
        << 409 << u"email"_qs;
    QTest::newRow("unknown user id")
        << QByteArray("GET") << users + u'/' + QUuid::createUuid().toString(QUuid::WithoutBraces)
        << QByteArray() << 404 << QString();
    QTest::newRow("malformed uuid is a name")
        << QByteArray("GET") << users + u"/1234-zz"_qs << QByteArray() << 404 << QString();
    QTest::newRow("bad limit") << QByteArray("GET") << users + u"?limit=abc"_qs << QByteArray()
                               << 400 << u"limit"_qs;
    QTest::newRow("negative offset")
        << QByteArray("GET") << users + u"?offset=-1"_qs << QByteArray() << 400 << u"offset"_qs;
    QTest::newRow("roles not a list") << QByteArray("PUT") << users + u"/taken/roles"_qs
                                      << QByteArray(R"({"roles":"owner"})") << 400 << u"roles"_qs;
    QTest::newRow("unknown role") << QByteArray("PUT") << users + u"/taken/roles"_qs
                                  << QByteArray(R"({"roles":["god"]})") << 400 << u"roles"_qs;
    QTest::newRow("token lifetime negative")
        << QByteArray("POST") << users + u"/me/keys/tokens"_qs << QByteArray(R"({"lifetime":-5})")
        << 400 << u"lifetime"_qs;
    QTest::newRow("token lifetime not integer")
        << QByteArray("POST") << users + u"/me/keys/tokens"_qs << QByteArray(R"({"lifetime":"1h"})")
        << 400 << u"lifetime"_qs;
    QTest::newRow("token name invalid")
        << QByteArray("POST") << users + u"/me/keys/tokens"_qs
        << QByteArray(R"({"token_name":"no spaces please"})") << 400 << u"token_name"_qs;
    QTest::newRow("token scope invalid") << QByteArray("POST") << users + u"/me/keys/tokens"_qs
                                         << QByteArray(R"({"scope":"root"})") << 400 << u"scope"_qs;
    QTest::newRow("unknown token id") << QByteArray("DELETE") << users + u"/me/keys/0123456789"_qs
                                      << QByteArray() << 404 << QString();
    QTest::newRow("password missing") << QByteArray("PUT") << users + u"/taken/password"_qs
                                      << QByteArray(R"({})") << 400 << u"password"_qs;
    QTest::newRow("login missing password")
        << QByteArray("POST") << u"/api/v2/users/login"_qs
        << QByteArray(R"({"email":"admin@example.com"})") << 400 << u"password"_qs;
    QTest::newRow("login wrong type")
        << QByteArray("POST") << u"/api/v2/users/login"_qs
        << QByteArray(R"({"email":["admin@example.com"],"password":"x"})") << 400 << u"email"_qs;
    QTest::newRow("unicode and quotes stored safely")
        << QByteArray("POST") << users
        << QByteArray(
               R"({"email":"o'brien+\"x\"@example.com","username":"obrien","name":"Ó'Brien \"; DROP TABLE users; --","password":"correct-horse-battery"})")
        << 201 << QString();
}

void TestBadInput::table()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);
    const ApiReply reply = m_coderd.api().request(method, path, m_owner, body);
    QVERIFY2(reply.status == status,
             qPrintable(
                 QStringLiteral("got %1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body))));
    QVERIFY(reply.header("content-type").startsWith("application/json"));
    if (status >= 400)
        QVERIFY(!reply.json().value(u"message").toString().isEmpty());
    if (!field.isEmpty())
        QVERIFY2(reply.invalidFields().contains(field), reply.body.constData());
}

void TestBadInput::nothingHalfWritten()
{
    ApiTestClient &api = m_coderd.api();
    // Only the one valid row of the table was added, and it reads back exactly.
    QCOMPARE(api.get(QStringLiteral("/api/v2/users"), m_owner).json().value(u"count").toInt(),
             m_usersBefore + 1);
    const QJsonObject obrien = api.get(QStringLiteral("/api/v2/users/obrien"), m_owner).json();
    QCOMPARE(obrien.value(u"name").toString(), QStringLiteral("Ó'Brien \"; DROP TABLE users; --"));
    QCOMPARE(obrien.value(u"email").toString(), QStringLiteral("o'brien+\"x\"@example.com"));
    const QJsonArray roles = api.get(QStringLiteral("/api/v2/users/taken/roles"), m_owner)
                                 .json()
                                 .value(u"roles")
                                 .toArray();
    QVERIFY(roles.isEmpty());
    QVERIFY(api.get(QStringLiteral("/api/v2/users/me/keys/tokens"), m_owner).array().isEmpty());
    QVERIFY(!m_coderd.api().login(u"taken@example.com"_qs, u"correct-horse-battery"_qs).isEmpty());
}

void TestBadInput::oversizedBody()
{
    const QByteArray huge = "{\"name\":\"" + QByteArray(2 * 1024 * 1024, 'a') + "\"}";
    const ApiReply reply =
        m_coderd.api().request("POST", QStringLiteral("/api/v2/users"), m_owner, huge);
    QCOMPARE(reply.status, 413);
    QVERIFY(!reply.json().value(u"message").toString().isEmpty());
    QCOMPARE(m_coderd.api().get(QStringLiteral("/healthz")).status, 200);
}

void TestBadInput::unknownRoutesAndMethods()
{
    const ApiReply missing = m_coderd.api().get(QStringLiteral("/api/v2/nothing-here"), m_owner);
    QCOMPARE(missing.status, 404);
    QVERIFY(!missing.json().value(u"message").toString().isEmpty());
    const ApiReply wrongMethod =
        m_coderd.api().request("PATCH", QStringLiteral("/api/v2/users/me"), m_owner);
    QCOMPARE(wrongMethod.status, 405);
    QVERIFY(wrongMethod.header("allow").contains("GET"));
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "test_bad_input.moc"
