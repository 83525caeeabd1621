// Workspace builds through the API of a real coderd with its built-in provisioner daemons (the
// process provisioner): the start/stop/delete lifecycle and the statuses a user sees on the way,
// concurrent builds and creates, canceling, failing, logs and their following, the watch socket,
// and what a build leaves behind on the machine (processes, directories).
#include "provisioning_suite.h"

#include <QDir>
#include <QFile>
#include <QUuid>
#include <QtTest>

using namespace coder::test;

class TestProvisioningApiBuilds : public QObject, protected ProvisioningSuite
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void buildLifecycle();
    void racingBuilds();
    void racingCreates();
    void cancelRunningBuild();
    void buildLogsFollowAndWatch();
    void failedBuild();
};

void TestProvisioningApiBuilds::initTestCase()
{
    CODER_START_CODERD(m_coderd, serverArguments());
    QVERIFY(setUpScenario());
}

void TestProvisioningApiBuilds::cleanupTestCase()
{
    QVERIFY(tearDownScenario());
}

void TestProvisioningApiBuilds::buildLifecycle()
{
    const QJsonObject created =
        createWorkspace(api(), m_member, u"me"_qs, m_templateId, u"life"_qs);
    QVERIFY(!created.isEmpty());
    const QString id = idOf(created);
    track(id);
    const QString path = u"/api/v2/workspaces/"_qs + id;
    const QString builds = path + u"/builds"_qs;
    // Watch from the start: every change of the workspace arrives as a message.
    WebSocketCollector watch;
    QVERIFY2(watch.open(m_coderd.url(), path + u"/watch-ws"_qs, m_member),
             qPrintable(watch.error()));

    // The status the watcher reported last: each phase's final status must arrive.
    auto watched = [&watch] {
        const QList<QJsonObject> objects = watch.objects();
        return objects.isEmpty()
                   ? QString()
                   : objects.last().value(u"latest_build").toObject().value(u"status").toString();
    };

    const QJsonObject first =
        waitForBuild(api(), m_member, idOf(created.value(u"latest_build").toObject()));
    QCOMPARE(statusOf(first), u"running"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(watched(), u"running"_qs, 10'000);
    // A change of a setting is pushed too, not only build progress.
    QCOMPARE(api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, 7'200'000}}, m_member).status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(watch.objects().last().value(u"ttl_ms").toInteger(), 7'200'000,
                              10'000);
    QCOMPARE(api().put(path + u"/ttl"_qs, {{u"ttl_ms"_qs, QJsonValue::Null}}, m_member).status,
             204);
    QTRY_VERIFY_WITH_TIMEOUT(watch.objects().last().value(u"ttl_ms").isNull(), 10'000);
    QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id) >= 1);
    const QJsonArray agents =
        first.value(u"resources").toArray().at(1).toObject().value(u"agents").toArray();
    QCOMPARE(agents.size(), 1);
    QCOMPARE(agents.at(0).toObject().value(u"status").toString(), u"connecting"_qs);
    QCOMPARE(agents.at(0)
                 .toObject()
                 .value(u"environment_variables")
                 .toObject()
                 .value(u"GREETING")
                 .toString(),
             u"Hello from Coder"_qs);

    const ApiReply startAgain = api().post(builds, {{u"transition"_qs, u"start"_qs}}, m_member);
    QVERIFY2(startAgain.status == 409, qPrintable(describe(startAgain)));
    const ApiReply badTransition = api().post(builds, {{u"transition"_qs, u"pause"_qs}}, m_member);
    QCOMPARE(badTransition.status, 400);
    QVERIFY(badTransition.invalidFields().contains(u"transition"_qs));

    const ApiReply stopReply = api().post(builds, {{u"transition"_qs, u"stop"_qs}}, m_member);
    QVERIFY2(stopReply.status == 201, qPrintable(describe(stopReply)));
    const QJsonObject stopBuild = stopReply.json();
    QCOMPARE(stopBuild.value(u"build_number").toInt(), 2);
    QCOMPARE(stopBuild.value(u"transition").toString(), u"stop"_qs);
    QVERIFY(
        QStringList({u"pending"_qs, u"stopping"_qs, u"stopped"_qs}).contains(statusOf(stopBuild)));
    // While it runs, the workspace's status is the build's; a second build must wait.
    const QJsonObject stopped = waitForBuild(api(), m_member, idOf(stopBuild));
    QCOMPARE(statusOf(stopped), u"stopped"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(watched(), u"stopped"_qs, 10'000);
    QCOMPARE(namesOf(stopped.value(u"resources").toArray()), QStringList({u"home"_qs}));
    QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id), 0);
    QVERIFY(QFileInfo(workspaceDir(id) + u"/home"_qs).isDir()); // the home is persistent
    QCOMPARE(statusOf(workspace(id, m_member).value(u"latest_build").toObject()), u"stopped"_qs);
    const ApiReply stopAgain = api().post(builds, {{u"transition"_qs, u"stop"_qs}}, m_member);
    QVERIFY2(stopAgain.status == 409, qPrintable(describe(stopAgain)));

    const QJsonObject restarted = build(m_member, id, u"start"_qs);
    QCOMPARE(statusOf(restarted), u"running"_qs);
    QCOMPARE(restarted.value(u"build_number").toInt(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(watched(), u"running"_qs, 10'000);
    QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id) >= 1);

    const ApiReply list = api().get(builds, m_member);
    QCOMPARE(list.status, 200);
    QList<int> numbers;
    for (const QJsonValue &b : list.array())
        numbers.append(b.toObject().value(u"build_number").toInt());
    QCOMPARE(numbers, QList<int>({3, 2, 1}));
    QCOMPARE(api().get(builds + u"?limit=1"_qs, m_member).array().size(), 1);
    QCOMPARE(api()
                 .get(u"/api/v2/workspacebuilds/"_qs + idOf(first), m_member)
                 .json()
                 .value(u"build_number")
                 .toInt(),
             1);
    QCOMPARE(api()
                 .get(u"/api/v2/workspacebuilds/"_qs + idOf(first) + u"/parameters"_qs, m_member)
                 .array(),
             QJsonArray(
                 {QJsonObject{{u"name"_qs, u"greeting"_qs}, {u"value"_qs, u"Hello from Coder"_qs}},
                  QJsonObject{{u"name"_qs, u"cpus"_qs}, {u"value"_qs, u"2"_qs}}}));
    QCOMPARE(api()
                 .get(u"/api/v2/workspacebuilds/"_qs +
                          QUuid::createUuid().toString(QUuid::WithoutBraces),
                      m_member)
                 .status,
             404);

    const QJsonObject deleted = build(m_member, id, u"delete"_qs);
    QCOMPARE(statusOf(deleted), u"deleted"_qs);
    QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id), 0);
    QVERIFY(!QFileInfo::exists(workspaceDir(id)));
    const ApiReply afterDelete = api().post(builds, {{u"transition"_qs, u"start"_qs}}, m_member);
    QVERIFY2(afterDelete.status == 410, qPrintable(describe(afterDelete)));
    QCOMPARE(api().get(path, m_member).status, 410);
    // Builds of a deleted workspace stay readable.
    QCOMPARE(api().get(builds, m_member).array().size(), 4);

    // What the watcher saw, in order: each phase's final status at least.
    QTRY_COMPARE_WITH_TIMEOUT(watched(), u"deleted"_qs, 10'000);
    QStringList seen;
    for (const QJsonObject &message : watch.objects()) {
        QCOMPARE(idOf(message), id);
        const QString status =
            message.value(u"latest_build").toObject().value(u"status").toString();
        if (seen.isEmpty() || seen.last() != status)
            seen.append(status);
    }
    const qsizetype running = seen.indexOf(u"running"_qs);
    const qsizetype stoppedAt = seen.indexOf(u"stopped"_qs, running);
    const qsizetype runningAgain = seen.indexOf(u"running"_qs, stoppedAt);
    const qsizetype deletedAt = seen.indexOf(u"deleted"_qs, runningAgain);
    QVERIFY2(running >= 0 && stoppedAt > running && runningAgain > stoppedAt &&
                 deletedAt > runningAgain,
             qPrintable(seen.join(u" -> ")));
    static const QStringList known{u"pending"_qs, u"starting"_qs, u"running"_qs, u"stopping"_qs,
                                   u"stopped"_qs, u"deleting"_qs, u"deleted"_qs};
    for (const QString &status : std::as_const(seen))
        QVERIFY2(known.contains(status), qPrintable(seen.join(u" -> ")));
    watch.close();
}

