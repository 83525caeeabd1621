// Template archives, template versions, templates and provisioner daemons through the API of a
// real coderd with its built-in provisioner daemons (the process provisioner): every route, the
// job statuses and logs a user sees, and the checks on what is pushed.
#include "core/template_archive.h"
#include "provisioning_suite.h"

#include <QDir>
#include <QFile>
#include <QUuid>
#include <QtTest>

using namespace coder::test;

class TestProvisioningApi : public QObject, protected ProvisioningSuite
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void files();
    void templateVersions();
    void templateVersionLogsFollow();
    void invalidTemplateVersions();
    void templates();
    void activeVersion();
    void deleteTemplate();
    void provisionerDaemons();
    void cancelPendingJobs();
};

void TestProvisioningApi::initTestCase()
{
    CODER_START_CODERD(m_coderd, serverArguments());
    QVERIFY(setUpScenario());
}

void TestProvisioningApi::cleanupTestCase()
{
    QVERIFY(tearDownScenario());
}

void TestProvisioningApi::files()
{
    // Unique bytes, so the first upload is a new file whatever ran before.
    const QString dir = scratchDir(u"files"_qs);
    QVERIFY(QDir().mkpath(dir));
    QFile nonce(dir + u"/nonce.txt"_qs);
    QVERIFY(nonce.open(QIODevice::WriteOnly));
    nonce.write(QUuid::createUuid().toByteArray());
    nonce.close();
    auto tar = coder::core::TemplateArchive::pack(dir);
    QVERIFY2(tar, qPrintable(tar ? QString() : tar.error()));

    const QString files = u"/api/v2/files"_qs;
    const ApiReply first = api().request("POST", files, m_owner, *tar, "application/x-tar");
    QVERIFY2(first.status == 201, qPrintable(describe(first)));
    const QString id = first.json().value(u"hash").toString();
    QVERIFY(!QUuid::fromString(id).isNull());

    const ApiReply again = api().request("POST", files, m_owner, *tar, "application/x-tar");
    QVERIFY2(again.status == 200, qPrintable(describe(again)));
    QCOMPARE(again.json().value(u"hash").toString(), id);
    // Another user uploading the same bytes gets the same file.
    const ApiReply byAdmin =
        api().request("POST", files, m_templateAdmin, *tar, "application/x-tar");
    QCOMPARE(byAdmin.status, 200);
    QCOMPARE(byAdmin.json().value(u"hash").toString(), id);

    const ApiReply wrongType = api().request("POST", files, m_owner, *tar, "application/json");
    QVERIFY2(wrongType.status == 400, qPrintable(describe(wrongType)));
    QVERIFY(wrongType.json().value(u"message").toString().contains(u"application/json"));

    const ApiReply notTar = api().request("POST", files, m_owner, "just some text, not an archive",
                                          "application/x-tar");
    QVERIFY2(notTar.status == 400, qPrintable(describe(notTar)));
    QVERIFY(!notTar.json().value(u"message").toString().isEmpty());

    // The limit is 10 MiB: exactly that is taken (a tar padded with zero blocks), one more
    // byte is refused before anything is stored.
    constexpr qsizetype limit = 10 * 1024 * 1024;
    QByteArray padded = *tar;
    padded.append(QByteArray(limit - padded.size(), '\0'));
    const ApiReply atLimit = api().request("POST", files, m_owner, padded, "application/x-tar");
    QVERIFY2(atLimit.status == 201, qPrintable(describe(atLimit)));
    padded.append('\0');
    const ApiReply overLimit = api().request("POST", files, m_owner, padded, "application/x-tar");
    QVERIFY2(overLimit.status == 413, qPrintable(describe(overLimit)));
    QVERIFY(!overLimit.json().value(u"message").toString().isEmpty());
    QCOMPARE(api().get(u"/healthz"_qs).status, 200);

    const ApiReply download = api().get(files + u'/' + id, m_owner);
    QCOMPARE(download.status, 200);
    QCOMPARE(download.body, *tar);
    QVERIFY(download.header("content-type").startsWith("application/x-tar"));
    QCOMPARE(api()
                 .get(files + u'/' + QUuid::createUuid().toString(QUuid::WithoutBraces), m_owner)
                 .status,
             404);
    QCOMPARE(api().get(files + u"/not-a-uuid"_qs, m_owner).status, 400);

    // Members build from templates but do not push them.
    const ApiReply byMember = api().request("POST", files, m_member, *tar, "application/x-tar");
    QVERIFY2(byMember.status == 403, qPrintable(describe(byMember)));
    QCOMPARE(api().request("POST", files, {}, *tar, "application/x-tar").status, 401);
}

