#include "core/cli/cli_format.h"
#include "core/cli/parameter_resolver.h"
#include "core/cli/schedule_command.h"
#include "core/cli/show_command.h"
#include "core/cli/templates_command.h"
#include "core/cli/workspace_list_command.h"
#include "core/job_log_printer.h"
#include "core/template_parameters.h"

#include <QtTest>

using namespace coder::core;
using namespace coder::core::cli;

// The parts of the template and workspace commands that need no server: how job logs are
// shown, how --parameter values are checked, and the tables.
class TestWorkspaceCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logPrinterShowsStagesAndTimes();
    void logPrinterMarksTheFailedStage();
    void elapsedFormat();
    void parametersWithoutTerminal();
    void parametersAreChecked();
    void parametersPromptOnlyForRequired();
    void workspaceNamesAndKeyValues();
    void listQuery();
    void tables();
};

namespace {

const QDateTime start(QDate(2024, 5, 1), QTime(10, 0), Qt::UTC);

ProvisionerJobLog logAt(qint64 id, int ms, const QString &stage, const QString &output,
                        const QString &level = QStringLiteral("info"))
{
    return ProvisionerJobLog{id,    start.addMSecs(ms), QStringLiteral("provisioner"), level, stage,
                             output};
}

TemplateVersionParameter parameter(const QString &name, bool required,
                                   const QString &type = QStringLiteral("string"))
{
    TemplateVersionParameter p;
    p.name = name;
    p.required = required;
    p.type = type;
    return p;
}

Workspace sampleWorkspace()
{
    Workspace workspace;
    workspace.id = QUuid::createUuid();
    workspace.name = QStringLiteral("dev");
    workspace.ownerName = QStringLiteral("alice");
    workspace.templateName = QStringLiteral("local");
    workspace.autostartSchedule = QStringLiteral("CRON_TZ=Europe/Paris 30 9 * * 1-5");
    workspace.ttlMs = 8 * 3600 * 1000;
    workspace.latestBuild.status = QStringLiteral("running");
    workspace.latestBuild.transition = QStringLiteral("start");
    workspace.latestBuild.buildNumber = 2;
    workspace.latestBuild.initiatorName = QStringLiteral("alice");
    workspace.latestBuild.templateVersionName = QStringLiteral("v1");
    workspace.latestBuild.createdAt = start;
    workspace.latestBuild.deadline = start.addSecs(8 * 3600);
    WorkspaceResource home;
    home.type = QStringLiteral("home_directory");
    home.name = QStringLiteral("home");
    WorkspaceResource process;
    process.type = QStringLiteral("process");
    process.name = QStringLiteral("workspace");
    WorkspaceAgent agent;
    agent.name = QStringLiteral("main");
    agent.status = QStringLiteral("connected");
    agent.operatingSystem = QStringLiteral("linux");
    agent.architecture = QStringLiteral("amd64");
    WorkspaceApp app;
    app.slug = QStringLiteral("web");
    app.displayName = QStringLiteral("Web server");
    app.url = QStringLiteral("http://localhost:8000");
    app.health = QStringLiteral("healthy");
    agent.apps = {app};
    process.agents = {agent};
    workspace.latestBuild.resources = {home, process};
    return workspace;
}

} // namespace

void TestWorkspaceCli::logPrinterShowsStagesAndTimes()
{
    QStringList lines;
    JobLogPrinter printer([&lines](const QString &line) { lines.append(line); });
    ProvisionerJob job;
    job.status = QStringLiteral("pending");
    job.createdAt = start;
    printer.begin(job);
    printer.add(logAt(1, 40, QStringLiteral("Setting up"), QStringLiteral("directory ready\n")));
    printer.add(logAt(2, 50, QStringLiteral("Setting up"), QStringLiteral("two\nlines")));
    printer.add(logAt(3, 1300, QStringLiteral("Starting workspace"), QStringLiteral("started")));
    job.status = QStringLiteral("succeeded");
    job.completedAt = start.addMSecs(2500);
    printer.end(job);
    printer.end(job); // once only
    QCOMPARE(lines, (QStringList{
                        QStringLiteral("==> ⧗ Queued"),
                        QStringLiteral("=== ✔ Queued [40ms]"),
                        QStringLiteral("==> ⧗ Setting up"),
                        QStringLiteral("    directory ready"),
                        QStringLiteral("    two"),
                        QStringLiteral("    lines"),
                        QStringLiteral("=== ✔ Setting up [1.3s]"),
                        QStringLiteral("==> ⧗ Starting workspace"),
                        QStringLiteral("    started"),
                        QStringLiteral("=== ✔ Starting workspace [1.2s]"),
                        QStringLiteral("Elapsed: 2.5s"),
                    }));
}

