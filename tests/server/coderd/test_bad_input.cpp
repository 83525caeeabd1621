// Bad input to the identity API: each case gets a JSON error with the right status that names
// the problem, never a 5xx, and nothing is half-written.
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"

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
    void provisioningBodies_data();
    void provisioningBodies();
    void provisioningNothingHalfWritten();
    void cleanupTestCase();

private:
    CoderdFixture m_coderd;
    QByteArray m_owner;
    int m_usersBefore = 0;
    QString m_templateId;
    QString m_workspaceId;
};

void TestBadInput::initTestCase()
{
    CODER_START_CODERD(m_coderd, {QStringLiteral("--login-rate-limit"), QStringLiteral("0")});
    m_owner = m_coderd.api().setupOwner();
    QVERIFY(!m_owner.isEmpty());
    QVERIFY(!m_coderd.api().createUser(m_owner, QStringLiteral("taken")).isEmpty());
    m_usersBefore =
        m_coderd.api().get(QStringLiteral("/api/v2/users"), m_owner).json().value(u"count").toInt();

    // A template and a running workspace for the provisioning routes' bodies.
    const QJsonObject tmpl =
        pushTemplate(m_coderd.api(), m_owner, u"bad-input"_qs, exampleTemplateDir());
    QVERIFY(!tmpl.isEmpty());
    m_templateId = tmpl.value(u"id").toString();
    const QJsonObject ws =
        createWorkspace(m_coderd.api(), m_owner, u"me"_qs, m_templateId, u"bad-input-ws"_qs);
    QVERIFY(!ws.isEmpty());
    m_workspaceId = ws.value(u"id").toString();
    const QJsonObject build = waitForBuild(
        m_coderd.api(), m_owner, ws.value(u"latest_build").toObject().value(u"id").toString());
    QCOMPARE(build.value(u"status").toString(), u"running"_qs);
}

void TestBadInput::cleanupTestCase()
{
    if (m_workspaceId.isEmpty())
        return;
    const ApiReply deleted =
        m_coderd.api().post(u"/api/v2/workspaces/%1/builds"_qs.arg(m_workspaceId),
                            {{u"transition"_qs, u"delete"_qs}}, m_owner);
    QCOMPARE(deleted.status, 201);
    QCOMPARE(waitForBuild(m_coderd.api(), m_owner, deleted.json().value(u"id").toString())
                 .value(u"status")
                 .toString(),
             u"deleted"_qs);
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

// Bodies of the provisioning routes that change something: malformed JSON, the wrong shape,
// fields of the wrong type. Each is a 400 JSON error naming the field; none is a 5xx.
void TestBadInput::provisioningBodies_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path"); // {template}, {workspace} replaced
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field"); // expected in "validations", or empty

    const QList<QPair<QByteArray, QString>> routes{
        {"POST", u"/api/v2/organizations/default/templateversions"_qs},
        {"POST", u"/api/v2/organizations/default/templates"_qs},
        {"PATCH", u"/api/v2/templates/{template}"_qs},
        {"PATCH", u"/api/v2/templates/{template}/versions"_qs},
        {"POST", u"/api/v2/users/me/workspaces"_qs},
        {"PATCH", u"/api/v2/workspaces/{workspace}"_qs},
        {"PUT", u"/api/v2/workspaces/{workspace}/autostart"_qs},
        {"PUT", u"/api/v2/workspaces/{workspace}/ttl"_qs},
        {"PUT", u"/api/v2/workspaces/{workspace}/extend"_qs},
        {"POST", u"/api/v2/workspaces/{workspace}/builds"_qs},
    };
    const QList<QPair<const char *, QByteArray>> malformed{
        {"truncated", "{\"name\":"}, {"array", "[1,2]"},
        {"string", "\"text\""},      {"null", "null"},
        {"empty", QByteArray()},     {"garbage", "\xff\xfe{"},
    };
    for (const auto &[method, path] : routes)
        for (const auto &[what, body] : malformed)
            QTest::addRow("%s %s: %s", method.constData(), qPrintable(path), what)
                << method << path << body << QString();

    auto row = [](const char *name, const char *method, const QString &path, const char *body,
                  const QString &field) {
        QTest::newRow(name) << QByteArray(method) << path << QByteArray(body) << field;
    };
    const QString versions = u"/api/v2/organizations/default/templateversions"_qs;
    row("version file_id number", "POST", versions, R"({"file_id":5})", u"file_id"_qs);
    row("version tags not strings", "POST", versions,
        R"({"file_id":"00000000-0000-4000-8000-000000000001","tags":{"a":1}})", u"tags"_qs);
    row("version provisioner number", "POST", versions,
        R"({"file_id":"00000000-0000-4000-8000-000000000001","provisioner":1})", u"provisioner"_qs);
    row("version name too long", "POST", versions,
        qPrintable(u"{\"file_id\":\"00000000-0000-4000-8000-000000000001\",\"name\":\""_qs +
                   QString(65, u'n') + u"\"}"_qs),
        u"name"_qs);
    const QString templates = u"/api/v2/organizations/default/templates"_qs;
    row("template name number", "POST", templates, R"({"name":5})", u"name"_qs);
    row("template version id number", "POST", templates,
        R"({"name":"fine","template_version_id":5})", u"template_version_id"_qs);
    row("template ttl string", "POST", templates,
        R"({"name":"fine","template_version_id":"00000000-0000-4000-8000-000000000001","default_ttl_ms":"1h"})",
        u"default_ttl_ms"_qs);
    row("template flag string", "POST", templates,
        R"({"name":"fine","template_version_id":"00000000-0000-4000-8000-000000000001","allow_user_autostart":"yes"})",
        u"allow_user_autostart"_qs);
    row("template patch icon number", "PATCH", u"/api/v2/templates/{template}"_qs, R"({"icon":5})",
        u"icon"_qs);
    row("template patch ttl fraction", "PATCH", u"/api/v2/templates/{template}"_qs,
        R"({"default_ttl_ms":1.5})", u"default_ttl_ms"_qs);
    row("active version id number", "PATCH", u"/api/v2/templates/{template}/versions"_qs,
        R"({"id":5})", u"id"_qs);
    const QString create = u"/api/v2/users/me/workspaces"_qs;
    row("workspace name list", "POST", create, R"({"name":["x"],"template_id":"{template}"})",
        u"name"_qs);
    row("workspace template id number", "POST", create, R"({"name":"fine","template_id":5})",
        u"template_id"_qs);
    row("workspace ttl string", "POST", create,
        R"({"name":"fine","template_id":"{template}","ttl_ms":"1h"})", u"ttl_ms"_qs);
    row("workspace schedule number", "POST", create,
        R"({"name":"fine","template_id":"{template}","autostart_schedule":5})",
        u"autostart_schedule"_qs);
    row("workspace parameters not objects", "POST", create,
        R"({"name":"fine","template_id":"{template}","rich_parameter_values":[1]})",
        u"rich_parameter_values"_qs);
    row("workspace parameter value number", "POST", create,
        R"({"name":"fine","template_id":"{template}","rich_parameter_values":[{"name":"cpus","value":3}]})",
        u"rich_parameter_values"_qs);
    row("rename number", "PATCH", u"/api/v2/workspaces/{workspace}"_qs, R"({"name":5})",
        u"name"_qs);
    row("rename missing", "PATCH", u"/api/v2/workspaces/{workspace}"_qs, R"({})", u"name"_qs);
    row("autostart number", "PUT", u"/api/v2/workspaces/{workspace}/autostart"_qs,
        R"({"schedule":5})", u"schedule"_qs);
    row("ttl fraction", "PUT", u"/api/v2/workspaces/{workspace}/ttl"_qs, R"({"ttl_ms":1.5})",
        u"ttl_ms"_qs);
    row("ttl huge", "PUT", u"/api/v2/workspaces/{workspace}/ttl"_qs, R"({"ttl_ms":1e300})",
        u"ttl_ms"_qs);
    row("extend missing", "PUT", u"/api/v2/workspaces/{workspace}/extend"_qs, R"({})",
        u"deadline"_qs);
    row("extend number", "PUT", u"/api/v2/workspaces/{workspace}/extend"_qs, R"({"deadline":5})",
        u"deadline"_qs);
    const QString builds = u"/api/v2/workspaces/{workspace}/builds"_qs;
    row("build transition missing", "POST", builds, R"({})", u"transition"_qs);
    row("build transition number", "POST", builds, R"({"transition":5})", u"transition"_qs);
    row("build version number", "POST", builds, R"({"transition":"stop","template_version_id":5})",
        u"template_version_id"_qs);
    row("build parameters string", "POST", builds,
        R"({"transition":"stop","rich_parameter_values":"cpus=3"})", u"rich_parameter_values"_qs);
    row("build parameters not objects", "POST", builds,
        R"({"transition":"stop","rich_parameter_values":[1]})", u"rich_parameter_values"_qs);
    row("build parameter value number", "POST", builds,
        R"({"transition":"stop","rich_parameter_values":[{"name":"greeting","value":3}]})",
        u"rich_parameter_values"_qs);
}

