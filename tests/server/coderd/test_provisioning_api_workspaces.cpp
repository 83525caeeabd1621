// Workspaces through the API of a real coderd with its built-in provisioner daemons (the process
// provisioner): creating them with parameters and names, reading them by owner and name, renaming,
// lists and their filters and pages, and their schedules (autostart, ttl, deadline extension).
// Their builds are in test_provisioning_api_builds.cpp.
#include "provisioning_suite.h"

#include <QDir>
#include <QFile>
#include <QUuid>
#include <QtTest>

using namespace coder::test;

namespace {

QString rfc3339(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

class TestProvisioningApiWorkspaces : public QObject, protected ProvisioningSuite
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void workspaceParameters();
    void workspaces();
    void workspaceList();
    void workspaceSchedule();
};

void TestProvisioningApiWorkspaces::initTestCase()
{
    CODER_START_CODERD(m_coderd, serverArguments());
    QVERIFY(setUpScenario());
}

void TestProvisioningApiWorkspaces::cleanupTestCase()
{
    QVERIFY(tearDownScenario());
}

void TestProvisioningApiWorkspaces::workspaceParameters()
{
    const QJsonArray parameters{
        parameter(u"region"_qs, u"string"_qs,
                  {{u"default"_qs, u"eu"_qs},
                   {u"mutable"_qs, true},
                   {u"options"_qs,
                    QJsonArray{QJsonObject{{u"name"_qs, u"EU"_qs}, {u"value"_qs, u"eu"_qs}},
                               QJsonObject{{u"name"_qs, u"US"_qs}, {u"value"_qs, u"us"_qs}}}}}),
        parameter(u"size"_qs, u"number"_qs,
                  {{u"default"_qs, 2},
                   {u"mutable"_qs, true},
                   {u"validation"_qs, QJsonObject{{u"min"_qs, 1}, {u"max"_qs, 4}}}}),
        parameter(u"label"_qs, u"string"_qs), // required and immutable
    };
    const QJsonObject tmpl = pushCustom(u"params"_qs, processTemplate(sleepCommand(), parameters));
    QVERIFY(!tmpl.isEmpty());
    const QString create = u"/api/v2/users/me/workspaces"_qs;
    struct Bad
    {
        const char *what;
        QJsonArray values;
        QString field;
    };
    const QList<Bad> bad{
        {"unknown parameter", parameterValues({{u"label"_qs, u"x"_qs}, {u"nope"_qs, u"1"_qs}}),
         u"nope"_qs},
        {"not a number", parameterValues({{u"label"_qs, u"x"_qs}, {u"size"_qs, u"abc"_qs}}),
         u"size"_qs},
        {"out of range", parameterValues({{u"label"_qs, u"x"_qs}, {u"size"_qs, u"9"_qs}}),
         u"size"_qs},
        {"not an option", parameterValues({{u"label"_qs, u"x"_qs}, {u"region"_qs, u"asia"_qs}}),
         u"region"_qs},
        {"required missing", parameterValues({{u"size"_qs, u"3"_qs}}), u"label"_qs},
        {"given twice", parameterValues({{u"label"_qs, u"x"_qs}, {u"label"_qs, u"y"_qs}}),
         u"label"_qs},
    };
    for (const Bad &b : bad) {
        const ApiReply reply = api().post(create,
                                          {{u"template_id"_qs, idOf(tmpl)},
                                           {u"name"_qs, u"params-ws"_qs},
                                           {u"rich_parameter_values"_qs, b.values}},
                                          m_member);
        QVERIFY2(reply.status == 400,
                 qPrintable(QLatin1String(b.what) + u": "_qs + describe(reply)));
        QVERIFY2(reply.invalidFields().contains(u"rich_parameter_values."_qs + b.field),
                 qPrintable(QLatin1String(b.what) + u": "_qs + QString::fromUtf8(reply.body)));
    }
    const ApiReply notArray = api().post(create,
                                         {{u"template_id"_qs, idOf(tmpl)},
                                          {u"name"_qs, u"params-ws"_qs},
                                          {u"rich_parameter_values"_qs, u"label=x"_qs}},
                                         m_member);
    QCOMPARE(notArray.status, 400);
    QVERIFY(notArray.invalidFields().contains(u"rich_parameter_values"_qs));
    // Nothing was created by the refused requests.
    QCOMPARE(api().get(u"/api/v2/users/alice/workspace/params-ws"_qs, m_member).status, 404);

    // Valid values reach the agent's environment.
    const QString label = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject ws = startWorkspace(m_member, u"me"_qs, u"params-ws"_qs, idOf(tmpl),
                                          {{u"label"_qs, label}, {u"size"_qs, u"3"_qs}});
    QCOMPARE(statusOf(ws.value(u"latest_build").toObject()), u"running"_qs);
    // The agent, and in the default bubblewrap sandbox the two bwrap processes above it.
    QVERIFY(countProcessesWithEnv(u"CODER_PARAMETER_LABEL"_qs, label) >= 1);
    const QString buildId = idOf(ws.value(u"latest_build").toObject());
    const ApiReply used =
        api().get(u"/api/v2/workspacebuilds/"_qs + buildId + u"/parameters"_qs, m_member);
    QCOMPARE(used.status, 200);
    QCOMPARE(
        used.array(),
        parameterValues({{u"region"_qs, u"eu"_qs}, {u"size"_qs, u"3"_qs}, {u"label"_qs, label}}));

    // Later builds: an immutable value cannot change, a mutable one can; others carry over.
    const QString builds = QStringLiteral("/api/v2/workspaces/%1/builds").arg(idOf(ws));
    const ApiReply immutable =
        api().post(builds,
                   {{u"transition"_qs, u"stop"_qs},
                    {u"rich_parameter_values"_qs, parameterValues({{u"label"_qs, u"other"_qs}})}},
                   m_member);
    QVERIFY2(immutable.status == 400, qPrintable(describe(immutable)));
    QVERIFY(immutable.invalidFields().contains(u"rich_parameter_values.label"_qs));
    const ApiReply outOfRange =
        api().post(builds,
                   {{u"transition"_qs, u"stop"_qs},
                    {u"rich_parameter_values"_qs, parameterValues({{u"size"_qs, u"0"_qs}})}},
                   m_member);
    QCOMPARE(outOfRange.status, 400);
    QVERIFY(outOfRange.invalidFields().contains(u"rich_parameter_values.size"_qs));
    const QJsonObject stopped =
        build(m_member, idOf(ws), u"stop"_qs,
              {{u"rich_parameter_values"_qs,
                parameterValues({{u"size"_qs, u"4"_qs}, {u"region"_qs, u"us"_qs}})}});
    QCOMPARE(statusOf(stopped), u"stopped"_qs);
    QCOMPARE(
        api()
            .get(u"/api/v2/workspacebuilds/"_qs + idOf(stopped) + u"/parameters"_qs, m_member)
            .array(),
        parameterValues({{u"region"_qs, u"us"_qs}, {u"size"_qs, u"4"_qs}, {u"label"_qs, label}}));
    QCOMPARE(countProcessesWithEnv(u"CODER_PARAMETER_LABEL"_qs, label), 0);

    // Created from a version rather than a template: the same checks, the version's template.
    const QString versionId = tmpl.value(u"active_version_id").toString();
    const ApiReply byVersion =
        api().post(create,
                   {{u"template_version_id"_qs, versionId},
                    {u"name"_qs, u"by-version"_qs},
                    {u"rich_parameter_values"_qs, parameterValues({{u"label"_qs, u"v"_qs}})}},
                   m_member);
    QVERIFY2(byVersion.status == 201, qPrintable(describe(byVersion)));
    track(idOf(byVersion.json()));
    QCOMPARE(byVersion.json().value(u"template_id").toString(), idOf(tmpl));
    QCOMPARE(
        byVersion.json().value(u"latest_build").toObject().value(u"template_version_id").toString(),
        versionId);
    const ApiReply versionMissingLabel = api().post(
        create, {{u"template_version_id"_qs, versionId}, {u"name"_qs, u"by-version-2"_qs}},
        m_member);
    QCOMPARE(versionMissingLabel.status, 400);
    QVERIFY(versionMissingLabel.invalidFields().contains(u"rich_parameter_values.label"_qs));
    const ApiReply mismatch = api().post(create,
                                         {{u"template_id"_qs, m_templateId},
                                          {u"template_version_id"_qs, versionId},
                                          {u"name"_qs, u"mismatch"_qs}},
                                         m_member);
    QCOMPARE(mismatch.status, 400);
    QVERIFY(mismatch.invalidFields().contains(u"template_version_id"_qs));
    QCOMPARE(jobStatusOf(waitForBuild(api(), m_member,
                                      idOf(byVersion.json().value(u"latest_build").toObject()))),
             u"succeeded"_qs);
}

void TestProvisioningApiWorkspaces::workspaces()
{
    const ApiReply created =
        api().post(u"/api/v2/users/alice/workspaces"_qs,
                   {{u"template_id"_qs, m_templateId}, {u"name"_qs, u"ws-one"_qs}}, m_member);
    QVERIFY2(created.status == 201, qPrintable(describe(created)));
    const QJsonObject ws = created.json();
    track(idOf(ws));
    QCOMPARE(ws.value(u"name").toString(), u"ws-one"_qs);
    QCOMPARE(ws.value(u"owner_name").toString(), u"alice"_qs);
    QCOMPARE(ws.value(u"template_id").toString(), m_templateId);
    QCOMPARE(ws.value(u"template_name").toString(), u"local"_qs);
    QCOMPARE(ws.value(u"template_active_version_id").toString(), m_versionId);
    QCOMPARE(ws.value(u"outdated").toBool(), false);
    QVERIFY(ws.value(u"autostart_schedule").isNull());
    QVERIFY(ws.value(u"ttl_ms").isNull());
    const QJsonObject first = ws.value(u"latest_build").toObject();
    QCOMPARE(first.value(u"build_number").toInt(), 1);
    QCOMPARE(first.value(u"transition").toString(), u"start"_qs);
    QCOMPARE(first.value(u"reason").toString(), u"initiator"_qs);
    QCOMPARE(first.value(u"initiator_name").toString(), u"alice"_qs);
    QCOMPARE(first.value(u"workspace_owner_name").toString(), u"alice"_qs);
    QCOMPARE(first.value(u"template_version_id").toString(), m_versionId);
    const QString versionName = api()
                                    .get(u"/api/v2/templateversions/"_qs + m_versionId, m_member)
                                    .json()
                                    .value(u"name")
                                    .toString();
    QVERIFY(!versionName.isEmpty());
    QCOMPARE(first.value(u"template_version_name").toString(), versionName);
    QCOMPARE(ws.value(u"organization_name").toString(), u"coder"_qs);
    QCOMPARE(first.value(u"job").toObject().value(u"type").toString(), u"workspace_build"_qs);
    QCOMPARE(first.value(u"job")
                 .toObject()
                 .value(u"input")
                 .toObject()
                 .value(u"workspace_build_id")
                 .toString(),
             idOf(first));
    QVERIFY(QStringList({u"pending"_qs, u"starting"_qs, u"running"_qs}).contains(statusOf(first)));

    // Names: unique per owner (any case), Coder's name rules.
    const QString create = u"/api/v2/users/me/workspaces"_qs;
    const ApiReply duplicate = api().post(
        create, {{u"template_id"_qs, m_templateId}, {u"name"_qs, u"WS-ONE"_qs}}, m_member);
    QVERIFY2(duplicate.status == 409, qPrintable(describe(duplicate)));
    for (const QString &name : {u"bad name"_qs, u"-lead"_qs, u"trail-"_qs, u"under_score"_qs,
                                QString(33, u'a'), QString()}) {
        const ApiReply reply =
            api().post(create, {{u"template_id"_qs, m_templateId}, {u"name"_qs, name}}, m_member);
        QVERIFY2(reply.status == 400, qPrintable(name + u": "_qs + describe(reply)));
        QVERIFY(reply.invalidFields().contains(u"name"_qs));
    }
    const ApiReply noTemplate = api().post(create, {{u"name"_qs, u"lonely"_qs}}, m_member);
    QCOMPARE(noTemplate.status, 400);
    QVERIFY(noTemplate.invalidFields().contains(u"template_id"_qs));
    const ApiReply unknownTemplate =
        api().post(create,
                   {{u"template_id"_qs, QUuid::createUuid().toString(QUuid::WithoutBraces)},
                    {u"name"_qs, u"lonely"_qs}},
                   m_member);
    QCOMPARE(unknownTemplate.status, 400);
    QVERIFY(unknownTemplate.invalidFields().contains(u"template_id"_qs));
    // Another owner may use the same name.
    const QJsonObject bobs = startWorkspace(m_otherMember, u"me"_qs, u"ws-one"_qs);
    QCOMPARE(bobs.value(u"owner_name").toString(), u"bob"_qs);

    const QJsonObject running = waitForBuild(api(), m_member, idOf(first));
    QCOMPARE(statusOf(running), u"running"_qs);
    const QJsonObject runningJob = running.value(u"job").toObject();
    QVERIFY(!runningJob.value(u"completed_at").isNull());
    QCOMPARE(runningJob.value(u"error").toString(), QString());
    QVERIFY(running.value(u"deadline").isNull()); // no ttl: no autostop
    QStringList resourceNames = namesOf(running.value(u"resources").toArray());
    QCOMPARE(resourceNames, QStringList({u"home"_qs, u"workspace"_qs}));
    QVERIFY(QFileInfo(workspaceDir(idOf(ws)) + u"/home"_qs).isDir());
    QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, idOf(ws)) >= 1);

    // By owner and name, by id.
    const ApiReply byName = api().get(u"/api/v2/users/alice/workspace/ws-one"_qs, m_member);
    QCOMPARE(byName.status, 200);
    QCOMPARE(idOf(byName.json()), idOf(ws));
    QCOMPARE(idOf(api().get(u"/api/v2/users/me/workspace/WS-ONE"_qs, m_member).json()), idOf(ws));
    QCOMPARE(idOf(api().get(u"/api/v2/users/alice/workspace/ws-one"_qs, m_owner).json()), idOf(ws));
    QCOMPARE(api().get(u"/api/v2/users/alice/workspace/nothing"_qs, m_member).status, 404);
    QCOMPARE(
        api()
            .get(u"/api/v2/workspaces/"_qs + QUuid::createUuid().toString(QUuid::WithoutBraces),
                 m_member)
            .status,
        404);
    QCOMPARE(api().get(u"/api/v2/workspaces/zzz"_qs, m_member).status, 400);

    // Rename.
    const QJsonObject two = startWorkspace(m_member, u"me"_qs, u"ws-two"_qs);
    const QString twoPath = u"/api/v2/workspaces/"_qs + idOf(two);
    const ApiReply renamed = patchJson(api(), twoPath, {{u"name"_qs, u"ws-three"_qs}}, m_member);
    QVERIFY2(renamed.status == 204, qPrintable(describe(renamed)));
    QCOMPARE(workspace(idOf(two)).value(u"name").toString(), u"ws-three"_qs);
    const ApiReply clash = patchJson(api(), twoPath, {{u"name"_qs, u"ws-one"_qs}}, m_member);
    QVERIFY2(clash.status == 409, qPrintable(describe(clash)));
    const ApiReply badName = patchJson(api(), twoPath, {{u"name"_qs, u"no way"_qs}}, m_member);
    QCOMPARE(badName.status, 400);
    QVERIFY(badName.invalidFields().contains(u"name"_qs));
    QCOMPARE(workspace(idOf(two)).value(u"name").toString(), u"ws-three"_qs);

    // A deleted workspace is gone (410), unless asked for; its name is free again.
    QCOMPARE(statusOf(build(m_member, idOf(two), u"delete"_qs)), u"deleted"_qs);
    const ApiReply gone = api().get(twoPath, m_member);
    QVERIFY2(gone.status == 410, qPrintable(describe(gone)));
    QVERIFY(!gone.json().value(u"message").toString().isEmpty());
    const ApiReply included = api().get(twoPath + u"?include_deleted=true"_qs, m_member);
    QCOMPARE(included.status, 200);
    QCOMPARE(statusOf(included.json().value(u"latest_build").toObject()), u"deleted"_qs);
    QCOMPARE(api().get(u"/api/v2/users/alice/workspace/ws-three"_qs, m_member).status, 404);
    const ApiReply byNameDeleted =
        api().get(u"/api/v2/users/alice/workspace/ws-three?include_deleted=true"_qs, m_member);
    QVERIFY2(byNameDeleted.status == 200, qPrintable(describe(byNameDeleted)));
    QCOMPARE(idOf(byNameDeleted.json()), idOf(two));
    QCOMPARE(patchJson(api(), twoPath, {{u"name"_qs, u"ws-four"_qs}}, m_member).status, 410);
    const ApiReply reuse = api().post(
        create, {{u"template_id"_qs, m_templateId}, {u"name"_qs, u"ws-three"_qs}}, m_member);
    QVERIFY2(reuse.status == 201, qPrintable(describe(reuse)));
    track(idOf(reuse.json()));
    QCOMPARE(jobStatusOf(waitForBuild(api(), m_member,
                                      idOf(reuse.json().value(u"latest_build").toObject()))),
             u"succeeded"_qs);
    // With a live workspace of that name, that one is meant.
    QCOMPARE(
        idOf(api()
                 .get(u"/api/v2/users/alice/workspace/ws-three?include_deleted=true"_qs, m_member)
                 .json()),
        idOf(reuse.json()));
}

