// The identity API end to end against a real `coder server` process: first user, login,
// sessions, users, roles, status, passwords, tokens and the audit log.
#include "tests/support/coderd_fixture.h"

#include <QtTest>

using namespace coder::test;

class TestIdentityApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthAndBuildInfo();
    void firstUserFlow();
    void loginAndMe();
    void userLookupByIdNameAndMe();
    void createListAndSearchUsers();
    void suspendRefusesLoginAndSessions();
    void rolesAreAssigned();
    void passwordChangeEndsOtherSessions();
    void tokensLifecycle();
    void expiredTokenIsRefused();
    void tokenLifetimes();
    void logoutRevokesSession();
    void cookieAuthenticates();
    void deletedUserFreesName();
    void auditLogRecordsMutations();
    void loginRateLimit();
    void dataDirAndDatabaseArePrivate();

private:
    CoderdFixture m_coderd;
    ApiTestClient *m_api = nullptr;
    QByteArray m_owner;
};

void TestIdentityApi::initTestCase()
{
    CODER_START_CODERD(m_coderd);
    m_api = &m_coderd.api();
}

void TestIdentityApi::cleanupTestCase()
{
    QCOMPARE(m_coderd.stop(), 0); // SIGTERM shuts down cleanly
}

void TestIdentityApi::healthAndBuildInfo()
{
    const ApiReply health = m_api->get(QStringLiteral("/healthz"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.body, QByteArray("OK"));
    const ApiReply info = m_api->get(QStringLiteral("/api/v2/buildinfo"));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value(u"version").toString(), QStringLiteral(CODER_VERSION));
    QCOMPARE(QUrl(info.json().value(u"external_url").toString()).port(), m_coderd.url().port());
}

void TestIdentityApi::firstUserFlow()
{
    const ApiReply before = m_api->get(QStringLiteral("/api/v2/users/first"));
    QCOMPARE(before.status, 404);
    QCOMPARE(before.json().value(u"message").toString(),
             QStringLiteral("The initial user has not been created!"));

    m_owner = m_api->setupOwner(QStringLiteral("admin"));
    QVERIFY(!m_owner.isEmpty());
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/first")).status, 200);

    const ApiReply again = m_api->post(QStringLiteral("/api/v2/users/first"),
                                       {{u"email"_qs, u"other@example.com"_qs},
                                        {u"username"_qs, u"other"_qs},
                                        {u"password"_qs, u"correct-horse-battery"_qs}});
    QCOMPARE(again.status, 409);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/other"), m_owner).status, 404);
}

void TestIdentityApi::loginAndMe()
{
    const ApiReply wrong = m_api->post(
        QStringLiteral("/api/v2/users/login"),
        {{u"email"_qs, u"admin@example.com"_qs}, {u"password"_qs, u"wrong-password"_qs}});
    QCOMPARE(wrong.status, 401);
    const ApiReply unknown = m_api->post(
        QStringLiteral("/api/v2/users/login"),
        {{u"email"_qs, u"nobody@example.com"_qs}, {u"password"_qs, u"wrong-password"_qs}});
    QCOMPARE(unknown.status, 401);
    QCOMPARE(unknown.json().value(u"message"), wrong.json().value(u"message"));

    const QByteArray token =
        m_api->login(QStringLiteral("ADMIN@example.com"), QStringLiteral("correct-horse-battery"));
    QVERIFY2(!token.isEmpty(), "email is case-insensitive");
    const ApiReply me = m_api->get(QStringLiteral("/api/v2/users/me"), token);
    QCOMPARE(me.status, 200);
    const QJsonObject user = me.json();
    QCOMPARE(user.value(u"username").toString(), QStringLiteral("admin"));
    QCOMPARE(user.value(u"status").toString(), QStringLiteral("active"));
    QCOMPARE(user.value(u"roles").toArray().first().toObject().value(u"name").toString(),
             QStringLiteral("owner"));
    QVERIFY(!QUuid::fromString(user.value(u"id").toString()).isNull());
    QVERIFY(
        QDateTime::fromString(user.value(u"created_at").toString(), Qt::ISODateWithMs).isValid());
    QVERIFY(user.value(u"created_at").toString().endsWith(u'Z'));
    QVERIFY(!user.contains(u"hashed_password"));

    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me")).status, 401);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), "garbage").status, 401);
    QCOMPARE(
        m_api->get(QStringLiteral("/api/v2/users/me"), "abcdefghij-0123456789012345678901").status,
        401);
}