void TestWorkspaceCli::logPrinterMarksTheFailedStage()
{
    QStringList lines;
    JobLogPrinter printer([&lines](const QString &line) { lines.append(line); });
    ProvisionerJob job;
    job.status = QStringLiteral("running");
    job.createdAt = start;
    printer.begin(job); // running: no Queued stage
    printer.add(logAt(1, 10, QStringLiteral("Setting up"), QStringLiteral("warming up")));
    printer.add(logAt(2, 20, QStringLiteral("Starting workspace"), QStringLiteral("step 1")));
    printer.add(logAt(3, 30, QStringLiteral("Starting workspace"), QStringLiteral("disk on fire"),
                      QStringLiteral("error")));
    printer.add(logAt(4, 40, QStringLiteral("Starting workspace"), QStringLiteral("cleaning up")));
    job.status = QStringLiteral("failed");
    job.completedAt = start.addMSecs(45);
    printer.end(job);
    QCOMPARE(lines.first(), QStringLiteral("==> ⧗ Setting up"));
    QVERIFY(lines.contains(QStringLiteral("=== ✔ Setting up [10ms]")));
    QVERIFY2(lines.contains(QStringLiteral("=== ✘ Starting workspace [25ms]")),
             qPrintable(lines.join(u'\n')));
    // The error-level lines explain the failure best.
    QCOMPARE(printer.failureLines(), QStringList{QStringLiteral("disk on fire")});

    // Without error-level lines: the end of the stage that failed.
    JobLogPrinter quiet([](const QString &) {});
    quiet.add(logAt(1, 10, QStringLiteral("Setting up"), QStringLiteral("a")));
    quiet.add(logAt(2, 20, QStringLiteral("Starting workspace"), QStringLiteral("b\nc\nd")));
    QCOMPARE(quiet.failureLines(2), (QStringList{QStringLiteral("c"), QStringLiteral("d")}));
}

void TestWorkspaceCli::elapsedFormat()
{
    QCOMPARE(JobLogPrinter::formatElapsed(0), QStringLiteral("0ms"));
    QCOMPARE(JobLogPrinter::formatElapsed(999), QStringLiteral("999ms"));
    QCOMPARE(JobLogPrinter::formatElapsed(1234), QStringLiteral("1.2s"));
    QCOMPARE(JobLogPrinter::formatElapsed(123000), QStringLiteral("2m3s"));
}

void TestWorkspaceCli::parametersWithoutTerminal()
{
    const QList<TemplateVersionParameter> parameters{parameter(QStringLiteral("project"), true),
                                                     parameter(QStringLiteral("region"), true),
                                                     parameter(QStringLiteral("greeting"), false)};
    auto resolved = ParameterResolver::resolve(
        parameters, {{QStringLiteral("region"), QStringLiteral("eu")}}, nullptr);
    QVERIFY(!resolved.ok());
    QCOMPARE(resolved.error(),
             QStringLiteral("parameter project is required: pass --parameter project=value"));

    resolved = ParameterResolver::resolve(parameters,
                                          {{QStringLiteral("project"), QStringLiteral("coder")},
                                           {QStringLiteral("region"), QStringLiteral("eu")}},
                                          nullptr);
    QVERIFY(resolved.ok());
    // Optional parameters without a value are left to the server's defaults.
    QCOMPARE(resolved->size(), 2);
    QCOMPARE(resolved->at(0).name, QStringLiteral("project"));
    QCOMPARE(resolved->at(0).value, QStringLiteral("coder"));

    resolved = ParameterResolver::resolve(parameters,
                                          {{QStringLiteral("project"), QStringLiteral("coder")},
                                           {QStringLiteral("region"), QStringLiteral("eu")},
                                           {QStringLiteral("colour"), QStringLiteral("blue")}},
                                          nullptr);
    QVERIFY(!resolved.ok());
    QVERIFY2(resolved.error().contains(
                 QStringLiteral("no parameter \"colour\" (it has: greeting, project, region)")),
             qPrintable(resolved.error()));
}