void TestProvisioningApiBuilds::racingBuilds()
{
    const QJsonObject ws = startWorkspace(m_member, u"me"_qs, u"race"_qs);
    QCOMPARE(statusOf(ws.value(u"latest_build").toObject()), u"running"_qs);
    const QString builds = QStringLiteral("/api/v2/workspaces/%1/builds").arg(idOf(ws));
    QString transition = u"stop"_qs;
    for (int round = 0; round < 3; ++round) {
        const ConcurrentRequest request{"POST", builds, m_member,
                                        compact({{u"transition"_qs, transition}})};
        const QList<ApiReply> replies = sendTogether(m_coderd.url(), {request, request});
        QList<int> statuses{replies[0].status, replies[1].status};
        std::sort(statuses.begin(), statuses.end());
        QVERIFY2(statuses == QList<int>({201, 409}),
                 qPrintable(QStringLiteral("round %1: %2 / %3")
                                .arg(round)
                                .arg(describe(replies[0]), describe(replies[1]))));
        const bool firstWon = replies[0].status == 201;
        const QJsonObject created = (firstWon ? replies[0] : replies[1]).json();
        QVERIFY(
            !(firstWon ? replies[1] : replies[0]).json().value(u"message").toString().isEmpty());
        const QJsonObject done = waitForBuild(api(), m_member, idOf(created));
        QCOMPARE(statusOf(done), transition == u"stop" ? u"stopped"_qs : u"running"_qs);
        QCOMPARE(done.value(u"build_number").toInt(), round + 2);
        transition = transition == u"stop" ? u"start"_qs : u"stop"_qs;
    }
    // Exactly one build per round.
    QCOMPARE(api().get(builds, m_member).array().size(), 4);
    QCOMPARE(statusOf(build(m_member, idOf(ws), u"delete"_qs)), u"deleted"_qs);
}