void TestIdentityApi::userLookupByIdNameAndMe()
{
    const QString id =
        m_api->get(QStringLiteral("/api/v2/users/me"), m_owner).json().value(u"id").toString();
    for (const QString &key :
         {id, QStringLiteral("admin"), QStringLiteral("ADMIN"), QStringLiteral("me")}) {
        const ApiReply reply = m_api->get(QStringLiteral("/api/v2/users/") + key, m_owner);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"id").toString(), id);
    }
    QCOMPARE(m_api
                 ->get(QStringLiteral("/api/v2/users/%1")
                           .arg(QUuid::createUuid().toString(QUuid::WithoutBraces)),
                       m_owner)
                 .status,
             404);
}

void TestIdentityApi::createListAndSearchUsers()
{
    for (const QString &name : {u"alice"_qs, u"bob"_qs, u"carol"_qs})
        QVERIFY(!m_api->createUser(m_owner, name).isEmpty());
    // A member may read only their own account, so that is all their listing holds.
    const QByteArray alice = m_api->login(u"alice@example.com"_qs, u"correct-horse-battery"_qs);
    const ApiReply own = m_api->get(QStringLiteral("/api/v2/users"), alice);
    QCOMPARE(own.json().value(u"count").toInt(), 1);
    QCOMPARE(own.json().value(u"users").toArray().at(0).toObject().value(u"username").toString(),
             QStringLiteral("alice"));
    QCOMPARE(
        m_api->get(QStringLiteral("/api/v2/users?q=bob"), alice).json().value(u"count").toInt(), 0);
    const ApiReply all = m_api->get(QStringLiteral("/api/v2/users"), m_owner);
    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().value(u"count").toInt(), 4);
    const ApiReply page = m_api->get(QStringLiteral("/api/v2/users?limit=2&offset=1"), m_owner);
    QCOMPARE(page.json().value(u"users").toArray().size(), 2);
    QCOMPARE(page.json().value(u"count").toInt(), 4);
    QCOMPARE(page.json().value(u"users").toArray().at(0).toObject().value(u"username").toString(),
             QStringLiteral("alice"));
    const ApiReply search = m_api->get(QStringLiteral("/api/v2/users?q=bo"), m_owner);
    QCOMPARE(search.json().value(u"count").toInt(), 1);
    QCOMPARE(search.json().value(u"users").toArray().at(0).toObject().value(u"username").toString(),
             QStringLiteral("bob"));

    const ApiReply duplicate = m_api->post(QStringLiteral("/api/v2/users"),
                                           {{u"email"_qs, u"new@example.com"_qs},
                                            {u"username"_qs, u"Alice"_qs},
                                            {u"password"_qs, u"correct-horse-battery"_qs}},
                                           m_owner);
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(duplicate.invalidFields(), QStringList{u"username"_qs});
    const ApiReply duplicateEmail = m_api->post(QStringLiteral("/api/v2/users"),
                                                {{u"email"_qs, u"ALICE@example.com"_qs},
                                                 {u"username"_qs, u"alice2"_qs},
                                                 {u"password"_qs, u"correct-horse-battery"_qs}},
                                                m_owner);
    QCOMPARE(duplicateEmail.status, 409);
    QCOMPARE(duplicateEmail.invalidFields(), QStringList{u"email"_qs});
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users"), m_owner).json().value(u"count").toInt(),
             4);
}

