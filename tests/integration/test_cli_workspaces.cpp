#include "tests/support/coder_cli.h"
#include "tests/support/coderd_fixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fcntl.h>
#include <unistd.h>

// `coder templates ...`, `coder create|list|show|start|stop|restart|delete|schedule`: the real
// `coder` binary against a real coderd (SQLite and PostgreSQL), its built-in provisioner
// building workspaces with the process provisioner.

using coder::test::CliRun;
using coder::test::CoderCli;

namespace {

// Workspaces of the process provisioner run processes on this machine: whatever a failed test
// left behind is deleted before coderd stops.
class WorkspaceCleanup
{
public:
    explicit WorkspaceCleanup(const CoderCli &cli) : m_cli(cli) {}
    ~WorkspaceCleanup()
    {
        for (const QString &name : m_names)
            if (!m_cli.workspace(name).isEmpty())
                m_cli.run({QStringLiteral("delete"), name, QStringLiteral("-y")});
    }
    void add(const QString &name) { m_names.append(name); }

private:
    const CoderCli &m_cli;
    QStringList m_names;
};

QString status(const QJsonObject &workspace)
{
    return workspace.value(QStringLiteral("latest_build"))
        .toObject()
        .value(QStringLiteral("status"))
        .toString();
}

QStringList names(const QJsonArray &items)
{
    QStringList result;
    for (const auto &item : items)
        result.append(item.toObject().value(QStringLiteral("name")).toString());
    return result;
}

bool writeTemplate(const QString &directory, const QByteArray &manifest)
{
    if (!QDir().mkpath(directory))
        return false;
    QFile file(directory + QStringLiteral("/template.json"));
    return file.open(QIODevice::WriteOnly) && file.write(manifest) == manifest.size();
}

QString localExample()
{
    return qEnvironmentVariable("CODER_SOURCE_DIR") + QStringLiteral("/resources/templates/local");
}

// The rich parameter values a build was made with, from the API.
QMap<QString, QString> buildParameters(coder::test::CoderdFixture &coderd, const QByteArray &token,
                                       const QJsonObject &workspace)
{
    const QString buildId = workspace.value(QStringLiteral("latest_build"))
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString();
    QMap<QString, QString> values;
    const auto reply = coderd.api().get(
        QStringLiteral("/api/v2/workspacebuilds/%1/parameters").arg(buildId), token);
    for (const auto &item : reply.array())
        values.insert(item.toObject().value(QStringLiteral("name")).toString(),
                      item.toObject().value(QStringLiteral("value")).toString());
    return values;
}

const QByteArray brokenTemplate = R"({"provisioner": "process", "resources": [
  {"name": "workspace", "type": "process", "agents": [
    {"name": "main", "command": ["/bin/sh", "-c", "echo the-disk-is-on-fire; exit 3"]}]}]})";

const QByteArray strictTemplate = R"({"provisioner": "process",
  "parameters": [{"name": "project", "display_name": "Project",
                  "description": "Which project to check out."}],
  "resources": [{"name": "home", "type": "home_directory"}]})";

const QByteArray invalidTemplate = R"({"provisioner": "process",
  "resources": [{"name": "ship", "type": "spaceship"}]})";

// A pseudo-terminal as the CLI's stdin, for the questions it asks only on a terminal.
class Conversation
{
public:
    Conversation(const QProcessEnvironment &env, const QStringList &args)
    {
        m_master = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (m_master < 0 || ::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0)
            return;
        const QString slave = QString::fromLocal8Bit(::ptsname(m_master));
        m_process.setProcessEnvironment(env);
        m_process.setStandardInputFile(slave);
        m_process.start(coder::test::CoderdProcess::binary(), args);
    }
    ~Conversation()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
        if (m_master >= 0)
            ::close(m_master);
    }

    bool answer(const QByteArray &prompt, const QByteArray &reply)
    {
        const QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired()) {
            m_err += m_process.readAllStandardError();
            const qsizetype at = m_err.indexOf(prompt, m_consumed);
            if (at >= 0) {
                m_consumed = at + prompt.size();
                const QByteArray line = reply + '\n';
                return ::write(m_master, line.constData(), static_cast<size_t>(line.size())) ==
                       line.size();
            }
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(100);
        }
        return false;
    }

    CliRun finish()
    {
        CliRun result;
        if (m_process.waitForFinished(120000) && m_process.exitStatus() == QProcess::NormalExit)
            result.exitCode = m_process.exitCode();
        result.out = QString::fromUtf8(m_process.readAllStandardOutput());
        result.err = QString::fromUtf8(m_err + m_process.readAllStandardError());
        return result;
    }
    QString errSoFar() const { return QString::fromUtf8(m_err); }