void TestWorkspaceCli::parametersAreChecked()
{
    TemplateVersionParameter cpus =
        parameter(QStringLiteral("cpus"), false, QStringLiteral("number"));
    cpus.validationMin = 1;
    cpus.validationMax = 8;
    QCOMPARE(parameterProblem(cpus, QStringLiteral("4")), QString());
    QCOMPARE(parameterProblem(cpus, QStringLiteral("9")),
             QStringLiteral("must be between 1 and 8"));
    QVERIFY(!parameterProblem(cpus, QStringLiteral("four")).isEmpty());
    cpus.validationError = QStringLiteral("Between {min} and {max}, not {value}.");
    QCOMPARE(parameterProblem(cpus, QStringLiteral("0")),
             QStringLiteral("Between 1 and 8, not 0."));

    TemplateVersionParameter flag = parameter(QStringLiteral("gpu"), false, QStringLiteral("bool"));
    QCOMPARE(parameterProblem(flag, QStringLiteral("true")), QString());
    QVERIFY(!parameterProblem(flag, QStringLiteral("yes")).isEmpty());

    TemplateVersionParameter region = parameter(QStringLiteral("region"), true);
    region.options = {{QStringLiteral("Europe"), {}, QStringLiteral("eu"), {}},
                      {QStringLiteral("America"), {}, QStringLiteral("us"), {}}};
    QCOMPARE(parameterProblem(region, QStringLiteral("eu")), QString());
    QCOMPARE(parameterProblem(region, QStringLiteral("asia")),
             QStringLiteral("must be one of: \"eu\", \"us\""));

    TemplateVersionParameter greeting = parameter(QStringLiteral("greeting"), false);
    greeting.validationRegex = QStringLiteral("[a-z ]+");
    QCOMPARE(parameterProblem(greeting, QStringLiteral("hello there")), QString());
    // The whole value must match, not a part of it.
    QVERIFY(!parameterProblem(greeting, QStringLiteral("Hello")).isEmpty());

    const auto resolved = ParameterResolver::resolve(
        {region}, {{QStringLiteral("region"), QStringLiteral("asia")}}, nullptr);
    QVERIFY(!resolved.ok());
    QVERIFY2(resolved.error().startsWith(QStringLiteral("invalid value for parameter region: ")),
             qPrintable(resolved.error()));
}

void TestWorkspaceCli::parametersPromptOnlyForRequired()
{
    QStringList asked;
    const ParameterResolver::Prompt prompt =
        [&asked](const TemplateVersionParameter &p) -> std::optional<QString> {
        asked.append(p.name);
        return QStringLiteral("typed-") + p.name;
    };
    const auto resolved = ParameterResolver::resolve(
        {parameter(QStringLiteral("project"), true), parameter(QStringLiteral("greeting"), false),
         parameter(QStringLiteral("region"), true)},
        {{QStringLiteral("region"), QStringLiteral("eu")}}, prompt);
    QVERIFY(resolved.ok());
    QCOMPARE(asked, QStringList{QStringLiteral("project")});
    QCOMPARE(resolved->at(0).value, QStringLiteral("typed-project"));

    // Ctrl-D at the prompt cancels.
    const auto canceled = ParameterResolver::resolve(
        {parameter(QStringLiteral("project"), true)}, {},
        [](const TemplateVersionParameter &) { return std::optional<QString>(); });
    QVERIFY(!canceled.ok());
    QCOMPARE(canceled.error(), QStringLiteral("canceled"));
}

