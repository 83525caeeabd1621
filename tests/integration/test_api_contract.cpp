// The contract between coderd and core's API types (the one wire format), against a real coderd
// on each backend: every response type coderd sends decodes with core's decoder and encodes
// back to the very same JSON (nothing lost, nothing added, every field the type writes present),
// and carries the fields Coder's API documents for it (resources/api/coder_fields.json: v2.16's,
// less those listed as absent there, with why; any key beyond them must be listed as extra).
#include "core/agent_types.h"
#include "core/api_error.h"
#include "core/api_types.h"
#include "core/workspace_types.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace coder;
using namespace coder::test;
using namespace Qt::StringLiterals;

namespace {

// Coder's documented keys of each type, read once.
const QJsonObject &coderTypes()
{
    static const QJsonObject types = [] {
        QFile file(qEnvironmentVariable("CODER_SOURCE_DIR") +
                   u"/resources/api/coder_fields.json"_s);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        return QJsonDocument::fromJson(file.readAll()).object().value(u"types").toObject();
    }();
    return types;
}

// Objects inside a type that are types of their own: (type, key) -> the nested type.
const QHash<QPair<QString, QString>, QString> &nestedTypes()
{
    static const QHash<QPair<QString, QString>, QString> nested{
        {{u"UsersPage"_s, u"users"_s}, u"User"_s},
        {{u"AuditLogsPage"_s, u"audit_logs"_s}, u"AuditLog"_s},
        {{u"AuditLog"_s, u"user"_s}, u"User"_s},
        {{u"TemplateVersion"_s, u"job"_s}, u"ProvisionerJob"_s},
        {{u"TemplateVersion"_s, u"created_by"_s}, u"MinimalUser"_s},
        {{u"WorkspacesPage"_s, u"workspaces"_s}, u"Workspace"_s},
        {{u"Workspace"_s, u"latest_build"_s}, u"WorkspaceBuild"_s},
        {{u"WorkspaceBuild"_s, u"job"_s}, u"ProvisionerJob"_s},
        {{u"WorkspaceBuild"_s, u"resources"_s}, u"WorkspaceResource"_s},
        {{u"WorkspaceResource"_s, u"agents"_s}, u"WorkspaceAgent"_s},
        {{u"WorkspaceAgent"_s, u"apps"_s}, u"WorkspaceApp"_s},
    };
    return nested;
}

// What of object (of Coder's type `type`, at `where`) breaks the documented contract; each
// nested object of a type of its own is checked too. Types counts each type seen.
QStringList coderProblems(const QJsonObject &object, const QString &type, const QString &where,
                          QSet<QString> &seen)
{
    seen.insert(type);
    const QJsonObject spec = coderTypes().value(type).toObject();
    if (spec.isEmpty())
        return {where + u": no entry for "_s + type + u" in coder_fields.json"_s};
    QStringList problems;
    const QJsonObject absent = spec.value(u"absent").toObject();
    QSet<QString> allowed;
    for (const char *list : {"always", "omitempty"})
        for (const QJsonValue &key : spec.value(QLatin1String(list)).toArray())
            allowed.insert(key.toString());
    for (const QJsonValue &key : spec.value(u"always").toArray())
        if (!object.contains(key.toString()) && !absent.contains(key.toString()))
            problems.append(u"%1: %2 has no \"%3\""_s.arg(where, type, key.toString()));
    const QJsonObject extra = spec.value(u"extra").toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!allowed.contains(it.key()) && !extra.contains(it.key()))
            problems.append(
                u"%1: %2 sends \"%3\", which Coder does not document and "
                "coder_fields.json does not list as extra"_s.arg(where, type, it.key()));
        const QString nested = nestedTypes().value({type, it.key()});
        if (nested.isEmpty())
            continue;
        const QString path = where + u'.' + it.key();
        if (it.value().isObject())
            problems += coderProblems(it.value().toObject(), nested, path, seen);
        else if (it.value().isArray())
            for (const QJsonValue &item : it.value().toArray())
                problems += coderProblems(item.toObject(), nested, path + u"[]"_s, seen);
    }
    return problems;
}

// The body decoded as T and encoded again: the same JSON, or what differs.
template <typename T> QString roundTrip(const QJsonValue &sent)
{
    auto decoded = core::json::fromJson<T>(sent);
    if (!decoded)
        return u"core cannot decode it: "_s + decoded.error();
    const QJsonValue back = core::json::parse(core::json::toJson(*decoded));
    if (back == sent)
        return {};
    return u"decoded and encoded again it differs:\nsent: %1\nback: %2"_s.arg(
        QString::fromUtf8(
            QJsonDocument::fromVariant(sent.toVariant()).toJson(QJsonDocument::Compact)),
        QString::fromUtf8(
            QJsonDocument::fromVariant(back.toVariant()).toJson(QJsonDocument::Compact)));
}

} // namespace