void TestProvisioningApiBuilds::racingCreates()
{
    const QString create = u"/api/v2/users/me/workspaces"_qs;
    for (int round = 0; round < 3; ++round) {
        // The same name twice at once: one workspace, one 409.
        const QString name = QStringLiteral("twin-%1").arg(round);
        const ConcurrentRequest request{
            "POST", create, m_member,
            compact({{u"template_id"_qs, m_templateId}, {u"name"_qs, name}})};
        const QList<ApiReply> replies = sendTogether(m_coderd.url(), {request, request});
        QList<int> statuses{replies[0].status, replies[1].status};
        std::sort(statuses.begin(), statuses.end());
        QVERIFY2(statuses == QList<int>({201, 409}),
                 qPrintable(describe(replies[0]) + u" / "_qs + describe(replies[1])));
        const QJsonObject created = (replies[0].status == 201 ? replies[0] : replies[1]).json();
        track(idOf(created));
        QCOMPARE(statusOf(waitForBuild(api(), m_member,
                                       idOf(created.value(u"latest_build").toObject()))),
                 u"running"_qs);
        QCOMPARE(statusOf(build(m_member, idOf(created), u"delete"_qs)), u"deleted"_qs);
    }
    for (int round = 0; round < 3; ++round) {
        // A template deleted while a workspace is made from it: either the workspace exists and
        // the template stays (409), or the template is gone and no workspace was made.
        const QJsonObject tmpl = pushTemplate(
            api(), m_owner, QStringLiteral("fleeting-%1").arg(round), exampleTemplateDir());
        QVERIFY(!tmpl.isEmpty());
        const QString path = u"/api/v2/templates/"_qs + idOf(tmpl);
        const QList<ApiReply> replies = sendTogether(
            m_coderd.url(), {{"POST", create, m_member,
                              compact({{u"template_id"_qs, idOf(tmpl)},
                                       {u"name"_qs, QStringLiteral("fleeting-ws-%1").arg(round)}})},
                             {"DELETE", path, m_owner, {}}});
        const ApiReply &created = replies[0];
        const ApiReply &deleted = replies[1];
        const QString outcome = describe(created) + u" / "_qs + describe(deleted);
        QVERIFY2((created.status == 201 && deleted.status == 409) ||
                     (created.status == 400 && deleted.status == 200),
                 qPrintable(outcome));
        if (created.status == 201) {
            track(idOf(created.json()));
            QCOMPARE(api().get(path, m_owner).status, 200);
            QCOMPARE(statusOf(waitForBuild(api(), m_member,
                                           idOf(created.json().value(u"latest_build").toObject()))),
                     u"running"_qs);
            QCOMPARE(statusOf(build(m_member, idOf(created.json()), u"delete"_qs)), u"deleted"_qs);
        } else {
            QVERIFY(created.invalidFields().contains(u"template_id"_qs));
            QCOMPARE(api().get(path, m_owner).status, 404);
        }
    }
}