void TestWorkspaceCli::workspaceNamesAndKeyValues()
{
    auto name = CliFormat::workspaceName(QStringLiteral("dev"));
    QVERIFY(name.ok());
    QCOMPARE(name->first, QStringLiteral("me"));
    QCOMPARE(name->second, QStringLiteral("dev"));
    name = CliFormat::workspaceName(QStringLiteral("alice/dev"));
    QVERIFY(name.ok());
    QCOMPARE(name->first, QStringLiteral("alice"));
    for (const char *bad : {"", "/dev", "alice/", "a/b/c"})
        QVERIFY2(!CliFormat::workspaceName(QString::fromLatin1(bad)).ok(), bad);

    const auto values =
        CliFormat::keyValues({"greeting=a=b", "cpus=4", "empty="}, QStringLiteral("--parameter"));
    QVERIFY(values.ok());
    QCOMPARE(values->value(QStringLiteral("greeting")), QStringLiteral("a=b"));
    QCOMPARE(values->value(QStringLiteral("empty")), QString());
    const auto bad = CliFormat::keyValues({"cpus"}, QStringLiteral("--parameter"));
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error(), QStringLiteral("invalid --parameter \"cpus\": expected KEY=VALUE"));
}

void TestWorkspaceCli::listQuery()
{
    QCOMPARE(WorkspaceListCommand::query(false, {}), QStringLiteral("owner:me"));
    QCOMPARE(WorkspaceListCommand::query(false, QStringLiteral("status:running")),
             QStringLiteral("owner:me status:running"));
    QCOMPARE(WorkspaceListCommand::query(false, QStringLiteral("owner:bob")),
             QStringLiteral("owner:bob"));
    QCOMPARE(WorkspaceListCommand::query(true, {}), QString());
    QCOMPARE(WorkspaceListCommand::query(true, QStringLiteral("template:local")),
             QStringLiteral("template:local"));
}

void TestWorkspaceCli::tables()
{
    const Workspace workspace = sampleWorkspace();
    const QDateTime now = start.addSecs(300);

    const QString list = WorkspaceListCommand::renderTable({workspace}, now);
    QVERIFY2(list.startsWith(QStringLiteral("WORKSPACE  TEMPLATE  STATUS   HEALTHY  LAST BUILT")),
             qPrintable(list));
    QVERIFY2(list.contains(QStringLiteral("alice/dev  local     Running  true     5m ago")),
             qPrintable(list));
    QVERIFY2(list.contains(QStringLiteral("9:30AM Mon-Fri (Europe/Paris)  8h")), qPrintable(list));

    const QString shown = ShowCommand::render(workspace, now);
    QVERIFY2(shown.contains(QStringLiteral("Workspace:  alice/dev")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("Autostart:  9:30AM Mon-Fri (Europe/Paris)")),
             qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("Autostop:   8h after start")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("home_directory.home")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("└─ agent main (linux/amd64)  connected  coder ssh "
                                           "alice/dev")),
             qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("└─ app Web server")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("http://localhost:8000")), qPrintable(shown));

    // 2024-05-01 10:05 UTC is a Wednesday: the next start is Thursday 09:30 in Paris.
    const QString schedule = ScheduleCommand::renderTable(workspace, now);
    QVERIFY2(schedule.contains(QStringLiteral("alice/dev  9:30AM Mon-Fri (Europe/Paris)  "
                                              "9:30AM Thu May 2 (in 21h25m)  8h")),
             qPrintable(schedule));
    Workspace manual = workspace;
    manual.autostartSchedule.reset();
    manual.ttlMs.reset();
    manual.latestBuild.status = QStringLiteral("stopped");
    QVERIFY2(ScheduleCommand::renderTable(manual, now)
                 .endsWith(QStringLiteral("alice/dev  manual     -            manual       -")),
             qPrintable(ScheduleCommand::renderTable(manual, now)));

    Template item;
    item.name = QStringLiteral("local");
    item.organizationName = QStringLiteral("coder");
    item.provisioner = QStringLiteral("process");
    item.updatedAt = start;
    item.activeUserCount = 1;
    QCOMPARE(TemplatesCommand::renderTemplates({item}, now),
             QStringLiteral("NAME   ORGANIZATION  PROVISIONER  LAST UPDATED  USED BY\n"
                            "local  coder         process      5m ago        1 developer"));
}

QTEST_GUILESS_MAIN(TestWorkspaceCli)
#include "test_workspace_cli.moc"