void TestIdentityApi::suspendRefusesLoginAndSessions()
{
    const QByteArray dave = m_api->createUser(m_owner, u"dave"_qs);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), dave).status, 200);
    const ApiReply suspended =
        m_api->put(QStringLiteral("/api/v2/users/dave/status/suspend"), {}, m_owner);
    QCOMPARE(suspended.status, 200);
    QCOMPARE(suspended.json().value(u"status").toString(), QStringLiteral("suspended"));
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), dave).status, 401);
    QVERIFY(m_api->login(u"dave@example.com"_qs, u"correct-horse-battery"_qs).isEmpty());
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users?q=status:suspended"), m_owner)
                 .json()
                 .value(u"count")
                 .toInt(),
             1);

    QCOMPARE(m_api->put(QStringLiteral("/api/v2/users/dave/status/activate"), {}, m_owner).status,
             200);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), dave).status, 200);
    QCOMPARE(m_api->put(QStringLiteral("/api/v2/users/me/status/suspend"), {}, m_owner).status,
             400);
}

void TestIdentityApi::rolesAreAssigned()
{
    const QByteArray erin = m_api->createUser(m_owner, u"erin"_qs, {u"user-admin"_qs});
    QVERIFY(!erin.isEmpty());
    const ApiReply roles = m_api->get(QStringLiteral("/api/v2/users/erin/roles"), m_owner);
    QCOMPARE(roles.status, 200);
    QCOMPARE(roles.json().value(u"roles").toArray().at(0).toObject().value(u"name").toString(),
             QStringLiteral("user-admin"));
    // A user admin assigns roles but not owner, and cannot change their own.
    QCOMPARE(m_api
                 ->put(QStringLiteral("/api/v2/users/bob/roles"),
                       {{u"roles"_qs, QJsonArray{u"auditor"_qs}}}, erin)
                 .status,
             200);
    QCOMPARE(m_api
                 ->put(QStringLiteral("/api/v2/users/bob/roles"),
                       {{u"roles"_qs, QJsonArray{u"owner"_qs}}}, erin)
                 .status,
             403);
    QCOMPARE(
        m_api->put(QStringLiteral("/api/v2/users/erin/roles"), {{u"roles"_qs, QJsonArray{}}}, erin)
            .status,
        400);
    const ApiReply unknown = m_api->put(QStringLiteral("/api/v2/users/bob/roles"),
                                        {{u"roles"_qs, QJsonArray{u"superuser"_qs}}}, m_owner);
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.invalidFields(), QStringList{u"roles"_qs});
    // Only an owner acts on an owner's account.
    QCOMPARE(m_api->put(QStringLiteral("/api/v2/users/admin/status/suspend"), {}, erin).status,
             403);
    QCOMPARE(m_api->del(QStringLiteral("/api/v2/users/admin"), erin).status, 403);
    QCOMPARE(m_api
                 ->put(QStringLiteral("/api/v2/users/admin/password"),
                       {{u"password"_qs, u"taken-over-by-erin"_qs}}, erin)
                 .status,
             403);
    // Roles take effect at once: the auditor now reads the audit log.
    const QByteArray bob = m_api->login(u"bob@example.com"_qs, u"correct-horse-battery"_qs);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/audit"), bob).status, 200);
}

