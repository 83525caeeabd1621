#include "core/workspace_types.h"

#include <QJsonDocument>
#include <QtTest>

using namespace coder::core;

// What coderd sends for templates, versions, workspaces and their builds (the contract's
// shapes): decoding keeps every field, and encoding gives back the same JSON.
class TestWorkspaceTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workspaceRoundTrip();
    void workspaceToleratesExtraAndNullFields();
    void workspaceRejectsMissingFields();
    void templateRoundTrip();
    void templateVersionRoundTrip();
    void parameterRoundTrip();
    void jobLogs();
    void workspacesPage();
    void requestsOmitWhatIsUnset();
};

namespace {

// The test JSON names its ids ("ws-1", "job-1"): each stands for a fixed UUID.
const QStringList kIdNames{
    QStringLiteral("agent-1"),  QStringLiteral("app-1"),  QStringLiteral("build-1"),
    QStringLiteral("daemon-1"), QStringLiteral("file-1"), QStringLiteral("job-1"),
    QStringLiteral("org-1"),    QStringLiteral("res-1"),  QStringLiteral("tpl-1"),
    QStringLiteral("user-1"),   QStringLiteral("ver-1"),  QStringLiteral("ver-2"),
    QStringLiteral("ws-1")};

QUuid uuid(const QString &name)
{
    return QUuid::fromString(QStringLiteral("00000000-0000-4000-8000-%1")
                                 .arg(int(kIdNames.indexOf(name) + 1), 12, 10, QLatin1Char('0')));
}

QByteArray withUuids(QByteArray text)
{
    for (const QString &name : kIdNames)
        text.replace(QByteArray('"' + name.toLatin1() + '"'),
                     QByteArray('"' + uuid(name).toString(QUuid::WithoutBraces).toLatin1() + '"'));
    return text;
}

QJsonObject parsed(const char *text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(withUuids(text), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

template <typename T> Result<T, QString> decode(const QJsonObject &object)
{
    return json::fromJson<T>(QJsonValue(object));
}

template <typename T> QJsonObject encode(const T &value)
{
    return json::parse(json::toJson(value)).toObject();
}

// Every field the server sent is written back with the same value (the writer may add fields
// the sender left out, with their defaults).
void verifyKept(const QJsonValue &sent, const QJsonValue &written, const QString &path = {})
{
    if (sent.isObject()) {
        QVERIFY2(written.isObject(), qPrintable(path));
        const QJsonObject in = sent.toObject();
        const QJsonObject out = written.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            QVERIFY2(out.contains(it.key()), qPrintable(path + u'.' + it.key()));
            verifyKept(it.value(), out.value(it.key()), path + u'.' + it.key());
            if (QTest::currentTestFailed())
                return;
        }
        return;
    }
    if (sent.isArray()) {
        const QJsonArray in = sent.toArray();
        const QJsonArray out = written.toArray();
        QVERIFY2(in.size() == out.size(), qPrintable(path));
        for (qsizetype i = 0; i < in.size(); ++i)
            verifyKept(in.at(i), out.at(i), path + QStringLiteral("[%1]").arg(i));
        return;
    }
    QVERIFY2(
        sent == written,
        qPrintable(path + QStringLiteral(": ") +
                   QString::fromUtf8(
                       QJsonDocument(QJsonArray{sent, written}).toJson(QJsonDocument::Compact))));
}

const char *jobJson = R"({"id":"job-1","created_at":"2024-05-01T10:00:00.000Z",
    "started_at":"2024-05-01T10:00:01.000Z","completed_at":"2024-05-01T10:00:05.500Z",
    "canceled_at":null,"error":"","error_code":"","status":"succeeded","worker_id":"daemon-1",
    "file_id":"file-1","tags":{"scope":"organization"},"queue_position":0,"queue_size":0,
    "organization_id":"org-1","input":{"workspace_build_id":"build-1"},"type":"workspace_build"})";