private:
    int m_master = -1;
    QProcess m_process;
    QByteArray m_err;
    qsizetype m_consumed = 0;
};

} // namespace

class TestCliWorkspaces : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void templatesAndWorkspaceLifecycle();
    void failuresAreClear();
    void interactiveCreate();
};

void TestCliWorkspaces::templatesAndWorkspaceLifecycle()
{
    coder::test::CoderdFixture coderd;
    CODER_START_CODERD(coderd);
    const QByteArray token = coderd.api().setupOwner();
    QVERIFY(!token.isEmpty());
    QTemporaryDir home;
    const CoderCli cli(home.filePath(QStringLiteral("config")), coderd.url(), token);
    WorkspaceCleanup cleanup(cli);

    // An example to start from.
    CliRun r = cli.run({QStringLiteral("templates"), QStringLiteral("init"), QStringLiteral("--id"),
                        QStringLiteral("local"), home.filePath(QStringLiteral("mine"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(QFile::exists(home.filePath(QStringLiteral("mine/template.json"))));
    QVERIFY2(r.out.contains(QStringLiteral("coder templates push")), qPrintable(r.describe()));
    r = cli.run({QStringLiteral("templates"), QStringLiteral("init"), QStringLiteral("--id"),
                 QStringLiteral("nonesuch")});
    QVERIFY2(r.exitCode != 0 && r.err.contains(QStringLiteral("local")), qPrintable(r.describe()));

    // Push: the import's logs live, then the new template.
    r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("local"),
                 QStringLiteral("--directory"), localExample(), QStringLiteral("--yes")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("==> ⧗ ")), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("=== ✔ ")), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("Elapsed: ")), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("Template local has been created at ")),
             qPrintable(r.describe()));
    QJsonArray templates = cli.json({QStringLiteral("templates"), QStringLiteral("list")});
    QCOMPARE(names(templates), QStringList{QStringLiteral("local")});
    const QString firstVersion =
        templates.at(0).toObject().value(QStringLiteral("active_version_id")).toString();
    QVERIFY(!firstVersion.isEmpty());

    // A second push (the template's name from the directory's) makes a new active version.
    r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-m"),
                 QStringLiteral("second")},
                localExample());
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("Template local has been updated at ")),
             qPrintable(r.describe()));
    templates = cli.json({QStringLiteral("templates"), QStringLiteral("list")});
    QVERIFY(templates.at(0).toObject().value(QStringLiteral("active_version_id")).toString() !=
            firstVersion);
    const QJsonArray versions = cli.json({QStringLiteral("templates"), QStringLiteral("versions"),
                                          QStringLiteral("list"), QStringLiteral("local")});
    QCOMPARE(versions.size(), 2);
    r = cli.run({QStringLiteral("templates"), QStringLiteral("versions"), QStringLiteral("list"),
                 QStringLiteral("local")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("Active")), qPrintable(r.describe()));

    // Create, with parameters from flags.
    cleanup.add(QStringLiteral("ws1"));
    r = cli.run({QStringLiteral("create"), QStringLiteral("ws1"), QStringLiteral("--template"),
                 QStringLiteral("local"), QStringLiteral("--parameter"),
                 QStringLiteral("greeting=Hello from the test"), QStringLiteral("--parameter"),
                 QStringLiteral("cpus=3"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("==> ⧗ ")), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("The ws1 workspace has been created at ")),
             qPrintable(r.describe()));
    QJsonObject ws1 = cli.workspace(QStringLiteral("ws1"));
    QCOMPARE(status(ws1), QStringLiteral("running"));
    QCOMPARE(ws1.value(QStringLiteral("template_name")).toString(), QStringLiteral("local"));
    QCOMPARE(ws1.value(QStringLiteral("owner_name")).toString(), QStringLiteral("admin"));
    const auto parameters = buildParameters(coderd, token, ws1);
    QCOMPARE(parameters.value(QStringLiteral("greeting")), QStringLiteral("Hello from the test"));
    QCOMPARE(parameters.value(QStringLiteral("cpus")), QStringLiteral("3"));

    r = cli.run({QStringLiteral("list")});
    QVERIFY2(r.exitCode == 0 && r.out.startsWith(QStringLiteral("WORKSPACE")) &&
                 r.out.contains(QStringLiteral("admin/ws1")) &&
                 r.out.contains(QStringLiteral("Running")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("show"), QStringLiteral("admin/ws1")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("process.workspace")) &&
                 r.out.contains(QStringLiteral("agent main")),
             qPrintable(r.describe()));

    // Schedules in Coder's human form.
    r = cli.run({QStringLiteral("schedule"), QStringLiteral("start"), QStringLiteral("ws1"),
                 QStringLiteral("9:30AM"), QStringLiteral("Mon-Fri"),
                 QStringLiteral("Europe/Paris")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("9:30AM Mon-Fri (Europe/Paris)")),
             qPrintable(r.describe()));
    QCOMPARE(cli.workspace(QStringLiteral("ws1")).value(QStringLiteral("autostart_schedule")),
             QJsonValue(QStringLiteral("CRON_TZ=Europe/Paris 30 9 * * 1-5")));
    r = cli.run({QStringLiteral("schedule"), QStringLiteral("stop"), QStringLiteral("ws1"),
                 QStringLiteral("8h")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(cli.workspace(QStringLiteral("ws1")).value(QStringLiteral("ttl_ms")).toInteger(),
             8 * 3600 * 1000);
    r = cli.run({QStringLiteral("schedule"), QStringLiteral("start"), QStringLiteral("ws1"),
                 QStringLiteral("manual")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(
        cli.workspace(QStringLiteral("ws1")).value(QStringLiteral("autostart_schedule")).isNull());
    r = cli.run({QStringLiteral("schedule"), QStringLiteral("show"), QStringLiteral("ws1")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("manual")) &&
                 r.out.contains(QStringLiteral("8h")),
             qPrintable(r.describe()));

    // Stop, start, restart.
    r = cli.run({QStringLiteral("stop"), QStringLiteral("ws1")});
    QVERIFY2(r.exitCode == 0 &&
                 r.out.contains(QStringLiteral("The ws1 workspace has been stopped")),
             qPrintable(r.describe()));
    QCOMPARE(status(cli.workspace(QStringLiteral("ws1"))), QStringLiteral("stopped"));
    r = cli.run({QStringLiteral("stop"), QStringLiteral("ws1")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("already stopped")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("start"), QStringLiteral("ws1")});
    QVERIFY2(r.exitCode == 0 &&
                 r.out.contains(QStringLiteral("The ws1 workspace has been started")),
             qPrintable(r.describe()));
    QCOMPARE(status(cli.workspace(QStringLiteral("ws1"))), QStringLiteral("running"));
    r = cli.run({QStringLiteral("restart"), QStringLiteral("ws1"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0 &&
                 r.out.contains(QStringLiteral("The ws1 workspace has been restarted")),
             qPrintable(r.describe()));
    ws1 = cli.workspace(QStringLiteral("ws1"));
    QCOMPARE(status(ws1), QStringLiteral("running"));
    QCOMPARE(ws1.value(QStringLiteral("latest_build"))
                 .toObject()
                 .value(QStringLiteral("build_number"))
                 .toInt(),
             5);

    // A template with a workspace cannot go; deleting a workspace asks first.
    r = cli.run({QStringLiteral("templates"), QStringLiteral("delete"), QStringLiteral("local"),
                 QStringLiteral("-y")});
    QVERIFY2(r.exitCode != 0 && r.err.startsWith(QStringLiteral("error: ")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("delete"), QStringLiteral("ws1")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("--yes")), qPrintable(r.describe()));
    QVERIFY(!cli.workspace(QStringLiteral("ws1")).isEmpty());
    r = cli.run({QStringLiteral("delete"), QStringLiteral("ws1"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0 &&
                 r.out.contains(QStringLiteral("The ws1 workspace has been deleted")),
             qPrintable(r.describe()));
    QVERIFY(cli.json({QStringLiteral("list")}).isEmpty());
    r = cli.run({QStringLiteral("list")});
    QVERIFY2(r.exitCode == 0 && r.err.contains(QStringLiteral("No workspaces found")),
             qPrintable(r.describe()));

    r = cli.run({QStringLiteral("templates"), QStringLiteral("delete"), QStringLiteral("local"),
                 QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("Deleted template local")),
             qPrintable(r.describe()));
    QVERIFY(cli.json({QStringLiteral("templates"), QStringLiteral("list")}).isEmpty());
}

void TestCliWorkspaces::failuresAreClear()
{
    coder::test::CoderdFixture coderd;
    CODER_START_CODERD(coderd);
    const QByteArray token = coderd.api().setupOwner();
    QVERIFY(!token.isEmpty());
    QTemporaryDir home;
    const CoderCli cli(home.filePath(QStringLiteral("config")), coderd.url(), token);
    WorkspaceCleanup cleanup(cli);
    const QString broken = home.filePath(QStringLiteral("broken"));
    const QString strict = home.filePath(QStringLiteral("strict"));
    const QString invalid = home.filePath(QStringLiteral("invalid"));
    QVERIFY(writeTemplate(broken, brokenTemplate));
    QVERIFY(writeTemplate(strict, strictTemplate));
    QVERIFY(writeTemplate(invalid, invalidTemplate));

    // An import that fails: its lines, exit 1, no template.
    CliRun r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-d"),
                        invalid, QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.startsWith(QStringLiteral("error: ")) &&
                 r.err.contains(QStringLiteral("spaceship")),
             qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("=== ✘ ")), qPrintable(r.describe()));
    QVERIFY(cli.json({QStringLiteral("templates"), QStringLiteral("list")}).isEmpty());
    // A new template without a terminal to ask and without --yes: refused up front.
    r = cli.run(
        {QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-d"), strict});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("--yes")), qPrintable(r.describe()));
    QVERIFY(cli.json({QStringLiteral("templates"), QStringLiteral("list")}).isEmpty());

    // A build that fails prints the failing lines and exits non-zero.
    r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-d"), broken,
                 QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    cleanup.add(QStringLiteral("doomed"));
    r = cli.run({QStringLiteral("create"), QStringLiteral("doomed"), QStringLiteral("-t"),
                 QStringLiteral("broken"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.startsWith(QStringLiteral("error: ")) &&
                 r.err.contains(QStringLiteral("the-disk-is-on-fire")),
             qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("the-disk-is-on-fire")), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QStringLiteral("=== ✘ ")), qPrintable(r.describe()));
    QVERIFY2(!r.out.contains(QStringLiteral("has been created")), qPrintable(r.describe()));
    QCOMPARE(status(cli.workspace(QStringLiteral("doomed"))), QStringLiteral("failed"));
    r = cli.run({QStringLiteral("delete"), QStringLiteral("doomed"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

    // A required parameter without a value and without a terminal: nothing is created.
    r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-d"), strict,
                 QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = cli.run({QStringLiteral("create"), QStringLiteral("ws3"), QStringLiteral("-t"),
                 QStringLiteral("strict"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    QCOMPARE(
        r.err.trimmed(),
        QStringLiteral("error: parameter project is required: pass --parameter project=value"));
    r = cli.run({QStringLiteral("create"), QStringLiteral("ws3"), QStringLiteral("-t"),
                 QStringLiteral("strict"), QStringLiteral("--parameter"),
                 QStringLiteral("project=x"), QStringLiteral("--parameter"),
                 QStringLiteral("colour=blue"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("no parameter \"colour\"")),
             qPrintable(r.describe()));
    // Without -y and without a terminal there is nobody to confirm.
    r = cli.run({QStringLiteral("create"), QStringLiteral("ws3"), QStringLiteral("-t"),
                 QStringLiteral("strict"), QStringLiteral("--parameter"),
                 QStringLiteral("project=x")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("--yes")), qPrintable(r.describe()));
    QVERIFY(cli.json({QStringLiteral("list")}).isEmpty());

    // Names that do not exist, input that is not valid.
    r = cli.run({QStringLiteral("create"), QStringLiteral("ws4"), QStringLiteral("-t"),
                 QStringLiteral("nonesuch"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1 &&
                 r.err.contains(QStringLiteral("template \"nonesuch\" does not exist")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("create"), QStringLiteral("ws4"), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("--template")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("stop"), QStringLiteral("nonesuch")});
    QVERIFY2(r.exitCode == 1 &&
                 r.err.contains(QStringLiteral("workspace \"nonesuch\" does not exist")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("schedule"), QStringLiteral("start"), QStringLiteral("ws3"),
                 QStringLiteral("25:00")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("invalid time")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-d"),
                 home.filePath(QStringLiteral("missing")), QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("does not exist")),
             qPrintable(r.describe()));
}

void TestCliWorkspaces::interactiveCreate()
{
    coder::test::CoderdFixture coderd;
    CODER_START_CODERD(coderd);
    const QByteArray token = coderd.api().setupOwner();
    QVERIFY(!token.isEmpty());
    QTemporaryDir home;
    const CoderCli cli(home.filePath(QStringLiteral("config")), coderd.url(), token);
    WorkspaceCleanup cleanup(cli);
    const QString strict = home.filePath(QStringLiteral("strict"));
    QVERIFY(writeTemplate(strict, strictTemplate));
    CliRun r = cli.run({QStringLiteral("templates"), QStringLiteral("push"), QStringLiteral("-d"),
                        strict, QStringLiteral("-y")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

    {
        // Answering "no" creates nothing.
        Conversation create(cli.environment(), {QStringLiteral("create"), QStringLiteral("ws5"),
                                                QStringLiteral("-t"), QStringLiteral("strict")});
        QVERIFY2(create.answer("Value: ", "coder"), qPrintable(create.errSoFar()));
        QVERIFY2(create.answer("Confirm create? (yes/no): ", "no"), qPrintable(create.errSoFar()));
        r = create.finish();
        QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("canceled")),
                 qPrintable(r.describe()));
        QVERIFY(cli.json({QStringLiteral("list")}).isEmpty());
    }
    cleanup.add(QStringLiteral("ws5"));
    Conversation create(cli.environment(), {QStringLiteral("create"), QStringLiteral("ws5"),
                                            QStringLiteral("-t"), QStringLiteral("strict")});
    // The parameter is introduced with its name and description before the question.
    QVERIFY2(create.answer("Value: ", ""), qPrintable(create.errSoFar()));
    QVERIFY2(create.errSoFar().contains(QStringLiteral("Project (project)")),
             qPrintable(create.errSoFar()));
    QVERIFY2(create.errSoFar().contains(QStringLiteral("Which project to check out.")),
             qPrintable(create.errSoFar()));
    // An empty answer is asked again.
    QVERIFY2(create.answer("Value: ", "coder"), qPrintable(create.errSoFar()));
    QVERIFY2(create.answer("Confirm create? (yes/no): ", "yes"), qPrintable(create.errSoFar()));
    r = create.finish();
    QVERIFY2(r.exitCode == 0 &&
                 r.out.contains(QStringLiteral("The ws5 workspace has been created")),
             qPrintable(r.describe()));
    const QJsonObject ws5 = cli.workspace(QStringLiteral("ws5"));
    QCOMPARE(status(ws5), QStringLiteral("running"));
    QCOMPARE(buildParameters(coderd, token, ws5).value(QStringLiteral("project")),
             QStringLiteral("coder"));
}

QTEST_GUILESS_MAIN(TestCliWorkspaces)
#include "test_cli_workspaces.moc"