void TestProvisioningApiWorkspaces::workspaceList()
{
    // carol's own workspaces, so counts do not depend on the other test functions.
    const QByteArray carol = api().createUser(m_owner, u"carol"_qs);
    QVERIFY(!carol.isEmpty());
    const QJsonObject a = startWorkspace(carol, u"me"_qs, u"list-a"_qs);
    const QJsonObject b = startWorkspace(carol, u"me"_qs, u"list-b"_qs);
    const QJsonObject c = startWorkspace(carol, u"me"_qs, u"other-c"_qs);
    QVERIFY(!a.isEmpty() && !b.isEmpty() && !c.isEmpty());
    QCOMPARE(statusOf(build(carol, idOf(c), u"stop"_qs)), u"stopped"_qs);

    auto list = [this](const QString &query, const QByteArray &token) {
        const ApiReply reply = api().get(u"/api/v2/workspaces"_qs + query, token);
        if (reply.status != 200)
            qWarning("%s: %s", qPrintable(query), qPrintable(describe(reply)));
        return reply.json();
    };
    auto names = [](const QJsonObject &page) {
        QStringList result = namesOf(page.value(u"workspaces").toArray());
        result.sort();
        return result;
    };
    QJsonObject all = list(QString(), carol);
    QCOMPARE(names(all), QStringList({u"list-a"_qs, u"list-b"_qs, u"other-c"_qs}));
    QCOMPARE(all.value(u"count").toInt(), 3);
    // A listed workspace carries the names its own route shows.
    const QJsonObject listedC = all.value(u"workspaces").toArray().at(2).toObject();
    QCOMPARE(listedC.value(u"name").toString(), u"other-c"_qs);
    for (const char *field : {"organization_name", "owner_name", "template_name"})
        QCOMPARE(listedC.value(QLatin1String(field)), c.value(QLatin1String(field)));
    const QJsonObject listedBuild = listedC.value(u"latest_build").toObject();
    QCOMPARE(listedBuild.value(u"transition").toString(), u"stop"_qs);
    QCOMPARE(listedBuild.value(u"initiator_name").toString(), u"carol"_qs);
    QCOMPARE(listedBuild.value(u"template_version_name"),
             c.value(u"latest_build").toObject().value(u"template_version_name"));
    QCOMPARE(names(list(u"?q=owner:me"_qs, carol)), names(all));
    QCOMPARE(names(list(u"?q=owner:carol"_qs, m_owner)), names(all));
    QCOMPARE(names(list(u"?q=owner:carol%20name:list"_qs, m_owner)),
             QStringList({u"list-a"_qs, u"list-b"_qs}));
    QCOMPARE(names(list(u"?q=name:list-b"_qs, carol)), QStringList({u"list-b"_qs}));
    QCOMPARE(names(list(u"?q=template:local"_qs, carol)), names(all));
    QCOMPARE(list(u"?q=template:nothing"_qs, carol).value(u"count").toInt(), 0);
    QCOMPARE(names(list(u"?q=status:running"_qs, carol)),
             QStringList({u"list-a"_qs, u"list-b"_qs}));
    QCOMPARE(names(list(u"?q=status:stopped"_qs, carol)), QStringList({u"other-c"_qs}));
    QCOMPARE(names(list(u"?q=owner:me%20status:stopped"_qs, carol)), QStringList({u"other-c"_qs}));
    QCOMPARE(list(u"?q=status:stopped"_qs, carol).value(u"count").toInt(), 1);
    // A member asking for someone else's workspaces gets none; an owner sees everyone's.
    QCOMPARE(list(u"?q=owner:carol"_qs, m_member).value(u"count").toInt(), 0);
    QVERIFY(list(QString(), m_owner).value(u"count").toInt() > 3);

    // Pages: count is the total, pages do not overlap.
    const QJsonObject page1 = list(u"?limit=2"_qs, carol);
    const QJsonObject page2 = list(u"?limit=2&offset=2"_qs, carol);
    QCOMPARE(page1.value(u"workspaces").toArray().size(), 2);
    QCOMPARE(page2.value(u"workspaces").toArray().size(), 1);
    QCOMPARE(page1.value(u"count").toInt(), 3);
    QCOMPARE(page2.value(u"count").toInt(), 3);
    QStringList paged = names(page1) + names(page2);
    paged.sort();
    QCOMPARE(paged, names(all));
    const QJsonObject beyond = list(u"?limit=1&offset=5"_qs, carol);
    QCOMPARE(beyond.value(u"workspaces").toArray().size(), 0);
    QCOMPARE(beyond.value(u"count").toInt(), 3);
    // Without a limit too: the count is the total, not what the offset skipped.
    const QJsonObject skipped = list(u"?offset=1"_qs, carol);
    QCOMPARE(skipped.value(u"workspaces").toArray().size(), 2);
    QCOMPARE(skipped.value(u"count").toInt(), 3);
    const QJsonObject skippedAll = list(u"?offset=5"_qs, carol);
    QCOMPARE(skippedAll.value(u"workspaces").toArray().size(), 0);
    QCOMPARE(skippedAll.value(u"count").toInt(), 3);

    for (const QString &bad :
         {u"?q=status:sleeping"_qs, u"?q=color:blue"_qs, u"?limit=-1"_qs, u"?offset=x"_qs}) {
        const ApiReply reply = api().get(u"/api/v2/workspaces"_qs + bad, carol);
        QVERIFY2(reply.status == 400, qPrintable(bad + u": "_qs + describe(reply)));
        QVERIFY(!reply.json().value(u"message").toString().isEmpty());
    }

    // Deleted ones are listed only when asked for by status.
    QCOMPARE(statusOf(build(carol, idOf(c), u"delete"_qs)), u"deleted"_qs);
    QCOMPARE(names(list(QString(), carol)), QStringList({u"list-a"_qs, u"list-b"_qs}));
    QCOMPARE(names(list(u"?q=status:deleted"_qs, carol)), QStringList({u"other-c"_qs}));
    for (const QJsonObject &ws : {a, b})
        QCOMPARE(statusOf(build(carol, idOf(ws), u"delete"_qs)), u"deleted"_qs);
    QCOMPARE(list(QString(), carol).value(u"count").toInt(), 0);
}