QByteArray workspaceJson()
{
    return withUuids(QByteArray(R"({"id":"ws-1","created_at":"2024-05-01T09:59:59.000Z",
    "updated_at":"2024-05-01T10:00:05.500Z","owner_id":"user-1","owner_name":"alice",
    "organization_id":"org-1","organization_name":"coder","template_id":"tpl-1",
    "template_name":"local","template_display_name":"Local","template_icon":"/icon.svg",
    "template_allow_user_cancel_workspace_jobs":true,"template_active_version_id":"ver-2",
    "latest_build":{"id":"build-1","created_at":"2024-05-01T10:00:00.000Z",
      "updated_at":"2024-05-01T10:00:05.500Z","workspace_id":"ws-1","workspace_name":"dev",
      "workspace_owner_id":"user-1","workspace_owner_name":"alice","template_version_id":"ver-1",
      "template_version_name":"v1","build_number":3,"transition":"start",
      "initiator_id":"user-1","initiator_name":"alice","job":)") +
                     jobJson + R"(,"reason":"initiator",
      "resources":[{"id":"res-1","created_at":"2024-05-01T10:00:05.000Z","job_id":"job-1",
        "workspace_transition":"start","type":"process","name":"workspace","hide":false,
        "icon":"","metadata":[{"key":"pid","value":"42","sensitive":false}],"daily_cost":0,
        "agents":[{"id":"agent-1","created_at":"2024-05-01T10:00:05.000Z",
          "updated_at":"2024-05-01T10:00:06.000Z","first_connected_at":"2024-05-01T10:00:06.000Z",
          "last_connected_at":"2024-05-01T10:00:07.000Z","disconnected_at":null,
          "status":"connected","lifecycle_state":"ready","name":"main","resource_id":"res-1",
          "architecture":"amd64","operating_system":"linux",
          "environment_variables":{"GREETING":"hi"},"directory":"~","expanded_directory":"/home/a",
          "version":"","startup_script_timeout_seconds":300,"troubleshooting_url":"",
          "apps":[{"id":"app-1","url":"http://localhost:8000","external":false,"slug":"web",
            "display_name":"Web","subdomain":false,"sharing_level":"owner",
            "healthcheck":{"url":"http://localhost:8000","interval":5,"threshold":6},
            "health":"healthy","hidden":false}]}]}],
      "deadline":"2024-05-01T18:00:05.500Z","max_deadline":null,"status":"running","daily_cost":0},
    "outdated":true,"name":"dev","autostart_schedule":"CRON_TZ=Europe/Paris 30 9 * * 1-5",
    "ttl_ms":28800000,"last_used_at":"2024-05-01T10:30:00.000Z","deleting_at":null,
    "dormant_at":null,"health":{"healthy":true,"failing_agents":[]},
    "automatic_updates":"never","allow_renames":false,"favorite":false})");
}

} // namespace

void TestWorkspaceTypes::workspaceRoundTrip()
{
    const QJsonObject object = QJsonDocument::fromJson(workspaceJson()).object();
    QVERIFY(!object.isEmpty());
    const auto workspace = decode<Workspace>(object);
    QVERIFY2(workspace.ok(), workspace.ok() ? "" : qPrintable(workspace.error()));
    QCOMPARE(workspace->fullName(), QStringLiteral("alice/dev"));
    QCOMPARE(workspace->autostartSchedule, QStringLiteral("CRON_TZ=Europe/Paris 30 9 * * 1-5"));
    QCOMPARE(workspace->ttlMs, std::optional<qint64>(28800000));
    QVERIFY(workspace->outdated);
    const WorkspaceBuild &build = workspace->latestBuild;
    QCOMPARE(build.buildNumber, 3);
    QCOMPARE(build.status, QStringLiteral("running"));
    QCOMPARE(build.job.status, QStringLiteral("succeeded"));
    QVERIFY(build.job.isCompleted());
    QCOMPARE(build.job.input.workspaceBuildId, uuid(QStringLiteral("build-1")));
    QCOMPARE(build.job.tags.value(QStringLiteral("scope")), QStringLiteral("organization"));
    QVERIFY(!build.maxDeadline.isValid());
    QCOMPARE(build.deadline, QDateTime(QDate(2024, 5, 1), QTime(18, 0, 5, 500), Qt::UTC));
    QCOMPARE(build.resources.size(), 1);
    const WorkspaceAgent &agent = build.resources[0].agents.at(0);
    QCOMPARE(agent.status, QStringLiteral("connected"));
    QCOMPARE(agent.environmentVariables.value(QStringLiteral("GREETING")), QStringLiteral("hi"));
    QVERIFY(!agent.disconnectedAt.isValid());
    QCOMPARE(agent.apps.at(0).healthcheck.threshold, 6);
    QCOMPARE(agent.apps.at(0).health, QStringLiteral("healthy"));
    // Encoding gives back what the server sent, nulls included.
    verifyKept(object, encode(*workspace));
}