void TestIdentityApi::passwordChangeEndsOtherSessions()
{
    const QByteArray first = m_api->createUser(m_owner, u"frank"_qs);
    const QByteArray second = m_api->login(u"frank@example.com"_qs, u"correct-horse-battery"_qs);
    const ApiReply wrongOld = m_api->put(
        QStringLiteral("/api/v2/users/me/password"),
        {{u"old_password"_qs, u"not-it-at-all"_qs}, {u"password"_qs, u"a-new-long-password"_qs}},
        first);
    QCOMPARE(wrongOld.status, 400);
    QCOMPARE(wrongOld.invalidFields(), QStringList{u"old_password"_qs});
    QCOMPARE(m_api
                 ->put(QStringLiteral("/api/v2/users/me/password"),
                       {{u"old_password"_qs, u"correct-horse-battery"_qs},
                        {u"password"_qs, u"a-new-long-password"_qs}},
                       first)
                 .status,
             204);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), first).status, 200);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), second).status, 401);
    QVERIFY(m_api->login(u"frank@example.com"_qs, u"correct-horse-battery"_qs).isEmpty());
    QVERIFY(!m_api->login(u"frank@example.com"_qs, u"a-new-long-password"_qs).isEmpty());
    // An owner resets someone else's password without knowing the old one.
    QCOMPARE(m_api
                 ->put(QStringLiteral("/api/v2/users/frank/password"),
                       {{u"password"_qs, u"reset-by-the-owner"_qs}}, m_owner)
                 .status,
             204);
    QVERIFY(!m_api->login(u"frank@example.com"_qs, u"reset-by-the-owner"_qs).isEmpty());
}

void TestIdentityApi::tokensLifecycle()
{
    const QByteArray grace = m_api->createUser(m_owner, u"grace"_qs);
    const ApiReply created = m_api->post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                                         {{u"token_name"_qs, u"ci"_qs}}, grace);
    QCOMPARE(created.status, 201);
    const QByteArray key = created.json().value(u"key").toString().toLatin1();
    QCOMPARE(
        m_api->get(QStringLiteral("/api/v2/users/me"), key).json().value(u"username").toString(),
        QStringLiteral("grace"));
    QCOMPARE(m_api
                 ->post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                        {{u"token_name"_qs, u"ci"_qs}}, grace)
                 .status,
             409);

    const ApiReply list = m_api->get(QStringLiteral("/api/v2/users/me/keys/tokens"), grace);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.array().size(), 1);
    const QJsonObject token = list.array().at(0).toObject();
    QCOMPARE(token.value(u"token_name").toString(), QStringLiteral("ci"));
    QCOMPARE(token.value(u"login_type").toString(), QStringLiteral("token"));
    QVERIFY(!token.contains(u"hashed_secret"));
    QCOMPARE(token.value(u"id").toString(), QString::fromLatin1(key.left(10)));
    const QDateTime expires =
        QDateTime::fromString(token.value(u"expires_at").toString(), Qt::ISODateWithMs);
    QVERIFY(expires > QDateTime::currentDateTimeUtc().addDays(29));

    // Another member cannot see or remove it; the owner can.
    const QByteArray heidi = m_api->createUser(m_owner, u"heidi"_qs);
    const QString path =
        QStringLiteral("/api/v2/users/grace/keys/") + token.value(u"id").toString();
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/grace/keys/tokens"), heidi).status, 404);
    QCOMPARE(m_api->del(path, heidi).status, 404);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/grace/keys/tokens"), m_owner).array().size(),
             1);
    QCOMPARE(
        m_api->del(QStringLiteral("/api/v2/users/me/keys/") + token.value(u"id").toString(), heidi)
            .status,
        404);
    QCOMPARE(m_api->del(path, grace).status, 204);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), key).status, 401);
    QCOMPARE(m_api->del(path, grace).status, 404);
}