class TestApiContract : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void identityResponses();
    void provisioningResponses();
    void actionAndErrorBodies();
    void everyDocumentedTypeWasSeen();

private:
    // reply (status 200 unless said) is core type T, and Coder's `coderType` (or a list of it).
    template <typename T>
    void holds(const ApiReply &reply, const QString &coderType, int status = 200)
    {
        QVERIFY2(
            reply.status == status,
            qPrintable(u"status %1: %2"_s.arg(reply.status).arg(QString::fromUtf8(reply.body))));
        const QJsonValue sent = core::json::parse(reply.body);
        const QString problem = roundTrip<T>(sent);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        if (coderType.isEmpty())
            return;
        QStringList problems;
        if (sent.isArray()) {
            QVERIFY2(!sent.toArray().isEmpty(), "an empty list proves nothing");
            for (const QJsonValue &item : sent.toArray())
                problems += coderProblems(item.toObject(), coderType, coderType + u"[]"_s, m_seen);
        } else {
            problems = coderProblems(sent.toObject(), coderType, coderType, m_seen);
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    }

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QString m_templateId;
    QString m_versionId;
    QString m_workspaceId;
    QString m_buildId;
    QSet<QString> m_seen;
};

void TestApiContract::initTestCase()
{
    CODER_START_CODERD(m_coderd);
    ApiTestClient &api = m_coderd.api();
    m_owner = api.setupOwner();
    QVERIFY(!m_owner.isEmpty());
    QVERIFY(!api.createUser(m_owner, u"member"_s).isEmpty()); // for lists of two
    QVERIFY(
        api.post(u"/api/v2/users/me/keys/tokens"_s, {{u"token_name"_s, u"ci"_s}}, m_owner).status ==
        201);
    const QJsonObject tmpl = pushTemplate(api, m_owner, u"local"_s, exampleTemplateDir());
    QVERIFY(!tmpl.isEmpty());
    m_templateId = tmpl.value(u"id").toString();
    m_versionId = tmpl.value(u"active_version_id").toString();
    const QJsonObject workspace = createWorkspace(api, m_owner, u"me"_s, m_templateId, u"dev"_s);
    m_workspaceId = workspace.value(u"id").toString();
    m_buildId = workspace.value(u"latest_build").toObject().value(u"id").toString();
    QCOMPARE(waitForBuild(api, m_owner, m_buildId).value(u"job").toObject().value(u"status"),
             QJsonValue(u"succeeded"_s));
}

// The workspace's agent is a process of this machine: it goes with the workspace.
void TestApiContract::cleanupTestCase()
{
    ApiTestClient &api = m_coderd.api();
    const auto deleting = api.post(u"/api/v2/workspaces/%1/builds"_s.arg(m_workspaceId),
                                   {{u"transition"_s, u"delete"_s}}, m_owner);
    if (deleting.status == 201)
        waitForBuild(api, m_owner, deleting.json().value(u"id").toString());
}

void TestApiContract::identityResponses()
{
    ApiTestClient &api = m_coderd.api();
    holds<core::User>(api.get(u"/api/v2/users/me"_s, m_owner), u"User"_s);
    holds<core::UsersPage>(api.get(u"/api/v2/users"_s, m_owner), u"UsersPage"_s);
    holds<core::UserRoles>(api.get(u"/api/v2/users/me/roles"_s, m_owner), {});
    holds<QList<core::ApiKey>>(api.get(u"/api/v2/users/me/keys/tokens"_s, m_owner), u"ApiKey"_s);
    holds<core::Organization>(api.get(u"/api/v2/organizations/default"_s, m_owner),
                              u"Organization"_s);
    holds<core::BuildInfo>(api.get(u"/api/v2/buildinfo"_s), u"BuildInfo"_s);
    holds<core::AuditLogsPage>(api.get(u"/api/v2/audit"_s, m_owner), u"AuditLogsPage"_s);
}