void TestWorkspaceTypes::workspaceToleratesExtraAndNullFields()
{
    // Go writes null for empty slices; newer servers add fields.
    QJsonObject object = QJsonDocument::fromJson(workspaceJson()).object();
    object.insert(QStringLiteral("next_start_at"), QStringLiteral("2024-05-02T07:30:00Z"));
    object.insert(QStringLiteral("autostart_schedule"), QJsonValue::Null);
    object.insert(QStringLiteral("ttl_ms"), QJsonValue::Null);
    QJsonObject build = object.value(QStringLiteral("latest_build")).toObject();
    build.insert(QStringLiteral("resources"), QJsonValue::Null);
    build.insert(QStringLiteral("matched_provisioners"), QJsonObject{{QStringLiteral("count"), 1}});
    object.insert(QStringLiteral("latest_build"), build);
    const auto workspace = decode<Workspace>(object);
    QVERIFY(workspace.ok());
    QVERIFY(!workspace->autostartSchedule);
    QVERIFY(!workspace->ttlMs);
    QVERIFY(workspace->latestBuild.resources.isEmpty());
    const QJsonObject encoded = encode(*workspace);
    QVERIFY(encoded.value(QStringLiteral("autostart_schedule")).isNull());
    QVERIFY(encoded.value(QStringLiteral("ttl_ms")).isNull());
    QVERIFY(!encoded.contains(QStringLiteral("next_start_at")));
}

void TestWorkspaceTypes::workspaceRejectsMissingFields()
{
    QJsonObject object = QJsonDocument::fromJson(workspaceJson()).object();
    object.remove(QStringLiteral("latest_build"));
    auto workspace = decode<Workspace>(object);
    QVERIFY(!workspace.ok());
    QVERIFY2(workspace.error().contains(QStringLiteral("latest_build")),
             qPrintable(workspace.error()));

    object = QJsonDocument::fromJson(workspaceJson()).object();
    QJsonObject build = object.value(QStringLiteral("latest_build")).toObject();
    build.insert(QStringLiteral("resources"), QJsonArray{QJsonObject{{QStringLiteral("x"), 1}}});
    object.insert(QStringLiteral("latest_build"), build);
    workspace = decode<Workspace>(object);
    QVERIFY(!workspace.ok());
    QVERIFY2(workspace.error().contains(QStringLiteral("resources")),
             qPrintable(workspace.error()));

    QVERIFY(!decode<Workspace>(parsed(R"({"id":"ws-1"})")).ok());
}