void TestIdentityApi::expiredTokenIsRefused()
{
    const ApiReply created =
        m_api->post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                    {{u"token_name"_qs, u"short"_qs}, {u"lifetime"_qs, 1'000'000'000LL}}, m_owner);
    QCOMPARE(created.status, 201);
    const QByteArray key = created.json().value(u"key").toString().toLatin1();
    // Refused once its second is up: polled, not slept.
    ApiReply refused;
    QTRY_COMPARE_WITH_TIMEOUT(
        (refused = m_api->get(QStringLiteral("/api/v2/users/me"), key)).status, 401, 10'000);
    QVERIFY(refused.json().value(u"message").toString().contains(u"expired"));
}

void TestIdentityApi::tokenLifetimes()
{
    const QByteArray dan = m_api->createUser(m_owner, u"dan"_qs);
    const qint64 yearNanos = 365LL * 24 * 3600 * 1'000'000'000LL;
    QCOMPARE(m_api
                 ->post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                        {{u"token_name"_qs, u"year"_qs}, {u"lifetime"_qs, yearNanos}}, dan)
                 .status,
             201);
    // Coder's SDK sends 0 when no lifetime was chosen: the default (30 days) applies.
    QCOMPARE(m_api
                 ->post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                        {{u"token_name"_qs, u"default"_qs}, {u"lifetime"_qs, 0}}, dan)
                 .status,
             201);
    QCOMPARE(m_api
                 ->post(QStringLiteral("/api/v2/users/me/keys/tokens"),
                        {{u"token_name"_qs, u"too-long"_qs}, {u"lifetime"_qs, yearNanos * 2}}, dan)
                 .status,
             400);
    QHash<QString, qint64> daysLeft;
    for (const QJsonValue &v :
         m_api->get(QStringLiteral("/api/v2/users/me/keys/tokens"), dan).array()) {
        const QJsonObject token = v.toObject();
        daysLeft[token.value(u"token_name").toString()] = QDateTime::currentDateTimeUtc().daysTo(
            QDateTime::fromString(token.value(u"expires_at").toString(), Qt::ISODateWithMs));
    }
    QCOMPARE(daysLeft.size(), 2);
    QVERIFY(daysLeft.value(u"year"_qs) >= 364);
    QVERIFY(daysLeft.value(u"default"_qs) >= 29 && daysLeft.value(u"default"_qs) <= 30);
}

void TestIdentityApi::logoutRevokesSession()
{
    const QByteArray session = m_api->login(u"admin@example.com"_qs, u"correct-horse-battery"_qs);
    const ApiReply out = m_api->post(QStringLiteral("/api/v2/users/logout"), {}, session);
    QCOMPARE(out.status, 200);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), session).status, 401);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), m_owner).status, 200);
}

void TestIdentityApi::cookieAuthenticates()
{
    const ApiReply login = m_api->post(
        QStringLiteral("/api/v2/users/login"),
        {{u"email"_qs, u"admin@example.com"_qs}, {u"password"_qs, u"correct-horse-battery"_qs}});
    QVERIFY(login.header("set-cookie").startsWith("coder_session_token="));
    QVERIFY(login.header("set-cookie").contains("; HttpOnly"));
    QVERIFY(login.header("set-cookie").contains("; SameSite=Lax"));
    // Plain HTTP: a Secure cookie would never come back (test_server_command checks HTTPS).
    QVERIFY(!login.header("set-cookie").contains("Secure"));
    const QByteArray token = login.json().value(u"session_token").toString().toLatin1();
    QNetworkAccessManager network;
    QNetworkRequest request(m_coderd.url().resolved(QUrl(QStringLiteral("/api/v2/users/me"))));
    request.setRawHeader("Cookie", "other=1; coder_session_token=" + token);
    QNetworkReply *reply = network.get(request);
    QTRY_VERIFY(reply->isFinished());
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete reply;
}

void TestIdentityApi::deletedUserFreesName()
{
    const QByteArray ivan = m_api->createUser(m_owner, u"ivan"_qs);
    QCOMPARE(m_api->del(QStringLiteral("/api/v2/users/me"), m_owner).status, 400);
    QCOMPARE(m_api->del(QStringLiteral("/api/v2/users/ivan"), m_owner).status, 200);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/me"), ivan).status, 401);
    QCOMPARE(m_api->get(QStringLiteral("/api/v2/users/ivan"), m_owner).status, 404);
    QVERIFY(!m_api->createUser(m_owner, u"ivan"_qs).isEmpty());
}