void TestApiContract::provisioningResponses()
{
    ApiTestClient &api = m_coderd.api();
    const QString tmpl = u"/api/v2/templates/"_s + m_templateId;
    const QString version = u"/api/v2/templateversions/"_s + m_versionId;
    const QString build = u"/api/v2/workspacebuilds/"_s + m_buildId;
    holds<core::Template>(api.get(tmpl, m_owner), u"Template"_s);
    holds<QList<core::Template>>(api.get(u"/api/v2/organizations/default/templates"_s, m_owner),
                                 u"Template"_s);
    holds<QList<core::TemplateVersion>>(api.get(tmpl + u"/versions"_s, m_owner),
                                        u"TemplateVersion"_s);
    holds<core::TemplateVersion>(api.get(version, m_owner), u"TemplateVersion"_s);
    holds<QList<core::TemplateVersionParameter>>(api.get(version + u"/rich-parameters"_s, m_owner),
                                                 u"TemplateVersionParameter"_s);
    holds<QList<core::WorkspaceResource>>(api.get(version + u"/resources"_s, m_owner),
                                          u"WorkspaceResource"_s);
    holds<QList<core::ProvisionerJobLog>>(api.get(version + u"/logs"_s, m_owner),
                                          u"ProvisionerJobLog"_s);
    holds<core::WorkspacesPage>(api.get(u"/api/v2/workspaces"_s, m_owner), u"WorkspacesPage"_s);
    holds<core::Workspace>(api.get(u"/api/v2/workspaces/"_s + m_workspaceId, m_owner),
                           u"Workspace"_s);
    holds<core::Workspace>(api.get(u"/api/v2/users/me/workspace/dev"_s, m_owner), u"Workspace"_s);
    holds<QList<core::WorkspaceBuild>>(
        api.get(u"/api/v2/workspaces/%1/builds"_s.arg(m_workspaceId), m_owner),
        u"WorkspaceBuild"_s);
    holds<core::WorkspaceBuild>(api.get(build, m_owner), u"WorkspaceBuild"_s);
    holds<QList<core::ProvisionerJobLog>>(api.get(build + u"/logs"_s, m_owner),
                                          u"ProvisionerJobLog"_s);
    holds<QList<core::WorkspaceBuildParameter>>(api.get(build + u"/parameters"_s, m_owner), {});
    holds<QList<core::ProvisionerDaemon>>(api.get(u"/api/v2/provisionerdaemons"_s, m_owner),
                                          u"ProvisionerDaemon"_s);
    // The workspace's agent (the local example's, `coder agent`) and its startup logs.
    const QJsonObject agent = api.get(u"/api/v2/workspaces/"_s + m_workspaceId, m_owner)
                                  .json()
                                  .value(u"latest_build")
                                  .toObject()
                                  .value(u"resources")
                                  .toArray()
                                  .at(1)
                                  .toObject()
                                  .value(u"agents")
                                  .toArray()
                                  .at(0)
                                  .toObject();
    const QString agentPath = u"/api/v2/workspaceagents/"_s + agent.value(u"id").toString();
    holds<core::WorkspaceAgent>(api.get(agentPath, m_owner), u"WorkspaceAgent"_s);
    holds<QList<core::WorkspaceAgentLog>>(api.get(agentPath + u"/logs"_s, m_owner), {});
}

void TestApiContract::actionAndErrorBodies()
{
    ApiTestClient &api = m_coderd.api();
    holds<core::Message>(api.get(u"/api/v2/users/first"_s), {});
    holds<core::LoginResponse>(
        api.post(u"/api/v2/users/login"_s, {{u"email"_s, u"admin@example.com"_s},
                                            {u"password"_s, u"correct-horse-battery"_s}}),
        {}, 201);
    holds<core::CreateKeyResponse>(api.post(u"/api/v2/users/me/keys/tokens"_s, {}, m_owner), {},
                                   201);
    holds<core::Message>(api.request("PATCH", u"/api/v2/templates/%1/versions"_s.arg(m_templateId),
                                     m_owner,
                                     QJsonDocument(QJsonObject{{u"id"_s, m_versionId}}).toJson()),
                         {});
    // Errors: the plain, the validating and the routing layer's own.
    holds<core::ApiError>(api.get(u"/api/v2/users/me"_s), {}, 401);
    holds<core::ApiError>(api.post(u"/api/v2/users"_s, {{u"email"_s, 5}}, m_owner), {}, 400);
    holds<core::ApiError>(api.get(u"/api/v2/nothing-here"_s, m_owner), {}, 404);
    const ApiReply invalid = api.post(u"/api/v2/users"_s, {{u"email"_s, 5}}, m_owner);
    const core::ApiError error = core::ApiError::fromResponse(invalid.status, invalid.body);
    QVERIFY(error.validations.size() >= 3); // email's type, and username and password missing
    QCOMPARE(error.validations.first().field, u"email"_s);
}

void TestApiContract::everyDocumentedTypeWasSeen()
{
    // Each type in coder_fields.json was met in a response above (so that none goes unchecked).
    for (const QString &type : coderTypes().keys())
        QVERIFY2(m_seen.contains(type), qPrintable(type + u" was never checked"_s));
}

QTEST_GUILESS_MAIN(TestApiContract)
#include "test_api_contract.moc"