void TestProvisioningApiBuilds::cancelRunningBuild()
{
    // A start build canceled while the provisioner runs it. The cancel reaches the daemon by
    // its heartbeat, so the build may still win the race; either way the outcome is consistent:
    // canceled and nothing left running, or running with its agents.
    QJsonObject manifest = processTemplate(sleepCommand());
    QJsonArray resources = manifest.value(u"resources").toArray();
    QJsonObject process = resources.at(1).toObject();
    QJsonArray agents;
    for (const QString &name : {u"one"_qs, u"two"_qs, u"three"_qs})
        agents.append(QJsonObject{{u"name"_qs, name},
                                  {u"command"_qs, QJsonArray::fromStringList(sleepCommand())}});
    process.insert(u"agents"_qs, agents);
    resources.replace(1, process);
    manifest.insert(u"resources"_qs, resources);
    const QJsonObject tmpl = pushCustom(u"three-agents"_qs, manifest);
    QVERIFY(!tmpl.isEmpty());
    const QJsonObject ws = createWorkspace(api(), m_member, u"me"_qs, idOf(tmpl), u"cancel-me"_qs);
    QVERIFY(!ws.isEmpty());
    track(idOf(ws));
    const QString buildPath =
        u"/api/v2/workspacebuilds/"_qs + idOf(ws.value(u"latest_build").toObject());
    QTRY_VERIFY_WITH_TIMEOUT(jobStatusOf(api().get(buildPath, m_member).json()) != u"pending",
                             30'000);
    const ApiReply cancel = api().request("PATCH", buildPath + u"/cancel"_qs, m_member);
    const QJsonObject done = waitForJob(api(), m_member, buildPath);
    const int processes = countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, idOf(ws));
    const QString outcome = describe(cancel) + u" -> "_qs + QString::fromUtf8(compact(done)) +
                            QStringLiteral(" with %1 process(es)").arg(processes);
    qInfo("cancel of a running build: %s", qPrintable(statusOf(done)));
    if (cancel.status == 200) {
        QVERIFY2(statusOf(done) == u"canceled" || statusOf(done) == u"running",
                 qPrintable(outcome));
    } else {
        QVERIFY2(cancel.status == 400 && statusOf(done) == u"running", qPrintable(outcome));
    }
    if (statusOf(done) == u"canceled") {
        QVERIFY2(processes == 0, qPrintable(outcome));
        QVERIFY(!done.value(u"job").toObject().value(u"canceled_at").isNull());
        // A canceled start can be started again.
        QCOMPARE(statusOf(build(m_member, idOf(ws), u"start"_qs)), u"running"_qs);
    } else {
        QVERIFY2(processes == 3, qPrintable(outcome));
    }
    QCOMPARE(statusOf(build(m_member, idOf(ws), u"delete"_qs)), u"deleted"_qs);
    QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, idOf(ws)), 0);
}