void TestProvisioningApiWorkspaces::workspaceSchedule()
{
    const QJsonObject ws = startWorkspace(m_member, u"me"_qs, u"sched"_qs);
    QCOMPARE(statusOf(ws.value(u"latest_build").toObject()), u"running"_qs);
    const QString path = u"/api/v2/workspaces/"_qs + idOf(ws);

    // Autostart.
    const QString schedule = u"CRON_TZ=Europe/Berlin 30 9 * * 1-5"_qs;
    const ApiReply set = api().put(path + u"/autostart"_qs, {{u"schedule"_qs, schedule}}, m_member);
    QVERIFY2(set.status == 204, qPrintable(describe(set)));
    QCOMPARE(workspace(idOf(ws)).value(u"autostart_schedule").toString(), schedule);
    for (const QString &bad : {u"30 9 * *"_qs, u"CRON_TZ=Nowhere/Land 30 9 * * 1-5"_qs,
                               u"61 9 * * *"_qs, u"every morning"_qs}) {
        const ApiReply reply =
            api().put(path + u"/autostart"_qs, {{u"schedule"_qs, bad}}, m_member);
        QVERIFY2(reply.status == 400, qPrintable(bad + u": "_qs + describe(reply)));
        QVERIFY(reply.invalidFields().contains(u"schedule"_qs));
    }
    QCOMPARE(workspace(idOf(ws)).value(u"autostart_schedule").toString(), schedule);
    QCOMPARE(
        api().put(path + u"/autostart"_qs, {{u"schedule"_qs, QJsonValue::Null}}, m_member).status,
        204);
    QVERIFY(workspace(idOf(ws)).value(u"autostart_schedule").isNull());

    // TTL.
    const ApiReply shortTtl = api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, 1000}}, m_member);
    QVERIFY2(shortTtl.status == 400, qPrintable(describe(shortTtl)));
    QVERIFY(shortTtl.invalidFields().contains(u"ttl_ms"_qs));
    const ApiReply longTtl =
        api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, 8LL * 24 * 3600 * 1000}}, m_member);
    QCOMPARE(longTtl.status, 400);
    QCOMPARE(api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, u"1h"_qs}}, m_member).status, 400);
    const ApiReply ttl = api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, 3'600'000}}, m_member);
    QVERIFY2(ttl.status == 204, qPrintable(describe(ttl)));
    QCOMPARE(workspace(idOf(ws)).value(u"ttl_ms").toInteger(), 3'600'000);
    QCOMPARE(api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, QJsonValue::Null}}, m_member).status,
             204);
    QVERIFY(workspace(idOf(ws)).value(u"ttl_ms").isNull());

    // Without autostop there is no deadline to extend ("Workspace shutdown is manual").
    const ApiReply manual = api().put(
        path + u"/extend"_qs,
        {{u"deadline"_qs, rfc3339(QDateTime::currentDateTimeUtc().addSecs(7200))}}, m_member);
    QVERIFY2(manual.status == 400, qPrintable(describe(manual)));
    // With a ttl, a start build gets a deadline that can be moved.
    QCOMPARE(api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, 3'600'000}}, m_member).status, 204);
    QCOMPARE(statusOf(build(m_member, idOf(ws), u"stop"_qs)), u"stopped"_qs);
    QCOMPARE(statusOf(build(m_member, idOf(ws), u"start"_qs)), u"running"_qs);

    // Extend the deadline of a running workspace: not too near, not too far.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime wanted = now.addSecs(2 * 3600);
    const ApiReply extended =
        api().put(path + u"/extend"_qs, {{u"deadline"_qs, rfc3339(wanted)}}, m_member);
    QVERIFY2(extended.status == 200, qPrintable(describe(extended)));
    QVERIFY(!extended.json().value(u"message").toString().isEmpty());
    const QDateTime deadline = QDateTime::fromString(
        workspace(idOf(ws)).value(u"latest_build").toObject().value(u"deadline").toString(),
        Qt::ISODateWithMs);
    QVERIFY(deadline.isValid());
    QVERIFY2(qAbs(deadline.msecsTo(wanted)) < 1000, qPrintable(rfc3339(deadline)));
    for (const QString &bad : {rfc3339(now.addDays(8)), rfc3339(now.addSecs(-3600)),
                               rfc3339(now.addSecs(10)), u"tomorrow"_qs}) {
        const ApiReply reply = api().put(path + u"/extend"_qs, {{u"deadline"_qs, bad}}, m_member);
        QVERIFY2(reply.status == 400, qPrintable(bad + u": "_qs + describe(reply)));
        QVERIFY(reply.invalidFields().contains(u"deadline"_qs));
    }
    QCOMPARE(build(m_member, idOf(ws), u"stop"_qs).value(u"status").toString(), u"stopped"_qs);
    const ApiReply notRunning = api().put(
        path + u"/extend"_qs, {{u"deadline"_qs, rfc3339(now.addSecs(3 * 3600))}}, m_member);
    QVERIFY2(notRunning.status == 400, qPrintable(describe(notRunning)));
    QVERIFY(notRunning.json().value(u"message").toString().contains(u"running"));

    // A start build of a workspace with a ttl gets a deadline ttl after it came up.
    const qint64 ttlMs = 3'600'000;
    QCOMPARE(api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, ttlMs}}, m_member).status, 204);
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const QJsonObject started = build(m_member, idOf(ws), u"start"_qs);
    const QDateTime after = QDateTime::currentDateTimeUtc();
    QCOMPARE(statusOf(started), u"running"_qs);
    const QDateTime startDeadline =
        QDateTime::fromString(started.value(u"deadline").toString(), Qt::ISODateWithMs);
    QVERIFY2(startDeadline.isValid(), compact(started).constData());
    QVERIFY2(startDeadline >= before.addMSecs(ttlMs - 1000) &&
                 startDeadline <= after.addMSecs(ttlMs + 1000),
             qPrintable(rfc3339(startDeadline)));
    // And a workspace created with a ttl, too.
    const QDateTime createdAt = QDateTime::currentDateTimeUtc();
    const ApiReply withTtl = api().post(u"/api/v2/users/me/workspaces"_qs,
                                        {{u"template_id"_qs, m_templateId},
                                         {u"name"_qs, u"with-ttl"_qs},
                                         {u"ttl_ms"_qs, ttlMs},
                                         {u"autostart_schedule"_qs, u"CRON_TZ=UTC 0 8 * * *"_qs}},
                                        m_member);
    QVERIFY2(withTtl.status == 201, qPrintable(describe(withTtl)));
    track(idOf(withTtl.json()));
    QCOMPARE(withTtl.json().value(u"ttl_ms").toInteger(), ttlMs);
    QCOMPARE(withTtl.json().value(u"autostart_schedule").toString(), u"CRON_TZ=UTC 0 8 * * *"_qs);
    const QJsonObject firstBuild =
        waitForBuild(api(), m_member, idOf(withTtl.json().value(u"latest_build").toObject()));
    const QDateTime firstDeadline =
        QDateTime::fromString(firstBuild.value(u"deadline").toString(), Qt::ISODateWithMs);
    QVERIFY2(firstDeadline.isValid() && firstDeadline >= createdAt.addMSecs(ttlMs - 1000) &&
                 firstDeadline <= QDateTime::currentDateTimeUtc().addMSecs(ttlMs + 1000),
             compact(firstBuild).constData());
    for (const QJsonObject &body : {QJsonObject{{u"ttl_ms"_qs, 59'000}},
                                    QJsonObject{{u"autostart_schedule"_qs, u"bad"_qs}}}) {
        QJsonObject request = body;
        request.insert(u"template_id"_qs, m_templateId);
        request.insert(u"name"_qs, u"bad-schedule"_qs);
        const ApiReply reply = api().post(u"/api/v2/users/me/workspaces"_qs, request, m_member);
        QVERIFY2(reply.status == 400, qPrintable(describe(reply)));
        QVERIFY(reply.invalidFields().contains(body.keys().first()));
    }

    // Without a ttl of its own, a workspace takes its template's default.
    const QJsonObject defaulted =
        pushTemplate(api(), m_owner, u"ttl-default"_qs, exampleTemplateDir());
    QCOMPARE(patchJson(api(), u"/api/v2/templates/"_qs + idOf(defaulted),
                       {{u"default_ttl_ms"_qs, 2 * ttlMs}}, m_owner)
                 .status,
             200);
    const QDateTime beforeDefault = QDateTime::currentDateTimeUtc();
    const QJsonObject byDefault =
        startWorkspace(m_member, u"me"_qs, u"ttl-default-ws"_qs, idOf(defaulted));
    QCOMPARE(byDefault.value(u"ttl_ms").toInteger(), 2 * ttlMs);
    const QDateTime defaultDeadline = QDateTime::fromString(
        byDefault.value(u"latest_build").toObject().value(u"deadline").toString(),
        Qt::ISODateWithMs);
    QVERIFY2(defaultDeadline.isValid() &&
                 defaultDeadline >= beforeDefault.addMSecs(2 * ttlMs - 1000) &&
                 defaultDeadline <= QDateTime::currentDateTimeUtc().addMSecs(2 * ttlMs + 1000),
             compact(byDefault).constData());

    // A template that forbids user autostart refuses a schedule.
    const QJsonObject strict = pushTemplate(api(), m_owner, u"strict"_qs, exampleTemplateDir());
    QCOMPARE(patchJson(api(), u"/api/v2/templates/"_qs + idOf(strict),
                       {{u"allow_user_autostart"_qs, false}, {u"allow_user_autostop"_qs, false}},
                       m_owner)
                 .status,
             200);
    const QJsonObject strictWs = startWorkspace(m_member, u"me"_qs, u"strict-ws"_qs, idOf(strict));
    const QString strictPath = u"/api/v2/workspaces/"_qs + idOf(strictWs);
    QCOMPARE(
        api().put(strictPath + u"/autostart"_qs, {{u"schedule"_qs, schedule}}, m_member).status,
        400);
    QCOMPARE(api().put(strictPath + u"/ttl"_qs, {{u"ttl_ms"_qs, ttlMs}}, m_member).status, 400);
    QCOMPARE(
        api().put(strictPath + u"/ttl"_qs, {{u"ttl_ms"_qs, QJsonValue::Null}}, m_member).status,
        204);
    // Nor can the policy be bypassed when the workspace is created: the user's ttl is refused,
    // or replaced by the template's default (none here), as Coder does.
    const ApiReply strictCreate = api().post(
        u"/api/v2/users/me/workspaces"_qs,
        {{u"template_id"_qs, idOf(strict)}, {u"name"_qs, u"strict-ttl"_qs}, {u"ttl_ms"_qs, ttlMs}},
        m_member);
    if (strictCreate.status == 201) {
        track(idOf(strictCreate.json()));
        waitForBuild(api(), m_member, idOf(strictCreate.json().value(u"latest_build").toObject()));
    }
    QVERIFY2(strictCreate.status == 400 || strictCreate.json().value(u"ttl_ms").isNull(),
             qPrintable(describe(strictCreate)));
}

QTEST_GUILESS_MAIN(TestProvisioningApiWorkspaces)
#include "test_provisioning_api_workspaces.moc"
