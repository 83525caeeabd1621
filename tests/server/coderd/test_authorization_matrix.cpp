// Every identity route x every kind of caller, against a real coderd: the status each gets.
#include "tests/support/coderd_fixture.h"

#include <QtTest>

using namespace coder::test;

namespace {

enum Subject { Anonymous, Member, OtherMember, UserAdmin, Owner, Suspended, Expired, SubjectCount };
const char *const subjectNames[SubjectCount] = {
    "anonymous", "member", "other-member", "user-admin", "owner", "suspended", "expired-token"};

struct RouteCase
{
    const char *method;
    const char *path; // {target}: a fresh member's username; {token}: the id of its token
    const char *body; // JSON; {target} is replaced too
    int expected[SubjectCount];
};

// "member" is the target itself (acting on its own account); "other-member" is another member.
const RouteCase routes[] = {
    {"GET", "/healthz", "", {200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/buildinfo", "", {200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/users/first", "", {200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v2/users/first",
     R"({"email":"x@example.com","username":"x","password":"correct-horse-battery"})",
     {409, 409, 409, 409, 409, 409, 409}},
    {"POST",
     "/api/v2/users/login",
     R"({"email":"{target}@example.com","password":"correct-horse-battery"})",
     {201, 201, 201, 201, 201, 201, 201}},
    {"POST", "/api/v2/users/logout", "", {401, 200, 200, 200, 200, 401, 401}},
    {"GET", "/api/v2/users", "", {401, 200, 200, 200, 200, 401, 401}},
    {"POST",
     "/api/v2/users",
     R"({"email":"new-{target}@example.com","username":"new-{target}","password":"correct-horse-battery"})",
     {401, 403, 403, 201, 201, 401, 401}},
    {"GET", "/api/v2/users/{target}", "", {401, 200, 404, 200, 200, 401, 401}},
    {"GET", "/api/v2/users/me", "", {401, 200, 200, 200, 200, 401, 401}},
    {"DELETE", "/api/v2/users/{target}", "", {401, 403, 404, 200, 200, 401, 401}},
    {"PUT",
     "/api/v2/users/{target}/password",
     R"({"old_password":"correct-horse-battery","password":"another-long-password"})",
     {401, 204, 404, 204, 204, 401, 401}},
    {"GET", "/api/v2/users/{target}/roles", "", {401, 200, 404, 200, 200, 401, 401}},
    {"PUT",
     "/api/v2/users/{target}/roles",
     R"({"roles":["auditor"]})",
     {401, 403, 404, 200, 200, 401, 401}},
    {"PUT", "/api/v2/users/{target}/status/suspend", "", {401, 403, 404, 200, 200, 401, 401}},
    {"PUT", "/api/v2/users/{target}/status/activate", "", {401, 403, 404, 200, 200, 401, 401}},
    {"GET", "/api/v2/users/{target}/keys/tokens", "", {401, 200, 404, 404, 200, 401, 401}},
    {"POST",
     "/api/v2/users/{target}/keys/tokens",
     R"({"token_name":"made-by-caller"})",
     {401, 201, 404, 404, 201, 401, 401}},
    {"DELETE", "/api/v2/users/{target}/keys/{token}", "", {401, 204, 404, 404, 204, 401, 401}},
    {"GET", "/api/v2/audit", "", {401, 403, 403, 403, 200, 401, 401}},
};

} // namespace

class TestAuthorizationMatrix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matrix_data();
    void matrix();

private:
    QByteArray tokenFor(Subject subject, const QByteArray &targetSession, bool fresh);

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QByteArray m_other;
    QByteArray m_userAdmin;
    QByteArray m_suspended;
    QByteArray m_expired;
    int m_targets = 0;
};

void TestAuthorizationMatrix::initTestCase()
{
    // Many logins from one address: the rate limit has its own test.
    CODER_START_CODERD(m_coderd, {QStringLiteral("--login-rate-limit"), QStringLiteral("0")});
    ApiTestClient &api = m_coderd.api();
    m_owner = api.setupOwner();
    QVERIFY(!m_owner.isEmpty());
    m_other = api.createUser(m_owner, QStringLiteral("other"));
    m_userAdmin =
        api.createUser(m_owner, QStringLiteral("useradmin"), {QStringLiteral("user-admin")});
    m_suspended = api.createUser(m_owner, QStringLiteral("suspended"));
    QVERIFY(!m_other.isEmpty() && !m_userAdmin.isEmpty() && !m_suspended.isEmpty());
    QCOMPARE(api.put(QStringLiteral("/api/v2/users/suspended/status/suspend"), {}, m_owner).status,
             200);
    const ApiReply shortLived =
        api.post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                 {{u"token_name"_qs, u"short"_qs}, {u"lifetime"_qs, 1'000'000'000LL}}, m_owner);
    QCOMPARE(shortLived.status, 201);
    m_expired = shortLived.json().value(u"key").toString().toLatin1();
    QTest::qWait(1100);
}

void TestAuthorizationMatrix::matrix_data()
{
    QTest::addColumn<int>("route");
    QTest::addColumn<int>("subject");
    for (int r = 0; r < int(std::size(routes)); ++r)
        for (int s = 0; s < SubjectCount; ++s)
            QTest::addRow("%s %s as %s", routes[r].method, routes[r].path, subjectNames[s])
                << r << s;
}

QByteArray TestAuthorizationMatrix::tokenFor(Subject subject, const QByteArray &targetSession,
                                             bool fresh)
{
    ApiTestClient &api = m_coderd.api();
    const QString password = QStringLiteral("correct-horse-battery");
    switch (subject) {
    case Anonymous:
        return {};
    case Member:
        return targetSession;
    case OtherMember:
        return fresh ? api.login(u"other@example.com"_qs, password) : m_other;
    case UserAdmin:
        return fresh ? api.login(u"useradmin@example.com"_qs, password) : m_userAdmin;
    case Owner:
        return fresh ? api.login(u"admin@example.com"_qs, password) : m_owner;
    case Suspended:
        return m_suspended;
    case Expired:
        return m_expired;
    case SubjectCount:
        break;
    }
    return {};
}

void TestAuthorizationMatrix::matrix()
{
    QFETCH(int, route);
    QFETCH(int, subject);
    const RouteCase &c = routes[route];
    ApiTestClient &api = m_coderd.api();

    // A fresh target per cell, so that what one cell changes cannot decide another.
    const QString target = QStringLiteral("target%1").arg(++m_targets);
    const QByteArray targetSession = api.createUser(m_owner, target);
    QVERIFY(!targetSession.isEmpty());
    const ApiReply token = api.post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                                    {{u"token_name"_qs, u"target-token"_qs}}, targetSession);
    QCOMPARE(token.status, 201);
    const QString tokenId = token.json().value(u"key").toString().left(10);

    const bool logout = QByteArrayView(c.path) == "/api/v2/users/logout";
    const QByteArray caller = tokenFor(Subject(subject), targetSession, logout);
    QString path = QString::fromLatin1(c.path);
    path.replace(u"{target}"_qs, target).replace(u"{token}"_qs, tokenId);
    QByteArray body(c.body);
    body.replace("{target}", target.toLatin1());
    const ApiReply reply = api.request(c.method, path, caller, body);
    QVERIFY2(reply.status == c.expected[subject],
             qPrintable(
                 QStringLiteral("got %1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body))));
    if (reply.status >= 400)
        QVERIFY2(!reply.json().value(u"message").toString().isEmpty(),
                 "errors are JSON with a message");
}

QTEST_GUILESS_MAIN(TestAuthorizationMatrix)
#include "test_authorization_matrix.moc"
