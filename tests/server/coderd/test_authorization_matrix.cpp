// Every identity route x every kind of caller, against a real coderd: the status each gets.
#include "core/template_archive.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"

#include <QTemporaryDir>
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

// Templates, workspaces and builds. The workspace ("{workspace}", its first build "{build}")
// belongs to "workspace-owner", a member; the template ("{template}", version "{version}",
// archive "{file}") was pushed by the owner. Allowed calls are chosen so that they change
// nothing another cell depends on: most are refused after the authorization check (409, 400).
enum ProvisioningSubject {
    PAnonymous,
    PWorkspaceOwner,
    POtherMember,
    PTemplateAdmin,
    PAuditor,
    POwner,
    PSubjectCount
};
const char *const provisioningSubjectNames[PSubjectCount] = {
    "anonymous", "workspace-owner", "other-member", "template-admin", "auditor", "owner"};

struct ProvisioningCase
{
    const char *method;
    // {workspace} {build} {template} {version} {file}; {newversion}: a version made for the
    // cell; {n}: a number unique to the cell.
    const char *path;
    // JSON, with the same placeholders and {deadline} (two hours from now); "{tar}": a new
    // template archive, sent as application/x-tar.
    const char *body;
    int expected[PSubjectCount];
};

const ProvisioningCase provisioningRoutes[] = {
    // Workspaces: owners and the workspace's owner act; template admins only read; other
    // members and auditors do not even see them (404).
    {"GET", "/api/v2/workspaces/{workspace}", "", {401, 200, 404, 200, 404, 200}},
    {"GET",
     "/api/v2/users/workspace-owner/workspace/matrix-ws",
     "",
     {401, 200, 404, 200, 404, 200}},
    {"GET", "/api/v2/workspaces", "", {401, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/workspaces/{workspace}/builds", "", {401, 200, 404, 200, 404, 200}},
    {"POST",
     "/api/v2/workspaces/{workspace}/builds",
     R"({"transition":"start"})",
     {401, 409, 404, 403, 404, 409}},
    {"POST",
     "/api/v2/workspaces/{workspace}/builds",
     R"({"transition":"stop","template_version_id":"00000000-0000-4000-8000-000000000001"})",
     {401, 400, 404, 403, 404, 400}},
    {"POST",
     "/api/v2/workspaces/{workspace}/builds",
     R"({"transition":"delete","template_version_id":"00000000-0000-4000-8000-000000000001"})",
     {401, 400, 404, 403, 404, 400}},
    {"GET", "/api/v2/workspacebuilds/{build}", "", {401, 200, 404, 200, 404, 200}},
    {"GET", "/api/v2/workspacebuilds/{build}/logs", "", {401, 200, 404, 200, 404, 200}},
    {"GET", "/api/v2/workspacebuilds/{build}/parameters", "", {401, 200, 404, 200, 404, 200}},
    {"PATCH", "/api/v2/workspacebuilds/{build}/cancel", "", {401, 400, 404, 403, 404, 400}},
    {"PATCH",
     "/api/v2/workspaces/{workspace}",
     R"({"name":"matrix-ws"})",
     {401, 204, 404, 403, 404, 204}},
    {"PUT",
     "/api/v2/workspaces/{workspace}/autostart",
     R"({"schedule":null})",
     {401, 204, 404, 403, 404, 204}},
    {"PUT",
     "/api/v2/workspaces/{workspace}/ttl",
     R"({"ttl_ms":null})",
     {401, 204, 404, 403, 404, 204}},
    // The workspace has no ttl, so those allowed get "Workspace shutdown is manual".
    {"PUT",
     "/api/v2/workspaces/{workspace}/extend",
     R"({"deadline":"{deadline}"})",
     {401, 400, 404, 403, 404, 400}},
    {"POST",
     "/api/v2/users/workspace-owner/workspaces",
     R"({"name":"new-{n}","template_id":"00000000-0000-4000-8000-000000000001"})",
     {401, 400, 404, 403, 404, 400}},
    // Templates: everyone signed in reads them; template admins and owners push and manage.
    {"POST", "/api/v2/files", "{tar}", {401, 403, 403, 201, 403, 201}},
    {"GET", "/api/v2/files/{file}", "", {401, 403, 403, 200, 403, 200}},
    {"POST",
     "/api/v2/organizations/default/templateversions",
     R"({"storage_method":"file","file_id":"{file}"})",
     {401, 403, 403, 201, 403, 201}},
    {"GET", "/api/v2/templateversions/{version}", "", {401, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v2/templateversions/{version}/rich-parameters",
     "",
     {401, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/templateversions/{version}/resources", "", {401, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/templateversions/{version}/logs", "", {401, 200, 200, 200, 200, 200}},
    {"PATCH", "/api/v2/templateversions/{version}/cancel", "", {401, 403, 403, 400, 403, 400}},
    {"GET", "/api/v2/organizations/default", "", {401, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/organizations/default/templates", "", {401, 200, 200, 200, 200, 200}},
    {"GET", "/api/v2/organizations/default/templates/matrix", "", {401, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v2/organizations/default/templates",
     R"({"name":"made-{n}","template_version_id":"{newversion}"})",
     {401, 403, 403, 201, 403, 201}},
    {"GET", "/api/v2/templates/{template}", "", {401, 200, 200, 200, 200, 200}},
    {"PATCH",
     "/api/v2/templates/{template}",
     R"({"description":"changed by a cell"})",
     {401, 403, 403, 200, 403, 200}},
    {"DELETE", "/api/v2/templates/{template}", "", {401, 403, 403, 409, 403, 409}},
    {"GET", "/api/v2/templates/{template}/versions", "", {401, 200, 200, 200, 200, 200}},
    {"PATCH",
     "/api/v2/templates/{template}/versions",
     R"({"id":"{version}"})",
     {401, 403, 403, 200, 403, 200}},
    {"GET", "/api/v2/provisionerdaemons", "", {401, 403, 403, 200, 403, 200}},
};

} // namespace

class TestAuthorizationMatrix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matrix_data();
    void matrix();
    void provisioning_data();
    void provisioning();
    void workspaceVisibility();
    void cleanupTestCase();

private:
    QByteArray tokenFor(Subject subject, const QByteArray &targetSession, bool fresh);
    QByteArray provisioningToken(ProvisioningSubject subject) const;

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QByteArray m_other;
    QByteArray m_userAdmin;
    QByteArray m_suspended;
    QByteArray m_expired;
    int m_targets = 0;

    QTemporaryDir m_scratch;
    QByteArray m_workspaceOwner;
    QByteArray m_templateAdmin;
    QByteArray m_auditor;
    QString m_workspaceId;
    QString m_buildId;
    QString m_templateId;
    QString m_versionId;
    QString m_fileId;
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

    // A template and a running workspace of a member, for the provisioning matrix.
    m_workspaceOwner = api.createUser(m_owner, QStringLiteral("workspace-owner"));
    m_templateAdmin = api.createUser(m_owner, QStringLiteral("template-admin"),
                                     {QStringLiteral("template-admin")});
    m_auditor = api.createUser(m_owner, QStringLiteral("auditor"), {QStringLiteral("auditor")});
    QVERIFY(!m_workspaceOwner.isEmpty() && !m_templateAdmin.isEmpty() && !m_auditor.isEmpty());
    const QJsonObject tmpl = pushTemplate(api, m_owner, u"matrix"_qs, exampleTemplateDir());
    QVERIFY(!tmpl.isEmpty());
    m_templateId = tmpl.value(u"id").toString();
    m_versionId = tmpl.value(u"active_version_id").toString();
    m_fileId = api.get(u"/api/v2/templateversions/"_qs + m_versionId, m_owner)
                   .json()
                   .value(u"job")
                   .toObject()
                   .value(u"file_id")
                   .toString();
    const QJsonObject ws =
        createWorkspace(api, m_workspaceOwner, u"me"_qs, m_templateId, u"matrix-ws"_qs);
    QVERIFY(!ws.isEmpty());
    m_workspaceId = ws.value(u"id").toString();
    m_buildId = ws.value(u"latest_build").toObject().value(u"id").toString();
    QCOMPARE(waitForBuild(api, m_owner, m_buildId).value(u"status").toString(), u"running"_qs);

    // Ready when the one-second token has expired (no fixed wait for the clock).
    QTRY_COMPARE_WITH_TIMEOUT(api.get(QStringLiteral("/api/v2/users/me"), m_expired).status, 401,
                              10'000);
}

void TestAuthorizationMatrix::cleanupTestCase()
{
    if (m_workspaceId.isEmpty())
        return;
    // Its agent process must not outlive the suite.
    const ApiReply deleted =
        m_coderd.api().post(u"/api/v2/workspaces/%1/builds"_qs.arg(m_workspaceId),
                            {{u"transition"_qs, u"delete"_qs}}, m_owner);
    QCOMPARE(deleted.status, 201);
    QCOMPARE(waitForBuild(m_coderd.api(), m_owner, deleted.json().value(u"id").toString())
                 .value(u"status")
                 .toString(),
             u"deleted"_qs);
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

QByteArray TestAuthorizationMatrix::provisioningToken(ProvisioningSubject subject) const
{
    switch (subject) {
    case PAnonymous:
        return {};
    case PWorkspaceOwner:
        return m_workspaceOwner;
    case POtherMember:
        return m_other;
    case PTemplateAdmin:
        return m_templateAdmin;
    case PAuditor:
        return m_auditor;
    case POwner:
        return m_owner;
    case PSubjectCount:
        break;
    }
    return {};
}

void TestAuthorizationMatrix::provisioning_data()
{
    QTest::addColumn<int>("route");
    QTest::addColumn<int>("subject");
    for (int r = 0; r < int(std::size(provisioningRoutes)); ++r)
        for (int s = 0; s < PSubjectCount; ++s)
            QTest::addRow("%s %s %s as %s", provisioningRoutes[r].method,
                          provisioningRoutes[r].path, provisioningRoutes[r].body,
                          provisioningSubjectNames[s])
                << r << s;
}

void TestAuthorizationMatrix::provisioning()
{
    QFETCH(int, route);
    QFETCH(int, subject);
    const ProvisioningCase &c = provisioningRoutes[route];
    ApiTestClient &api = m_coderd.api();
    const QString n = QString::number(++m_targets);

    QString path = QString::fromLatin1(c.path);
    QByteArray body(c.body);
    QByteArray contentType = "application/json";
    if (path.contains(u"{newversion}")) {
        const QJsonObject version = createVersion(api, m_owner, m_fileId);
        const QString id = version.value(u"id").toString();
        QCOMPARE(waitForJob(api, m_owner, u"/api/v2/templateversions/"_qs + id)
                     .value(u"job")
                     .toObject()
                     .value(u"status")
                     .toString(),
                 u"succeeded"_qs);
        path.replace(u"{newversion}"_qs, id);
    }
    if (body.contains("{newversion}")) {
        const QJsonObject version = createVersion(api, m_owner, m_fileId);
        const QString id = version.value(u"id").toString();
        QCOMPARE(waitForJob(api, m_owner, u"/api/v2/templateversions/"_qs + id)
                     .value(u"job")
                     .toObject()
                     .value(u"status")
                     .toString(),
                 u"succeeded"_qs);
        body.replace("{newversion}", id.toLatin1());
    }
    if (body == "{tar}") {
        // A new archive each time, so an allowed upload is a new file (201).
        const QString dir = m_scratch.filePath(u"upload-"_qs + n);
        QVERIFY(!writeTemplate(dir, {{u"provisioner"_qs, u"process"_qs},
                                     {u"resources"_qs, QJsonArray()},
                                     {u"parameters"_qs, QJsonArray()}})
                     .isEmpty());
        QFile nonce(dir + u"/nonce"_qs);
        QVERIFY(nonce.open(QIODevice::WriteOnly));
        nonce.write(n.toLatin1() + QUuid::createUuid().toByteArray());
        nonce.close();
        auto tar = coder::core::TemplateArchive::pack(dir);
        QVERIFY(tar);
        body = *tar;
        contentType = "application/x-tar";
    }
    const QList<QPair<QString, QString>> values{
        {u"{workspace}"_qs, m_workspaceId},
        {u"{build}"_qs, m_buildId},
        {u"{template}"_qs, m_templateId},
        {u"{version}"_qs, m_versionId},
        {u"{file}"_qs, m_fileId},
        {u"{n}"_qs, n},
        {u"{deadline}"_qs,
         QDateTime::currentDateTimeUtc().addSecs(2 * 3600).toString(Qt::ISODateWithMs)}};
    for (const auto &[placeholder, value] : values) {
        path.replace(placeholder, value);
        if (contentType == "application/json")
            body.replace(placeholder.toLatin1(), value.toLatin1());
    }
    const ApiReply reply = api.request(
        c.method, path, provisioningToken(ProvisioningSubject(subject)), body, contentType);
    QVERIFY2(reply.status == c.expected[subject],
             qPrintable(
                 QStringLiteral("got %1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body))));
    if (reply.status >= 400)
        QVERIFY2(!reply.json().value(u"message").toString().isEmpty(),
                 "errors are JSON with a message");
}

// Lists are filtered, not refused: each caller sees exactly the workspaces they may read.
void TestAuthorizationMatrix::workspaceVisibility()
{
    ApiTestClient &api = m_coderd.api();
    auto visible = [&api](const QByteArray &token) {
        QStringList ids;
        for (const QJsonValue &ws :
             api.get(u"/api/v2/workspaces"_qs, token).json().value(u"workspaces").toArray())
            ids.append(ws.toObject().value(u"id").toString());
        return ids;
    };
    QVERIFY(visible(m_workspaceOwner).contains(m_workspaceId));
    QVERIFY(visible(m_owner).contains(m_workspaceId));
    QVERIFY(visible(m_templateAdmin).contains(m_workspaceId));
    QVERIFY(!visible(m_other).contains(m_workspaceId));
    QVERIFY(!visible(m_auditor).contains(m_workspaceId));
    QCOMPARE(api.get(u"/api/v2/workspaces?q=owner:workspace-owner"_qs, m_other)
                 .json()
                 .value(u"count")
                 .toInt(),
             0);
    QCOMPARE(api.get(u"/api/v2/workspaces?q=owner:workspace-owner"_qs, m_templateAdmin)
                 .json()
                 .value(u"count")
                 .toInt(),
             1);
    // Watching is reading: refused before any upgrade to those who may not read it.
    const QString watch = u"/api/v2/workspaces/"_qs + m_workspaceId + u"/watch-ws"_qs;
    for (const QByteArray &token : {m_other, m_auditor, QByteArray()}) {
        WebSocketCollector refused;
        QVERIFY(!refused.open(m_coderd.url(), watch, token));
    }
    for (const QByteArray &token : {m_workspaceOwner, m_templateAdmin, m_owner}) {
        WebSocketCollector allowed;
        QVERIFY2(allowed.open(m_coderd.url(), watch, token), qPrintable(allowed.error()));
        QVERIFY(allowed.waitForMessages(1));
        allowed.close();
    }
}

QTEST_GUILESS_MAIN(TestAuthorizationMatrix)
#include "test_authorization_matrix.moc"