void TestWorkspaceTypes::templateRoundTrip()
{
    const QJsonObject object = parsed(R"({"id":"tpl-1","created_at":"2024-05-01T09:00:00.000Z",
        "updated_at":"2024-05-01T09:30:00.000Z","organization_id":"org-1",
        "organization_name":"coder","organization_display_name":"Coder","name":"local",
        "display_name":"Local","provisioner":"process","active_version_id":"ver-2",
        "active_user_count":2,"build_time_stats":{"start":{"P50":1200,"P95":null}},
        "description":"On this machine","icon":"/icon.svg","default_ttl_ms":0,
        "activity_bump_ms":3600000,"allow_user_autostart":true,"allow_user_autostop":false,
        "allow_user_cancel_workspace_jobs":true,"created_by_id":"user-1",
        "created_by_name":"alice","deprecated":false,"deprecation_message":""})");
    const auto decoded = decode<Template>(object);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->name, QStringLiteral("local"));
    QCOMPARE(decoded->activeUserCount, 2);
    QVERIFY(!decoded->allowUserAutostop);
    verifyKept(object, encode(*decoded));
    QVERIFY(!decode<Template>(parsed(R"({"id":"tpl-1"})")).ok());
}

void TestWorkspaceTypes::templateVersionRoundTrip()
{
    QJsonObject object = parsed(R"({"id":"ver-1","template_id":null,"organization_id":"org-1",
        "created_at":"2024-05-01T09:00:00.000Z","updated_at":"2024-05-01T09:00:01.000Z",
        "name":"quiet_curie4","message":"first","readme":"# Local",
        "created_by":{"id":"user-1","username":"alice","avatar_url":""},"archived":false,
        "warnings":[]})");
    QJsonObject job = parsed(jobJson);
    job.insert(QStringLiteral("status"), QStringLiteral("pending"));
    job.insert(QStringLiteral("completed_at"), QJsonValue::Null);
    job.insert(QStringLiteral("worker_id"), QJsonValue::Null);
    job.insert(QStringLiteral("queue_position"), 1);
    job.insert(QStringLiteral("queue_size"), 2);
    job.insert(QStringLiteral("input"),
               QJsonObject{{QStringLiteral("template_version_id"),
                            uuid(QStringLiteral("ver-1")).toString(QUuid::WithoutBraces)}});
    job.insert(QStringLiteral("type"), QStringLiteral("template_version_import"));
    object.insert(QStringLiteral("job"), job);
    const auto version = decode<TemplateVersion>(object);
    QVERIFY2(version.ok(), version.ok() ? "" : qPrintable(version.error()));
    QVERIFY(version->templateId.isNull());
    QCOMPARE(version->createdBy.username, QStringLiteral("alice"));
    QCOMPARE(version->job.queuePosition, 1);
    QVERIFY(!version->job.isCompleted());
    QCOMPARE(version->job.input.templateVersionId, uuid(QStringLiteral("ver-1")));
    verifyKept(object, encode(*version));

    object.remove(QStringLiteral("job"));
    const auto noJob = decode<TemplateVersion>(object);
    QVERIFY(!noJob.ok());
    QVERIFY(noJob.error().contains(QStringLiteral("\"job\"")));
}

void TestWorkspaceTypes::parameterRoundTrip()
{
    const QJsonObject object = parsed(R"({"name":"cpus","display_name":"CPUs",
        "description":"How **many**","description_plaintext":"How many","type":"number",
        "form_type":"","mutable":false,"default_value":"2","icon":"",
        "options":[{"name":"Two","description":"","value":"2","icon":""}],
        "validation_regex":"","validation_min":1,"validation_max":null,"validation_error":"",
        "validation_monotonic":"increasing","required":false,"ephemeral":false})");
    const auto parameter = decode<TemplateVersionParameter>(object);
    QVERIFY(parameter.ok());
    QCOMPARE(parameter->validationMin, std::optional<qint64>(1));
    QVERIFY(!parameter->validationMax);
    QCOMPARE(parameter->options.at(0).value, QStringLiteral("2"));
    // Coder leaves empty validation fields out (omitempty).
    QJsonObject kept = object;
    for (const char *omitted :
         {"form_type", "validation_regex", "validation_max", "validation_error"})
        kept.remove(QLatin1String(omitted));
    verifyKept(kept, encode(*parameter));
    QVERIFY(!encode(*parameter).contains(QStringLiteral("validation_max")));

    QList<TemplateVersionParameter> list;
    const QString problem = json::read(
        QJsonDocument::fromJson(R"([{"name":"a","required":true},{"display_name":"no name"}])")
            .array(),
        list);
    QVERIFY2(problem.contains(QStringLiteral("element 1")), qPrintable(problem));
}