void TestProvisioningApi::templateVersions()
{
    const QString fileId = uploadTemplateDir(api(), m_owner, exampleTemplateDir());
    QVERIFY(!fileId.isEmpty());
    const QJsonObject created = createVersion(
        api(), m_owner, fileId, {{u"name"_qs, u"v-one"_qs}, {u"message"_qs, u"first"_qs}});
    QVERIFY(!created.isEmpty());
    const QString id = idOf(created);
    QCOMPARE(created.value(u"name").toString(), u"v-one"_qs);
    QCOMPARE(created.value(u"message").toString(), u"first"_qs);
    QVERIFY(created.value(u"template_id").isNull());
    QCOMPARE(created.value(u"created_by").toObject().value(u"username").toString(), u"admin"_qs);
    const QJsonObject org = api().get(u"/api/v2/organizations/default"_qs, m_owner).json();
    QCOMPARE(created.value(u"organization_id").toString(), idOf(org));
    QVERIFY(org.value(u"is_default").toBool());
    QCOMPARE(api().get(u"/api/v2/organizations/"_qs + idOf(org), m_member).json().value(u"name"),
             org.value(u"name"));
    QCOMPARE(api()
                 .get(u"/api/v2/organizations/"_qs + org.value(u"name").toString(), m_member)
                 .json()
                 .value(u"id")
                 .toString(),
             idOf(org));
    const QJsonObject job = created.value(u"job").toObject();
    QCOMPARE(job.value(u"type").toString(), u"template_version_import"_qs);
    QCOMPARE(job.value(u"input").toObject().value(u"template_version_id").toString(), id);
    QCOMPARE(job.value(u"file_id").toString(), fileId);
    QVERIFY(QStringList({u"pending"_qs, u"running"_qs, u"succeeded"_qs})
                .contains(job.value(u"status").toString()));

    const QString path = u"/api/v2/templateversions/"_qs + id;
    const QJsonObject done = waitForJob(api(), m_owner, path);
    QCOMPARE(jobStatusOf(done), u"succeeded"_qs);
    const QJsonObject doneJob = done.value(u"job").toObject();
    QVERIFY(!doneJob.value(u"started_at").isNull());
    QVERIFY(!doneJob.value(u"completed_at").isNull());
    QVERIFY(!doneJob.value(u"worker_id").isNull());
    QCOMPARE(doneJob.value(u"error").toString(), QString());
    QVERIFY(done.value(u"readme").toString().contains(u"Local workspaces"));
    // Members read versions too (they build from them).
    QCOMPARE(api().get(path, m_member).status, 200);
    QCOMPARE(api()
                 .get(u"/api/v2/templateversions/"_qs +
                          QUuid::createUuid().toString(QUuid::WithoutBraces),
                      m_owner)
                 .status,
             404);

    // Logs as JSON: ordered ids, the import's summary line among them.
    const QJsonArray logs = api().get(path + u"/logs"_qs, m_owner).array();
    QVERIFY(!logs.isEmpty());
    qint64 previous = 0;
    bool summary = false;
    for (const QJsonValue &value : logs) {
        const QJsonObject log = value.toObject();
        QVERIFY(log.value(u"id").toInteger() > previous);
        previous = log.value(u"id").toInteger();
        QVERIFY(!log.value(u"created_at").toString().isEmpty());
        QVERIFY(QStringList({u"provisioner_daemon"_qs, u"provisioner"_qs})
                    .contains(log.value(u"log_source").toString()));
        QVERIFY(QStringList({u"trace"_qs, u"debug"_qs, u"info"_qs, u"warn"_qs, u"error"_qs})
                    .contains(log.value(u"log_level").toString()));
        summary = summary || log.value(u"output").toString().contains(u"2 parameters, 2 resources");
    }
    QVERIFY2(summary, QJsonDocument(logs).toJson().constData());
    const qint64 firstId = logs.first().toObject().value(u"id").toInteger();
    QCOMPARE(
        api().get(path + u"/logs?after="_qs + QString::number(firstId), m_owner).array().size(),
        logs.size() - 1);
    const ApiReply badAfter = api().get(path + u"/logs?after=-1"_qs, m_owner);
    QCOMPARE(badAfter.status, 400);
    QVERIFY(badAfter.invalidFields().contains(u"after"_qs));

    // Following the logs of a finished job: everything, then a normal close.
    WebSocketCollector follow;
    QVERIFY2(follow.open(m_coderd.url(), path + u"/logs?follow"_qs, m_owner),
             qPrintable(follow.error()));
    QVERIFY(follow.waitForClose());
    QCOMPARE(follow.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QCOMPARE(follow.messages().size(), logs.size());
    WebSocketCollector followAfter;
    QVERIFY(followAfter.open(
        m_coderd.url(), path + u"/logs?follow&after="_qs + QString::number(previous), m_owner));
    QVERIFY(followAfter.waitForClose());
    QCOMPARE(followAfter.messages().size(), 0);

    // What the import found.
    const ApiReply params = api().get(path + u"/rich-parameters"_qs, m_member);
    QCOMPARE(params.status, 200);
    const QJsonArray parameters = params.array();
    QCOMPARE(namesOf(parameters), QStringList({u"greeting"_qs, u"cpus"_qs}));
    const QJsonObject greeting = parameters.at(0).toObject();
    QCOMPARE(greeting.value(u"type").toString(), u"string"_qs);
    QCOMPARE(greeting.value(u"default_value").toString(), u"Hello from Coder"_qs);
    QCOMPARE(greeting.value(u"mutable").toBool(), true);
    QCOMPARE(greeting.value(u"required").toBool(), false);
    QVERIFY(!greeting.value(u"validation_regex").toString().isEmpty());
    QVERIFY(!greeting.contains(u"validation_min")); // omitempty, as Coder
    const QJsonObject cpus = parameters.at(1).toObject();
    QCOMPARE(cpus.value(u"type").toString(), u"number"_qs);
    QCOMPARE(cpus.value(u"default_value").toString(), u"2"_qs);
    QCOMPARE(cpus.value(u"mutable").toBool(), false);
    QCOMPARE(cpus.value(u"validation_min").toInt(), 1);
    QCOMPARE(cpus.value(u"validation_max").toInt(), 8);

    const ApiReply resources = api().get(path + u"/resources"_qs, m_member);
    QCOMPARE(resources.status, 200);
    const QJsonArray list = resources.array();
    QCOMPARE(namesOf(list), QStringList({u"home"_qs, u"workspace"_qs}));
    QCOMPARE(list.at(0).toObject().value(u"type").toString(), u"home_directory"_qs);
    const QJsonArray agents = list.at(1).toObject().value(u"agents").toArray();
    QCOMPARE(namesOf(agents), QStringList({u"main"_qs}));
    const QJsonObject agent = agents.at(0).toObject();
    QCOMPARE(agent.value(u"operating_system").toString(), u"linux"_qs);
    const QJsonArray apps = agent.value(u"apps").toArray();
    QCOMPARE(apps.size(), 1);
    QCOMPARE(apps.at(0).toObject().value(u"slug").toString(), u"web"_qs);
    QCOMPARE(apps.at(0).toObject().value(u"url").toString(), u"http://localhost:8000"_qs);

    // A finished job cannot be canceled.
    const ApiReply cancel = api().request("PATCH", path + u"/cancel"_qs, m_owner);
    QVERIFY2(cancel.status == 400, qPrintable(describe(cancel)));
    QCOMPARE(jobStatusOf(api().get(path, m_owner).json()), u"succeeded"_qs);
}

void TestProvisioningApi::templateVersionLogsFollow()
{
    // Following from the moment the version exists: every log arrives, then a normal close.
    const QString fileId = uploadTemplateDir(api(), m_owner, exampleTemplateDir());
    const QJsonObject created = createVersion(api(), m_owner, fileId);
    QVERIFY(!created.isEmpty());
    QVERIFY(!created.value(u"name").toString().isEmpty()); // a generated name
    const QString path = u"/api/v2/templateversions/"_qs + idOf(created);
    WebSocketCollector follow;
    QVERIFY2(follow.open(m_coderd.url(), path + u"/logs?follow"_qs, m_owner),
             qPrintable(follow.error()));
    QVERIFY(follow.waitForClose());
    QCOMPARE(follow.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QCOMPARE(jobStatusOf(api().get(path, m_owner).json()), u"succeeded"_qs);
    const QJsonArray logs = api().get(path + u"/logs"_qs, m_owner).array();
    QVERIFY(!logs.isEmpty());
    const QList<QJsonObject> streamed = follow.objects();
    QCOMPARE(streamed.size(), logs.size());
    QCOMPARE(streamed.last().value(u"id").toInteger(),
             logs.last().toObject().value(u"id").toInteger());
    QCOMPARE(streamed.last().value(u"output").toString(),
             logs.last().toObject().value(u"output").toString());

    // Not for anonymous callers; a refused upgrade never becomes a WebSocket.
    WebSocketCollector anonymous;
    QVERIFY(!anonymous.open(m_coderd.url(), path + u"/logs?follow"_qs, {}));
}

void TestProvisioningApi::invalidTemplateVersions()
{
    const QString versions = u"/api/v2/organizations/default/templateversions"_qs;
    const QString fileId = uploadTemplateDir(api(), m_owner, exampleTemplateDir());

    const ApiReply unknownFile =
        api().post(versions,
                   {{u"storage_method"_qs, u"file"_qs},
                    {u"file_id"_qs, QUuid::createUuid().toString(QUuid::WithoutBraces)}},
                   m_owner);
    QVERIFY2(unknownFile.status == 400, qPrintable(describe(unknownFile)));
    QVERIFY(unknownFile.invalidFields().contains(u"file_id"_qs));
    const ApiReply badFile = api().post(
        versions, {{u"storage_method"_qs, u"file"_qs}, {u"file_id"_qs, u"nope"_qs}}, m_owner);
    QCOMPARE(badFile.status, 400);
    QVERIFY(badFile.invalidFields().contains(u"file_id"_qs));
    const ApiReply noFile = api().post(versions, {{u"storage_method"_qs, u"file"_qs}}, m_owner);
    QCOMPARE(noFile.status, 400);
    QVERIFY(noFile.invalidFields().contains(u"file_id"_qs));
    const ApiReply badProvisioner = api().post(versions,
                                               {{u"storage_method"_qs, u"file"_qs},
                                                {u"file_id"_qs, fileId},
                                                {u"provisioner"_qs, u"terraform"_qs}},
                                               m_owner);
    QVERIFY2(badProvisioner.status == 400, qPrintable(describe(badProvisioner)));
    QVERIFY(badProvisioner.invalidFields().contains(u"provisioner"_qs));
    const ApiReply badStorage =
        api().post(versions, {{u"storage_method"_qs, u"s3"_qs}, {u"file_id"_qs, fileId}}, m_owner);
    QCOMPARE(badStorage.status, 400);
    QVERIFY(badStorage.invalidFields().contains(u"storage_method"_qs));
    const ApiReply unknownTemplate =
        api().post(versions,
                   {{u"file_id"_qs, fileId},
                    {u"template_id"_qs, QUuid::createUuid().toString(QUuid::WithoutBraces)}},
                   m_owner);
    QCOMPARE(unknownTemplate.status, 400);
    QVERIFY(unknownTemplate.invalidFields().contains(u"template_id"_qs));
    const ApiReply unknownOrg = api().post(u"/api/v2/organizations/no-such-org/templateversions"_qs,
                                           {{u"file_id"_qs, fileId}}, m_owner);
    QCOMPARE(unknownOrg.status, 404);

    // An invalid template.json: the import fails and says which field is wrong.
    const QJsonObject broken{{u"provisioner"_qs, u"process"_qs},
                             {u"parameters"_qs, QJsonArray{parameter(u"size"_qs, u"numbr"_qs)}}};
    const QString brokenFile =
        uploadTemplateDir(api(), m_owner, writeTemplate(scratchDir(u"broken"_qs), broken));
    const QJsonObject version = createVersion(api(), m_owner, brokenFile);
    const QString path = u"/api/v2/templateversions/"_qs + idOf(version);
    const QJsonObject failed = waitForJob(api(), m_owner, path);
    QCOMPARE(jobStatusOf(failed), u"failed"_qs);
    const QString error = failed.value(u"job").toObject().value(u"error").toString();
    QVERIFY2(error.contains(u"parameters[0].type"), qPrintable(error));
    bool logged = false;
    for (const QJsonValue &log : api().get(path + u"/logs"_qs, m_owner).array())
        logged = logged || (log[u"log_level"].toString() == u"error" &&
                            log[u"output"].toString().contains(u"parameters[0].type"));
    QVERIFY(logged);
    const ApiReply notImported = api().get(path + u"/rich-parameters"_qs, m_owner);
    QCOMPARE(notImported.status, 400);
    QCOMPARE(api().get(path + u"/resources"_qs, m_owner).status, 400);

    // A version for the docker provisioner made of a process template fails its import too.
    const QJsonObject mismatch =
        createVersion(api(), m_owner, fileId, {{u"provisioner"_qs, u"docker"_qs}});
    const QJsonObject mismatched =
        waitForJob(api(), m_owner, u"/api/v2/templateversions/"_qs + idOf(mismatch));
    QCOMPARE(jobStatusOf(mismatched), u"failed"_qs);
    QVERIFY(mismatched.value(u"job").toObject().value(u"error").toString().contains(u"docker"));

    // Neither becomes a template.
    const ApiReply fromFailed = api().post(
        u"/api/v2/organizations/default/templates"_qs,
        {{u"name"_qs, u"broken"_qs}, {u"template_version_id"_qs, idOf(version)}}, m_owner);
    QVERIFY2(fromFailed.status == 400, qPrintable(describe(fromFailed)));
    QVERIFY(fromFailed.invalidFields().contains(u"template_version_id"_qs));
    QCOMPARE(api().get(u"/api/v2/organizations/default/templates/broken"_qs, m_owner).status, 404);
}

void TestProvisioningApi::templates()
{
    const QString templates = u"/api/v2/organizations/default/templates"_qs;
    const QJsonObject local = api().get(u"/api/v2/templates/"_qs + m_templateId, m_member).json();
    QCOMPARE(local.value(u"name").toString(), u"local"_qs);
    QCOMPARE(local.value(u"provisioner").toString(), u"process"_qs);
    QCOMPARE(local.value(u"active_version_id").toString(), m_versionId);
    QCOMPARE(local.value(u"created_by_name").toString(), u"admin"_qs);
    QVERIFY(!local.value(u"organization_name").toString().isEmpty());
    QCOMPARE(local.value(u"default_ttl_ms").toInteger(), 0);
    QCOMPARE(local.value(u"allow_user_cancel_workspace_jobs").toBool(), true);
    QCOMPARE(local.value(u"deprecated").toBool(), false);

    const QJsonObject byName = api().get(templates + u"/local"_qs, m_member).json();
    QCOMPARE(idOf(byName), m_templateId);
    QCOMPARE(api().get(templates + u"/LOCAL"_qs, m_member).status, 200);
    QCOMPARE(api().get(templates + u"/nothing"_qs, m_member).status, 404);
    QCOMPARE(api()
                 .get(u"/api/v2/templates/"_qs + QUuid::createUuid().toString(QUuid::WithoutBraces),
                      m_member)
                 .status,
             404);
    QCOMPARE(api().get(u"/api/v2/templates/not-a-uuid"_qs, m_member).status, 400);
    const ApiReply list = api().get(templates, m_member);
    QCOMPARE(list.status, 200);
    QVERIFY(namesOf(list.array()).contains(u"local"_qs));

    // A second template from a fresh version; the name must be free.
    const QString fileId = uploadTemplateDir(api(), m_owner, exampleTemplateDir());
    const QJsonObject version = createVersion(api(), m_owner, fileId);
    QCOMPARE(
        jobStatusOf(waitForJob(api(), m_owner, u"/api/v2/templateversions/"_qs + idOf(version))),
        u"succeeded"_qs);
    const ApiReply duplicate = api().post(
        templates, {{u"name"_qs, u"Local"_qs}, {u"template_version_id"_qs, idOf(version)}},
        m_owner);
    QVERIFY2(duplicate.status == 409, qPrintable(describe(duplicate)));
    QVERIFY(duplicate.invalidFields().contains(u"name"_qs) ||
            !duplicate.json().value(u"message").toString().isEmpty());
    const ApiReply badName = api().post(
        templates, {{u"name"_qs, u"not a name"_qs}, {u"template_version_id"_qs, idOf(version)}},
        m_owner);
    QCOMPARE(badName.status, 400);
    QVERIFY(badName.invalidFields().contains(u"name"_qs));
    const ApiReply noVersion = api().post(templates, {{u"name"_qs, u"empty"_qs}}, m_owner);
    QCOMPARE(noVersion.status, 400);
    QVERIFY(noVersion.invalidFields().contains(u"template_version_id"_qs));
    const ApiReply created = api().post(templates,
                                        {{u"name"_qs, u"second"_qs},
                                         {u"display_name"_qs, u"Second one"_qs},
                                         {u"description"_qs, u"For tests"_qs},
                                         {u"default_ttl_ms"_qs, 3'600'000},
                                         {u"template_version_id"_qs, idOf(version)}},
                                        m_owner);
    QVERIFY2(created.status == 201, qPrintable(describe(created)));
    const QJsonObject second = created.json();
    QCOMPARE(second.value(u"display_name").toString(), u"Second one"_qs);
    QCOMPARE(second.value(u"default_ttl_ms").toInteger(), 3'600'000);
    QCOMPARE(api()
                 .get(u"/api/v2/templateversions/"_qs + idOf(version), m_owner)
                 .json()
                 .value(u"template_id")
                 .toString(),
             idOf(second));

    // A version belongs to one template: it cannot found another one.
    const ApiReply reused = api().post(
        templates, {{u"name"_qs, u"third"_qs}, {u"template_version_id"_qs, m_versionId}}, m_owner);
    QVERIFY2(reused.status == 400, qPrintable(describe(reused)));
    QVERIFY(reused.invalidFields().contains(u"template_version_id"_qs));
    QCOMPARE(api()
                 .get(u"/api/v2/templateversions/"_qs + m_versionId, m_owner)
                 .json()
                 .value(u"template_id")
                 .toString(),
             m_templateId);

    // PATCH: the fields given change, the others stay.
    const QString path = u"/api/v2/templates/"_qs + idOf(second);
    const ApiReply patched = patchJson(api(), path,
                                       {{u"description"_qs, u"Changed"_qs},
                                        {u"icon"_qs, u"/icon/code.svg"_qs},
                                        {u"default_ttl_ms"_qs, 7'200'000},
                                        {u"allow_user_autostart"_qs, false}},
                                       m_owner);
    QVERIFY2(patched.status == 200, qPrintable(describe(patched)));
    const QJsonObject after = api().get(path, m_member).json();
    QCOMPARE(after.value(u"description").toString(), u"Changed"_qs);
    QCOMPARE(after.value(u"icon").toString(), u"/icon/code.svg"_qs);
    QCOMPARE(after.value(u"default_ttl_ms").toInteger(), 7'200'000);
    QCOMPARE(after.value(u"allow_user_autostart").toBool(), false);
    QCOMPARE(after.value(u"display_name").toString(), u"Second one"_qs);
    QCOMPARE(after.value(u"name").toString(), u"second"_qs);

    struct Bad
    {
        QJsonObject body;
        QString field;
    };
    const QList<Bad> bad{
        {{{u"name"_qs, u"bad name"_qs}}, u"name"_qs},
        {{{u"name"_qs, u""_qs}}, u"name"_qs},
        {{{u"display_name"_qs, QString(65, u'x')}}, u"display_name"_qs},
        {{{u"description"_qs, QString(129, u'x')}}, u"description"_qs},
        {{{u"default_ttl_ms"_qs, -1}}, u"default_ttl_ms"_qs},
        {{{u"default_ttl_ms"_qs, 8LL * 24 * 3600 * 1000}}, u"default_ttl_ms"_qs},
        {{{u"default_ttl_ms"_qs, u"1h"_qs}}, u"default_ttl_ms"_qs},
        {{{u"allow_user_autostop"_qs, u"yes"_qs}}, u"allow_user_autostop"_qs},
    };
    for (const Bad &b : bad) {
        const ApiReply reply = patchJson(api(), path, b.body, m_owner);
        QVERIFY2(reply.status == 400, qPrintable(describe(reply)));
        QVERIFY2(reply.invalidFields().contains(b.field), reply.body.constData());
    }
    QCOMPARE(api().get(path, m_owner).json().value(u"description").toString(), u"Changed"_qs);
    const ApiReply taken = patchJson(api(), path, {{u"name"_qs, u"local"_qs}}, m_owner);
    QVERIFY2(taken.status == 409, qPrintable(describe(taken)));
    const ApiReply renamed = patchJson(api(), path, {{u"name"_qs, u"second-renamed"_qs}}, m_owner);
    QCOMPARE(renamed.status, 200);
    QCOMPARE(idOf(api().get(templates + u"/second-renamed"_qs, m_member).json()), idOf(second));
    QCOMPARE(api().get(templates + u"/second"_qs, m_member).status, 404);
    // Members read templates but do not change them.
    QCOMPARE(patchJson(api(), path, {{u"description"_qs, u"mine"_qs}}, m_member).status, 403);
}

void TestProvisioningApi::activeVersion()
{
    const QJsonObject tmpl = pushTemplate(api(), m_owner, u"versioned"_qs, exampleTemplateDir());
    QVERIFY(!tmpl.isEmpty());
    const QString path = u"/api/v2/templates/"_qs + idOf(tmpl);
    const QString firstVersion = tmpl.value(u"active_version_id").toString();

    const QString fileId = uploadTemplateDir(api(), m_owner, exampleTemplateDir());
    const QJsonObject next = createVersion(
        api(), m_owner, fileId, {{u"template_id"_qs, idOf(tmpl)}, {u"name"_qs, u"v2"_qs}});
    QVERIFY(!next.isEmpty());
    QCOMPARE(next.value(u"template_id").toString(), idOf(tmpl));
    QCOMPARE(jobStatusOf(waitForJob(api(), m_owner, u"/api/v2/templateversions/"_qs + idOf(next))),
             u"succeeded"_qs);
    // Version names are unique within a template.
    const ApiReply sameName = api().post(u"/api/v2/organizations/default/templateversions"_qs,
                                         {{u"storage_method"_qs, u"file"_qs},
                                          {u"file_id"_qs, fileId},
                                          {u"template_id"_qs, idOf(tmpl)},
                                          {u"name"_qs, u"V2"_qs}},
                                         m_owner);
    QVERIFY2(sameName.status == 409, qPrintable(describe(sameName)));

    const ApiReply versions = api().get(path + u"/versions"_qs, m_member);
    QCOMPARE(versions.status, 200);
    QStringList ids;
    for (const QJsonValue &v : versions.array())
        ids.append(idOf(v.toObject()));
    QCOMPARE(ids.size(), 2);
    QVERIFY(ids.contains(firstVersion) && ids.contains(idOf(next)));
    QCOMPARE(idOf(api().get(path + u"/versions/v2"_qs, m_member).json()), idOf(next));
    QCOMPARE(api().get(path + u"/versions/v3"_qs, m_member).status, 404);

    const ApiReply activated =
        patchJson(api(), path + u"/versions"_qs, {{u"id"_qs, idOf(next)}}, m_owner);
    QVERIFY2(activated.status == 200, qPrintable(describe(activated)));
    QCOMPARE(activated.json().value(u"message").toString(),
             u"Updated the active template version!"_qs);
    QCOMPARE(api().get(path, m_member).json().value(u"active_version_id").toString(), idOf(next));

    // A version of another template, an unknown one, a failed one: refused, nothing changes.
    const ApiReply foreign =
        patchJson(api(), path + u"/versions"_qs, {{u"id"_qs, m_versionId}}, m_owner);
    QVERIFY2(foreign.status == 400, qPrintable(describe(foreign)));
    QVERIFY(foreign.invalidFields().contains(u"id"_qs));
    const ApiReply unknown =
        patchJson(api(), path + u"/versions"_qs,
                  {{u"id"_qs, QUuid::createUuid().toString(QUuid::WithoutBraces)}}, m_owner);
    QCOMPARE(unknown.status, 400);
    QCOMPARE(patchJson(api(), path + u"/versions"_qs, {{u"id"_qs, u"x"_qs}}, m_owner).status, 400);
    const QJsonObject broken{{u"provisioner"_qs, u"process"_qs}, {u"resources"_qs, u"none"_qs}};
    const QString brokenFile =
        uploadTemplateDir(api(), m_owner, writeTemplate(scratchDir(u"broken-v"_qs), broken));
    const QJsonObject failed =
        createVersion(api(), m_owner, brokenFile, {{u"template_id"_qs, idOf(tmpl)}});
    QCOMPARE(
        jobStatusOf(waitForJob(api(), m_owner, u"/api/v2/templateversions/"_qs + idOf(failed))),
        u"failed"_qs);
    const ApiReply notImported =
        patchJson(api(), path + u"/versions"_qs, {{u"id"_qs, idOf(failed)}}, m_owner);
    QVERIFY2(notImported.status == 400, qPrintable(describe(notImported)));
    QCOMPARE(api().get(path, m_member).json().value(u"active_version_id").toString(), idOf(next));
    QCOMPARE(patchJson(api(), path + u"/versions"_qs, {{u"id"_qs, firstVersion}}, m_member).status,
             403);

    // A new workspace gets the active version; an older one is "outdated" after a change.
    const QJsonObject ws = startWorkspace(m_member, u"me"_qs, u"versioned-ws"_qs, idOf(tmpl));
    QCOMPARE(ws.value(u"latest_build").toObject().value(u"template_version_id").toString(),
             idOf(next));
    QCOMPARE(ws.value(u"outdated").toBool(), false);
    QCOMPARE(patchJson(api(), path + u"/versions"_qs, {{u"id"_qs, firstVersion}}, m_owner).status,
             200);
    QCOMPARE(workspace(idOf(ws)).value(u"outdated").toBool(), true);
    // A build may name another version of the workspace's template, not one of another template.
    const ApiReply otherTemplate = api().post(
        QStringLiteral("/api/v2/workspaces/%1/builds").arg(idOf(ws)),
        {{u"transition"_qs, u"stop"_qs}, {u"template_version_id"_qs, m_versionId}}, m_member);
    QVERIFY2(otherTemplate.status == 400, qPrintable(describe(otherTemplate)));
    QVERIFY(otherTemplate.invalidFields().contains(u"template_version_id"_qs));
    const QJsonObject updated =
        build(m_member, idOf(ws), u"stop"_qs, {{u"template_version_id"_qs, firstVersion}});
    QCOMPARE(statusOf(updated), u"stopped"_qs);
    QCOMPARE(updated.value(u"template_version_id").toString(), firstVersion);
    QCOMPARE(workspace(idOf(ws)).value(u"outdated").toBool(), false);
    QCOMPARE(statusOf(build(m_member, idOf(ws), u"delete"_qs)), u"deleted"_qs);
}

void TestProvisioningApi::deleteTemplate()
{
    const QJsonObject tmpl = pushTemplate(api(), m_owner, u"doomed"_qs, exampleTemplateDir());
    QVERIFY(!tmpl.isEmpty());
    const QString path = u"/api/v2/templates/"_qs + idOf(tmpl);
    const QJsonObject ws = startWorkspace(m_member, u"me"_qs, u"doomed-ws"_qs, idOf(tmpl));
    QCOMPARE(statusOf(ws.value(u"latest_build").toObject()), u"running"_qs);

    QCOMPARE(api().del(path, m_member).status, 403);
    const ApiReply inUse = api().del(path, m_owner);
    QVERIFY2(inUse.status == 409, qPrintable(describe(inUse)));
    QCOMPARE(api().get(path, m_owner).status, 200);

    QCOMPARE(statusOf(build(m_member, idOf(ws), u"delete"_qs)), u"deleted"_qs);
    const ApiReply deleted = api().del(path, m_owner);
    QVERIFY2(deleted.status == 200, qPrintable(describe(deleted)));
    QCOMPARE(deleted.json().value(u"message").toString(), u"Template has been deleted!"_qs);
    QCOMPARE(api().get(path, m_owner).status, 404);
    QCOMPARE(api().get(u"/api/v2/organizations/default/templates/doomed"_qs, m_owner).status, 404);
    QVERIFY(!namesOf(api().get(u"/api/v2/organizations/default/templates"_qs, m_owner).array())
                 .contains(u"doomed"_qs));
    QCOMPARE(api().del(path, m_owner).status, 404);
    const ApiReply noWorkspace =
        api().post(u"/api/v2/users/me/workspaces"_qs,
                   {{u"template_id"_qs, idOf(tmpl)}, {u"name"_qs, u"too-late"_qs}}, m_member);
    QCOMPARE(noWorkspace.status, 400);
    QVERIFY(noWorkspace.invalidFields().contains(u"template_id"_qs));
    // The name is free again.
    QVERIFY(!pushTemplate(api(), m_owner, u"doomed"_qs, exampleTemplateDir()).isEmpty());
}

void TestProvisioningApi::provisionerDaemons()
{
    const ApiReply reply = api().get(u"/api/v2/provisionerdaemons"_qs, m_owner);
    QCOMPARE(reply.status, 200);
    const QJsonArray daemons = reply.array();
    QCOMPARE(daemons.size(), 3);
    QSet<QString> names;
    for (const QJsonValue &value : daemons) {
        const QJsonObject daemon = value.toObject();
        QVERIFY(!QUuid::fromString(idOf(daemon)).isNull());
        names.insert(daemon.value(u"name").toString());
        QVERIFY(daemon.value(u"name").toString().contains(u"built-in"));
        QVERIFY(QDateTime::fromString(daemon.value(u"last_seen_at").toString(), Qt::ISODateWithMs)
                    .isValid());
        QVERIFY(!daemon.value(u"created_at").toString().isEmpty());
        QVERIFY(!daemon.value(u"version").toString().isEmpty());
        const QJsonArray provisioners = daemon.value(u"provisioners").toArray();
        QVERIFY(provisioners.contains(u"process"_qs));
        QVERIFY(provisioners.contains(u"docker"_qs));
        QVERIFY(daemon.value(u"tags").isObject());
    }
    QCOMPARE(names.size(), 3);
    QCOMPARE(api().get(u"/api/v2/provisionerdaemons"_qs, m_templateAdmin).status, 200);
    QCOMPARE(api().get(u"/api/v2/provisionerdaemons"_qs, m_member).status, 403);
    QCOMPARE(api().get(u"/api/v2/provisionerdaemons"_qs).status, 401);
}

void TestProvisioningApi::cancelPendingJobs()
{
    // A server of its own whose jobs nobody runs: push a template with daemons, then restart
    // the same deployment without them.
    CoderdFixture coderd;
    CODER_START_CODERD(coderd, {u"--login-rate-limit"_qs, u"0"_qs});
    const QByteArray owner = coderd.api().setupOwner();
    const QByteArray member = coderd.api().createUser(owner, u"dave"_qs);
    QVERIFY(!owner.isEmpty() && !member.isEmpty());
    const QJsonObject tmpl = pushTemplate(coderd.api(), owner, u"local"_qs, exampleTemplateDir());
    QVERIFY(!tmpl.isEmpty());
    const QStringList previous = coderd.process().process().arguments();
    const qsizetype dataDir = previous.indexOf(u"--data-dir"_qs);
    QVERIFY(dataDir > 0);
    const QStringList extra = previous.mid(dataDir + 2);
    QCOMPARE(coderd.stop(), 0);
    QVERIFY(coderd.process().start(extra + QStringList{u"--provisioner-daemons"_qs, u"0"_qs}));
    ApiTestClient api(coderd.process().url());

    const QJsonObject ws = createWorkspace(api, member, u"me"_qs, idOf(tmpl), u"never-runs"_qs);
    QVERIFY(!ws.isEmpty());
    const QJsonObject pending = ws.value(u"latest_build").toObject();
    QCOMPARE(statusOf(pending), u"pending"_qs);
    const QString buildPath = u"/api/v2/workspacebuilds/"_qs + idOf(pending);
    QCOMPARE(statusOf(api.get(buildPath, member).json()), u"pending"_qs);
    const ApiReply busy = api.post(u"/api/v2/workspaces/"_qs + idOf(ws) + u"/builds"_qs,
                                   {{u"transition"_qs, u"delete"_qs}}, member);
    QVERIFY2(busy.status == 409, qPrintable(describe(busy)));

    // A template that does not let users cancel: only template managers may.
    const QString templatePath = u"/api/v2/templates/"_qs + idOf(tmpl);
    QCOMPARE(patchJson(api, templatePath, {{u"allow_user_cancel_workspace_jobs"_qs, false}}, owner)
                 .status,
             200);
    const ApiReply refused = api.request("PATCH", buildPath + u"/cancel"_qs, member);
    QVERIFY2(refused.status == 403, qPrintable(describe(refused)));
    QCOMPARE(patchJson(api, templatePath, {{u"allow_user_cancel_workspace_jobs"_qs, true}}, owner)
                 .status,
             200);

    const ApiReply canceled = api.request("PATCH", buildPath + u"/cancel"_qs, member);
    QVERIFY2(canceled.status == 200, qPrintable(describe(canceled)));
    const QJsonObject after = api.get(buildPath, member).json();
    QCOMPARE(statusOf(after), u"canceled"_qs);
    const QJsonObject job = after.value(u"job").toObject();
    QCOMPARE(job.value(u"status").toString(), u"canceled"_qs);
    QVERIFY(!job.value(u"canceled_at").isNull());
    QVERIFY(!job.value(u"completed_at").isNull());
    QVERIFY(job.value(u"started_at").isNull());
    QCOMPARE(statusOf(api.get(u"/api/v2/workspaces/"_qs + idOf(ws), member)
                          .json()
                          .value(u"latest_build")
                          .toObject()),
             u"canceled"_qs);
    QCOMPARE(api.request("PATCH", buildPath + u"/cancel"_qs, member).status, 400);
    QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, idOf(ws)), 0);
    // A following build is accepted (and waits for a daemon).
    const ApiReply next = api.post(u"/api/v2/workspaces/"_qs + idOf(ws) + u"/builds"_qs,
                                   {{u"transition"_qs, u"delete"_qs}}, member);
    QVERIFY2(next.status == 201, qPrintable(describe(next)));
    QCOMPARE(statusOf(next.json()), u"pending"_qs);
    QCOMPARE(api.request("PATCH",
                         u"/api/v2/workspacebuilds/"_qs + idOf(next.json()) + u"/cancel"_qs, owner)
                 .status,
             200);

    // A pending template import is canceled the same way.
    const QString fileId = uploadTemplateDir(api, owner, exampleTemplateDir());
    const QJsonObject version = createVersion(api, owner, fileId);
    QCOMPARE(jobStatusOf(version), u"pending"_qs);
    const QString versionPath = u"/api/v2/templateversions/"_qs + idOf(version);
    QCOMPARE(api.request("PATCH", versionPath + u"/cancel"_qs, member).status, 403);
    const ApiReply versionCanceled = api.request("PATCH", versionPath + u"/cancel"_qs, owner);
    QVERIFY2(versionCanceled.status == 200, qPrintable(describe(versionCanceled)));
    QCOMPARE(versionCanceled.json().value(u"message").toString(), u"Job successfully canceled"_qs);
    QCOMPARE(jobStatusOf(api.get(versionPath, owner).json()), u"canceled"_qs);
    QCOMPARE(api.request("PATCH", versionPath + u"/cancel"_qs, owner).status, 400);
    const ApiReply fromCanceled =
        api.post(u"/api/v2/organizations/default/templates"_qs,
                 {{u"name"_qs, u"canceled"_qs}, {u"template_version_id"_qs, idOf(version)}}, owner);
    QCOMPARE(fromCanceled.status, 400);
}

QTEST_GUILESS_MAIN(TestProvisioningApi)
#include "test_provisioning_api.moc"