void TestProvisioningApiBuilds::buildLogsFollowAndWatch()
{
    const QJsonObject ws = startWorkspace(m_member, u"me"_qs, u"logs"_qs);
    const QString id = idOf(ws);
    const QString startBuild = idOf(ws.value(u"latest_build").toObject());
    const QString logsPath = u"/api/v2/workspacebuilds/"_qs + startBuild + u"/logs"_qs;
    const ApiReply logs = api().get(logsPath, m_member);
    QCOMPARE(logs.status, 200);
    QStringList outputs;
    for (const QJsonValue &log : logs.array())
        outputs.append(log[u"output"].toString());
    QVERIFY2(outputs.contains(u"Workspace started"_qs), qPrintable(outputs.join(u'\n')));
    QVERIFY(outputs.join(u'\n').contains(workspaceDir(id)));
    // Secrets never reach the logs.
    QVERIFY(!QString::fromUtf8(logs.body).contains(u"CODER_AGENT_TOKEN="));
    QCOMPARE(api().get(logsPath, m_otherMember).status, 404);

    // The watcher gets the workspace at once, then again after a stop build.
    WebSocketCollector watch;
    QVERIFY2(watch.open(m_coderd.url(), u"/api/v2/workspaces/"_qs + id + u"/watch-ws"_qs, m_member),
             qPrintable(watch.error()));
    QVERIFY(watch.waitForMessages(1));
    QCOMPARE(idOf(watch.objects().first()), id);
    QCOMPARE(statusOf(watch.objects().first().value(u"latest_build").toObject()), u"running"_qs);

    // Following a build's logs from its start until the server closes.
    const ApiReply stop = api().post(u"/api/v2/workspaces/"_qs + id + u"/builds"_qs,
                                     {{u"transition"_qs, u"stop"_qs}}, m_member);
    QCOMPARE(stop.status, 201);
    const QString stopPath = u"/api/v2/workspacebuilds/"_qs + idOf(stop.json()) + u"/logs"_qs;
    WebSocketCollector follow;
    QVERIFY2(follow.open(m_coderd.url(), stopPath + u"?follow"_qs, m_member),
             qPrintable(follow.error()));
    QVERIFY(follow.waitForClose());
    QCOMPARE(follow.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    const QJsonArray stopLogs = api().get(stopPath, m_member).array();
    QVERIFY(!stopLogs.isEmpty());
    const QList<QJsonObject> streamed = follow.objects();
    QCOMPARE(streamed.size(), stopLogs.size());
    QCOMPARE(streamed.last().value(u"id").toInteger(),
             stopLogs.last().toObject().value(u"id").toInteger());
    bool stoppedLine = false;
    for (const QJsonObject &log : streamed)
        stoppedLine = stoppedLine || log.value(u"output").toString().contains(u"Workspace stopped");
    QVERIFY(stoppedLine);
    QCOMPARE(
        statusOf(api().get(u"/api/v2/workspacebuilds/"_qs + idOf(stop.json()), m_member).json()),
        u"stopped"_qs);

    QTRY_VERIFY_WITH_TIMEOUT(
        !watch.objects().isEmpty() &&
            statusOf(watch.objects().last().value(u"latest_build").toObject()) == u"stopped",
        10'000);
    QVERIFY(watch.messages().size() >= 2);
    QCOMPARE(
        watch.objects().last().value(u"latest_build").toObject().value(u"build_number").toInt(), 2);
    QVERIFY(!watch.closed());
    watch.close();

    // Others may not watch it.
    WebSocketCollector intruder;
    QVERIFY(!intruder.open(m_coderd.url(), u"/api/v2/workspaces/"_qs + id + u"/watch-ws"_qs,
                           m_otherMember));
    WebSocketCollector intruderLogs;
    QVERIFY(!intruderLogs.open(m_coderd.url(), stopPath + u"?follow"_qs, m_otherMember));
    QCOMPARE(statusOf(build(m_member, id, u"delete"_qs)), u"deleted"_qs);
}

void TestProvisioningApiBuilds::failedBuild()
{
    const QJsonObject tmpl = pushCustom(
        u"failing"_qs, processTemplate({u"/bin/sh"_qs, u"-c"_qs, u"echo boom >&2; exit 3"_qs}));
    QVERIFY(!tmpl.isEmpty());
    const QJsonObject created = createWorkspace(api(), m_member, u"me"_qs, idOf(tmpl), u"fails"_qs);
    QVERIFY(!created.isEmpty());
    const QString id = idOf(created);
    track(id);
    const QJsonObject failed =
        waitForBuild(api(), m_member, idOf(created.value(u"latest_build").toObject()));
    QCOMPARE(statusOf(failed), u"failed"_qs);
    QCOMPARE(jobStatusOf(failed), u"failed"_qs);
    const QString error = failed.value(u"job").toObject().value(u"error").toString();
    QVERIFY2(error.contains(u"main") && error.contains(u"boom"), qPrintable(error));
    QCOMPARE(statusOf(workspace(id, m_member).value(u"latest_build").toObject()), u"failed"_qs);
    const QJsonArray logs =
        api().get(u"/api/v2/workspacebuilds/"_qs + idOf(failed) + u"/logs"_qs, m_member).array();
    bool boom = false;
    for (const QJsonValue &log : logs)
        boom = boom || log[u"output"].toString().contains(u"boom");
    QVERIFY2(boom, QJsonDocument(logs).toJson().constData());
    // Nothing of the failed start keeps running.
    QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id), 0);
    const QJsonArray listed =
        api()
            .get(u"/api/v2/workspaces?q=owner:me%20status:failed"_qs, m_member)
            .json()
            .value(u"workspaces")
            .toArray();
    QVERIFY(namesOf(listed).contains(u"fails"_qs));

    // A failed workspace may be started again (and fails again), and deleted.
    const QJsonObject retried = build(m_member, id, u"start"_qs);
    QCOMPARE(statusOf(retried), u"failed"_qs);
    QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_qs, id), 0);
    QVERIFY(QFileInfo::exists(workspaceDir(id)));
    const QJsonObject deleted = build(m_member, id, u"delete"_qs);
    QCOMPARE(statusOf(deleted), u"deleted"_qs);
    QVERIFY(!QFileInfo::exists(workspaceDir(id)));
}

QTEST_GUILESS_MAIN(TestProvisioningApiBuilds)
#include "test_provisioning_api_builds.moc"