void TestWorkspaceTypes::jobLogs()
{
    const QJsonObject object = parsed(R"({"id":17,"created_at":"2024-05-01T10:00:01.250Z",
        "log_source":"provisioner","log_level":"error","stage":"Starting workspace",
        "output":"boom"})");
    const auto log = decode<ProvisionerJobLog>(object);
    QVERIFY(log.ok());
    QCOMPARE(log->id, 17);
    QCOMPARE(encode(*log), object);
    // The id is a number in Coder's API; a string id is a different (broken) server.
    QVERIFY(!decode<ProvisionerJobLog>(parsed(R"({"id":"17","output":"x"})")).ok());
}

void TestWorkspaceTypes::workspacesPage()
{
    QJsonObject object{{QStringLiteral("count"), 7}};
    object.insert(QStringLiteral("workspaces"),
                  QJsonArray{QJsonDocument::fromJson(workspaceJson()).object()});
    const auto page = decode<WorkspacesPage>(object);
    QVERIFY(page.ok());
    QCOMPARE(page->count, 7);
    QCOMPARE(page->workspaces.size(), 1);
    const auto empty = decode<WorkspacesPage>(parsed(R"({"workspaces":null,"count":0})"));
    QVERIFY(empty.ok());
    QVERIFY(empty->workspaces.isEmpty());
    QVERIFY(!decode<WorkspacesPage>(parsed(R"({"workspaces":{},"count":0})")).ok());
}

void TestWorkspaceTypes::requestsOmitWhatIsUnset()
{
    CreateTemplateVersionRequest version;
    version.fileId = uuid(QStringLiteral("file-1"));
    QCOMPARE(encode(version), parsed(R"({"storage_method":"file","file_id":"file-1"})"));
    version.templateId = uuid(QStringLiteral("tpl-1"));
    version.message = QStringLiteral("fix");
    version.tags.insert(QStringLiteral("os"), QStringLiteral("linux"));
    QCOMPARE(encode(version), parsed(R"({"storage_method":"file","file_id":"file-1",
        "template_id":"tpl-1","message":"fix","tags":{"os":"linux"}})"));

    CreateTemplateRequest create;
    create.name = QStringLiteral("local");
    create.versionId = uuid(QStringLiteral("ver-1"));
    create.allowUserAutostop = false;
    QCOMPARE(encode(create), parsed(R"({"name":"local","template_version_id":"ver-1",
        "allow_user_autostop":false})"));

    CreateWorkspaceRequest workspace;
    workspace.templateId = uuid(QStringLiteral("tpl-1"));
    workspace.name = QStringLiteral("dev");
    workspace.richParameterValues = {{QStringLiteral("cpus"), QStringLiteral("4")}};
    QCOMPARE(encode(workspace), parsed(R"({"template_id":"tpl-1","name":"dev",
        "rich_parameter_values":[{"name":"cpus","value":"4"}]})"));
    workspace.ttlMs = 3600000;
    workspace.autostartSchedule = QStringLiteral("CRON_TZ=UTC 0 9 * * *");
    QCOMPARE(encode(workspace).value(QStringLiteral("ttl_ms")).toInteger(), 3600000);
    QCOMPARE(encode(workspace).value(QStringLiteral("autostart_schedule")).toString(),
             QStringLiteral("CRON_TZ=UTC 0 9 * * *"));

    CreateWorkspaceBuildRequest build;
    build.transition = QStringLiteral("stop");
    QCOMPARE(encode(build), parsed(R"({"transition":"stop"})"));
}

QTEST_GUILESS_MAIN(TestWorkspaceTypes)
#include "test_workspace_types.moc"