void TestIdentityApi::auditLogRecordsMutations()
{
    const ApiReply audit = m_api->get(QStringLiteral("/api/v2/audit?limit=200"), m_owner);
    QCOMPARE(audit.status, 200);
    const QJsonArray logs = audit.json().value(u"audit_logs").toArray();
    QCOMPARE(audit.json().value(u"count").toInt(), logs.size());
    QSet<QString> seen;
    for (const QJsonValue &v : logs) {
        const QJsonObject entry = v.toObject();
        seen.insert(entry.value(u"action").toString() + u'/' +
                    entry.value(u"resource_type").toString());
        QCOMPARE(entry.value(u"ip").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(entry.value(u"user_agent").toString(), QStringLiteral("coder-tests"));
        QVERIFY(!QUuid::fromString(entry.value(u"request_id").toString()).isNull());
        QVERIFY(!QByteArray(audit.body).contains("correct-horse-battery"));
    }
    for (const char *expected : {"create/user", "login/api_key", "logout/api_key", "write/user",
                                 "delete/user", "create/api_key", "delete/api_key"})
        QVERIFY2(seen.contains(QLatin1String(expected)), expected);
    // A change names its target and what changed, old and new.
    const auto suspension = std::find_if(logs.begin(), logs.end(), [](const QJsonValue &v) {
        return v.toObject().value(u"resource_target").toString() == u"dave"_qs &&
               v.toObject().value(u"diff").toObject().contains(u"status");
    });
    QVERIFY(suspension != logs.end());
    const QJsonObject suspended = suspension->toObject();
    QCOMPARE(suspended.value(u"action").toString(), QStringLiteral("write"));
    QVERIFY(!QUuid::fromString(suspended.value(u"resource_id").toString()).isNull());
    QVERIFY(!QUuid::fromString(suspended.value(u"user_id").toString()).isNull());
    const QJsonObject statusChange =
        suspended.value(u"diff").toObject().value(u"status").toObject();
    QVERIFY(statusChange.value(u"old").toString() != statusChange.value(u"new").toString());
    QVERIFY(QStringList({u"active"_qs, u"suspended"_qs})
                .contains(statusChange.value(u"new").toString()));
    // Newest first.
    QVERIFY(logs.first().toObject().value(u"time").toString() >=
            logs.last().toObject().value(u"time").toString());
    const ApiReply denied =
        m_api->get(QStringLiteral("/api/v2/audit"),
                   m_api->login(u"heidi@example.com"_qs, u"correct-horse-battery"_qs));
    QCOMPARE(denied.status, 403);
}

void TestIdentityApi::loginRateLimit()
{
    CoderdFixture limited;
    CODER_START_CODERD(limited, {QStringLiteral("--login-rate-limit"), QStringLiteral("3")});
    ApiTestClient &api = limited.api();
    int refused = 0;
    QByteArray retryAfter;
    for (int i = 0; i < 6; ++i) {
        const ApiReply reply =
            api.post(QStringLiteral("/api/v2/users/login"),
                     {{u"email"_qs, u"a@example.com"_qs}, {u"password"_qs, u"whatever-it-is"_qs}});
        if (reply.status == 429) {
            ++refused;
            retryAfter = reply.header("retry-after");
        } else {
            QCOMPARE(reply.status, 401);
        }
    }
    QVERIFY(refused >= 3);
    QVERIFY(retryAfter.toInt() >= 1);
}

void TestIdentityApi::dataDirAndDatabaseArePrivate()
{
    if (m_coderd.isPostgres())
        QSKIP("the PostgreSQL backend keeps no database file in the data dir");
    const QFileInfo dir(m_coderd.dataDir());
    QCOMPARE(dir.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                  QFile::ReadOther | QFile::WriteOther | QFile::ExeOther),
             QFile::Permissions());
    const QFileInfo db(m_coderd.dataDir() + QStringLiteral("/coder.db"));
    QVERIFY(db.exists());
    QCOMPARE(db.permissions() &
                 (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFile::Permissions());
}

QTEST_GUILESS_MAIN(TestIdentityApi)
#include "test_identity_api.moc"