void TestBadInput::provisioningBodies()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    path.replace(u"{template}"_qs, m_templateId).replace(u"{workspace}"_qs, m_workspaceId);
    body.replace("{template}", m_templateId.toLatin1());
    const ApiReply reply = m_coderd.api().request(method, path, m_owner, body);
    QVERIFY2(reply.status == 400,
             qPrintable(
                 QStringLiteral("got %1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body))));
    QVERIFY(reply.header("content-type").startsWith("application/json"));
    QVERIFY(!reply.json().value(u"message").toString().isEmpty());
    if (!field.isEmpty()) {
        QVERIFY2(reply.invalidFields().contains(field), reply.body.constData());
    }
}

void TestBadInput::provisioningNothingHalfWritten()
{
    ApiTestClient &api = m_coderd.api();
    // The workspace still runs its one build, under its name; the template is unchanged.
    const QJsonObject ws = api.get(u"/api/v2/workspaces/"_qs + m_workspaceId, m_owner).json();
    QCOMPARE(ws.value(u"name").toString(), u"bad-input-ws"_qs);
    QCOMPARE(ws.value(u"latest_build").toObject().value(u"build_number").toInt(), 1);
    QCOMPARE(ws.value(u"latest_build").toObject().value(u"status").toString(), u"running"_qs);
    QVERIFY(ws.value(u"ttl_ms").isNull());
    QVERIFY(ws.value(u"autostart_schedule").isNull());
    QCOMPARE(api.get(u"/api/v2/workspaces"_qs, m_owner).json().value(u"count").toInt(), 1);
    const QJsonArray templates =
        api.get(u"/api/v2/organizations/default/templates"_qs, m_owner).array();
    QCOMPARE(templates.size(), 1);
    QCOMPARE(templates.first().toObject().value(u"icon").toString(), QString());
    QCOMPARE(templates.first().toObject().value(u"default_ttl_ms").toInteger(), 0);
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "test_bad_input.moc"
