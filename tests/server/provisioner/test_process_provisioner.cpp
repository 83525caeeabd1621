#include "server/provisioner/process_provisioner.h"
#include "tests/support/unavailable.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <csignal>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace coder::server;
using namespace Qt::StringLiterals;

namespace {

// The workload of most tests: two children, and a grandchild that leaves the session.
const QStringList treeCommand{u"/bin/sh"_s, u"-c"_s,
                              u"sleep 300 & sleep 300 & setsid sleep 300 & echo started; wait"_s};

QByteArray readProc(qint64 pid, const char *file)
{
    QFile f(QStringLiteral("/proc/%1/").arg(pid) + QLatin1String(file));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// Fields of /proc/PID/stat after the command name: [0] state, [3] session, [19] start time.
QList<QByteArray> statFields(qint64 pid)
{
    const QByteArray stat = readProc(pid, "stat");
    const qsizetype close = stat.lastIndexOf(')');
    return close < 0 ? QList<QByteArray>{} : stat.mid(close + 2).split(' ');
}

bool isLive(qint64 pid)
{
    const QList<QByteArray> fields = statFields(pid);
    return fields.size() > 19 && fields[0] != "Z" && fields[0] != "X";
}

QMap<QByteArray, QByteArray> environOf(qint64 pid)
{
    QMap<QByteArray, QByteArray> result;
    for (const QByteArray &entry : readProc(pid, "environ").split('\0')) {
        const qsizetype eq = entry.indexOf('=');
        if (eq > 0)
            result.insert(entry.left(eq), entry.mid(eq + 1));
    }
    return result;
}

// Every live process whose environment carries the workspace's tag (an independent scan).
QList<qint64> taggedProcesses(const QUuid &workspace)
{
    const QByteArray id = workspace.toString(QUuid::WithoutBraces).toLatin1();
    QList<qint64> result;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (ok && isLive(pid) && environOf(pid).value("CODER_WORKSPACE_ID") == id)
            result.append(pid);
    }
    return result;
}

void killTagged(const QUuid &workspace)
{
    for (const qint64 pid : taggedProcesses(workspace))
        ::kill(static_cast<pid_t>(pid), SIGKILL);
}

struct Recorder
{
    QStringList logs;
    QList<QByteArray> checkpoints;
    bool cancelOnceStarted = false; // cancel as soon as a checkpoint records a process
    bool canceled = false;

    JobContext context()
    {
        JobContext context;
        context.log = [this](const QString &level, const QString &stage, const QString &output) {
            logs.append(level + u" ["_s + stage + u"] "_s + output);
        };
        context.checkpoint = [this](const QByteArray &state) {
            checkpoints.append(state);
            if (cancelOnceStarted &&
                !QJsonDocument::fromJson(state)[u"processes"_s].toArray().isEmpty())
                canceled = true;
        };
        context.canceled = [this] { return canceled; };
        return context;
    }
};

coder::core::TemplateManifest manifestFor(const QStringList &command, const QString &directory = {})
{
    coder::core::TemplateManifest manifest;
    coder::core::TemplateResource home;
    home.name = u"home"_s;
    home.type = u"home_directory"_s;
    home.persistent = true;
    coder::core::TemplateResource process;
    process.name = u"workspace"_s;
    process.type = u"process"_s;
    coder::core::TemplateAgent agent;
    agent.name = u"main"_s;
    agent.command = command;
    agent.directory = directory;
    agent.env.insert(u"FROM_TEMPLATE"_s, u"yes"_s);
    process.agents.append(agent);
    manifest.resources = {home, process};
    return manifest;
}

BuildRequest requestFor(const QString &transition, const QUuid &workspace,
                        const coder::core::TemplateManifest &manifest,
                        const QByteArray &priorState = {})
{
    BuildRequest request;
    request.buildId = QUuid::createUuid();
    request.transition = transition;
    request.workspace.id = workspace;
    request.workspace.name = u"dev"_s;
    request.workspace.ownerName = u"alice"_s;
    request.workspace.ownerId = QUuid::createUuid();
    request.workspace.accessUrl = u"http://127.0.0.1:3000"_s;
    request.manifest = manifest;
    request.parameters = {coder::core::WorkspaceBuildParameter{u"my-param"_s, u"v1"_s}};
    request.priorState = priorState;
    return request;
}

QJsonObject stateObject(const QByteArray &state)
{
    return QJsonDocument::fromJson(state).object();
}

qint64 leaderPid(const QByteArray &state)
{
    const QJsonArray processes = stateObject(state)[u"processes"_s].toArray();
    return processes.isEmpty() ? 0 : processes.first()[u"pid"_s].toInteger();
}

int modeOf(const QString &path)
{
    struct stat info;
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777)
                                                                    : -1;
}

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString tokenOf(const BuildResult &result)
{
    for (const ProvisionedResource &resource : result.resources)
        for (const ProvisionedAgent &agent : resource.agents)
            return agent.token;
    return {};
}

} // namespace

class TestProcessProvisioner : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QList<QUuid> m_workspaces; // cleaned up after each test, whatever happened

    QString root() const { return m_dir.path() + u"/workspaces"_s; }
    QUuid newWorkspace()
    {
        m_workspaces.append(QUuid::createUuid());
        return m_workspaces.last();
    }
    QString workspaceDir(const QUuid &id) const
    {
        return root() + QLatin1Char('/') + id.toString(QUuid::WithoutBraces);
    }
    ProcessProvisionerOptions options(const QString &sandbox = u"none"_s) const
    {
        ProcessProvisionerOptions options;
        options.workspacesRoot = root();
        options.sandbox = sandbox;
        return options;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The daemon's environment does not leak into workspaces.
        qputenv("CODER_TEST_NOT_INHERITED", "1");
    }

    void cleanup()
    {
        for (const QUuid &id : std::as_const(m_workspaces))
            killTagged(id);
        m_workspaces.clear();
    }

    void checkAcceptsOnlyHomeAndProcess()
    {
        ProcessProvisioner provisioner(options());
        QCOMPARE(provisioner.name(), u"process"_s);
        coder::core::TemplateManifest manifest = manifestFor(treeCommand);
        QCOMPARE(provisioner.check(manifest), QString());

        coder::core::TemplateManifest container = manifest;
        container.resources[1].type = u"docker_container"_s;
        QVERIFY(provisioner.check(container).contains(u"docker_container"_s));

        coder::core::TemplateManifest ephemeralHome = manifest;
        ephemeralHome.resources[0].persistent = false;
        QVERIFY(provisioner.check(ephemeralHome).contains(u"persistent"_s));

        coder::core::TemplateManifest persistentProcess = manifest;
        persistentProcess.resources[1].persistent = true;
        QVERIFY(provisioner.check(persistentProcess).contains(u"ephemeral"_s));
    }

    void startStopStartDelete()
    {
        ProcessProvisioner provisioner(options());
        const QUuid id = newWorkspace();
        const coder::core::TemplateManifest manifest = manifestFor(treeCommand);
        Recorder recorder;
        auto started = provisioner.apply(requestFor(u"start"_s, id, manifest), recorder.context());
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));

        const QString home = workspaceDir(id) + u"/home"_s;
        QCOMPARE(modeOf(root()), 0700);
        QCOMPARE(modeOf(workspaceDir(id)), 0700);
        QCOMPARE(modeOf(home), 0700);
        const QString log = workspaceDir(id) + u"/logs/main.log"_s;
        QTRY_VERIFY_WITH_TIMEOUT(readText(log).contains(u"started"_s), 10000);
        QCOMPARE(modeOf(log), 0600);

        // The shell, two sleeps, and the one that left the session: all carry the tag.
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 4, 10000);
        const qint64 leader = leaderPid(started->state);
        QVERIFY(leader > 0);
        QVERIFY(taggedProcesses(id).contains(leader));
        QCOMPARE(statFields(leader).value(3).toLongLong(), leader); // a session of its own
        bool escaped = false;
        for (const qint64 pid : taggedProcesses(id))
            escaped = escaped || statFields(pid).value(3).toLongLong() != leader;
        QVERIFY2(escaped, "the setsid grandchild should have left the agent's session");

        // Not the daemon's child: it survives the daemon and leaves no zombie in it.
        QVERIFY(statFields(leader).value(1).toLongLong() != ::getpid());

        // The agent's environment.
        const QString token = tokenOf(*started);
        QCOMPARE(token.size(), 43); // 32 bytes, base64url without padding
        const auto environment = environOf(leader);
        QCOMPARE(environment.value("CODER_AGENT_TOKEN"), token.toLatin1());
        QCOMPARE(environment.value("CODER_AGENT_URL"), QByteArray("http://127.0.0.1:3000"));
        QCOMPARE(environment.value("HOME"), QFile::encodeName(home));
        QCOMPARE(environment.value("CODER_WORKSPACE_NAME"), QByteArray("dev"));
        QCOMPARE(environment.value("CODER_WORKSPACE_OWNER"), QByteArray("alice"));
        QCOMPARE(environment.value("CODER_WORKSPACE_AGENT_NAME"), QByteArray("main"));
        QCOMPARE(environment.value("CODER_PARAMETER_MY_PARAM"), QByteArray("v1"));
        QCOMPARE(environment.value("FROM_TEMPLATE"), QByteArray("yes"));
        QCOMPARE(environment.value("TERM"), QByteArray("xterm-256color"));
        QVERIFY(environment.contains("PATH"));
        QVERIFY(environment.contains("USER"));
        QVERIFY(!environment.contains("CODER_TEST_NOT_INHERITED"));
        QCOMPARE(QFileInfo(u"/proc/%1/cwd"_s.arg(leader)).symLinkTarget(), home);
        for (const QString &line : std::as_const(recorder.logs))
            QVERIFY2(!line.contains(token), "the agent token must never be logged");
        QVERIFY(recorder.logs.join(u'\n').contains(u"Starting agent main: sh"_s));
        // The daemon's pid was checkpointed before the build ended.
        QVERIFY(!recorder.checkpoints.isEmpty());
        QCOMPARE(leaderPid(recorder.checkpoints.last()), leader);

        // The home survives a stop.
        {
            QFile kept(home + u"/kept.txt"_s);
            QVERIFY(kept.open(QIODevice::WriteOnly));
            kept.write("mine");
        }
        Recorder stopRecorder;
        auto stopped = provisioner.apply(requestFor(u"stop"_s, id, manifest, started->state),
                                         stopRecorder.context());
        QVERIFY2(stopped.ok(), qPrintable(stopped.ok() ? QString() : stopped.error().message));
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
        QVERIFY(!isLive(leader));
        QCOMPARE(readText(home + u"/kept.txt"_s), u"mine"_s);
        QVERIFY(stateObject(stopped->state)[u"processes"_s].toArray().isEmpty());
        QCOMPARE(stateObject(stopped->state)[u"home"_s].toString(), home);
        QVERIFY(stopRecorder.logs.join(u'\n').contains(u"[Stopping workspace]"_s));
        QCOMPARE(stopped->resources.size(), 1); // the home
        QCOMPARE(stopped->resources.first().type, u"home_directory"_s);

        // Started again: a fresh token, the same home.
        Recorder again;
        auto restarted = provisioner.apply(requestFor(u"start"_s, id, manifest, stopped->state),
                                           again.context());
        QVERIFY2(restarted.ok(),
                 qPrintable(restarted.ok() ? QString() : restarted.error().message));
        const QString secondToken = tokenOf(*restarted);
        QVERIFY(secondToken != token);
        const qint64 secondLeader = leaderPid(restarted->state);
        QCOMPARE(environOf(secondLeader).value("CODER_AGENT_TOKEN"), secondToken.toLatin1());
        QCOMPARE(readText(home + u"/kept.txt"_s), u"mine"_s);
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 4, 10000);

        // Delete stops and removes everything, read-only directories included.
        QVERIFY(QDir().mkpath(home + u"/readonly/sub"_s));
        QFile inReadOnly(home + u"/readonly/sub/file"_s);
        QVERIFY(inReadOnly.open(QIODevice::WriteOnly));
        inReadOnly.close();
        ::chmod(QFile::encodeName(home + u"/readonly/sub"_s).constData(), 0500);
        ::chmod(QFile::encodeName(home + u"/readonly"_s).constData(), 0500);
        QVERIFY(QFile::link(u"/etc/hostname"_s, home + u"/link"_s));
        Recorder deleter;
        auto deleted = provisioner.apply(requestFor(u"delete"_s, id, manifest, restarted->state),
                                         deleter.context());
        QVERIFY2(deleted.ok(), qPrintable(deleted.ok() ? QString() : deleted.error().message));
        QVERIFY(deleted->state.isEmpty());
        QVERIFY(!QFileInfo::exists(workspaceDir(id)));
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
        QVERIFY(QFileInfo::exists(u"/etc/hostname"_s));
    }

    void missingCommandFailsClearly()
    {
        ProcessProvisioner provisioner(options());
        const QUuid id = newWorkspace();
        Recorder recorder;
        auto notInPath =
            provisioner.apply(requestFor(u"start"_s, id, manifestFor({u"coder-no-such-command"_s})),
                              recorder.context());
        QVERIFY(!notInPath.ok());
        QVERIFY2(notInPath.error().message.contains(u"coder-no-such-command"_s) &&
                     notInPath.error().message.contains(u"not found"_s),
                 qPrintable(notInPath.error().message));
        QVERIFY(stateObject(notInPath.error().state)[u"processes"_s].toArray().isEmpty());

        auto noFile = provisioner.apply(
            requestFor(u"start"_s, id, manifestFor({u"/nonexistent/coder-agent"_s})),
            recorder.context());
        QVERIFY(!noFile.ok());
        QVERIFY2(noFile.error().message.contains(u"/nonexistent/coder-agent"_s) &&
                     noFile.error().message.contains(u"No such file"_s),
                 qPrintable(noFile.error().message));

        // A command that ends at once: its output is in the message.
        auto endsAtOnce = provisioner.apply(
            requestFor(u"start"_s, id,
                       manifestFor({u"/bin/sh"_s, u"-c"_s, u"echo agent-broke >&2; exit 3"_s})),
            recorder.context());
        QVERIFY(!endsAtOnce.ok());
        QVERIFY2(endsAtOnce.error().message.contains(u"ended right after it started"_s) &&
                     endsAtOnce.error().message.contains(u"agent-broke"_s),
                 qPrintable(endsAtOnce.error().message));
        QVERIFY(stateObject(endsAtOnce.error().state)[u"processes"_s].toArray().isEmpty());

        auto noCommand =
            provisioner.apply(requestFor(u"start"_s, id, manifestFor({})), recorder.context());
        QVERIFY(!noCommand.ok());
        QCOMPARE(noCommand.error().message, u"agent main has no command"_s);
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
    }

    void cancelDuringStartStopsWhatItStarted()
    {
        ProcessProvisioner provisioner(options());
        const QUuid id = newWorkspace();
        Recorder recorder;
        recorder.cancelOnceStarted = true;
        auto result = provisioner.apply(requestFor(u"start"_s, id, manifestFor(treeCommand)),
                                        recorder.context());
        QVERIFY(recorder.canceled);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(u"canceled"_s),
                 qPrintable(result.error().message));
        QVERIFY(stateObject(result.error().state)[u"processes"_s].toArray().isEmpty());
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
    }

    void startStopsLeftoversOfPriorState()
    {
        ProcessProvisioner provisioner(options());
        const QUuid id = newWorkspace();
        const coder::core::TemplateManifest manifest = manifestFor(treeCommand);
        Recorder recorder;
        auto first = provisioner.apply(requestFor(u"start"_s, id, manifest), recorder.context());
        QVERIFY(first.ok());
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 4, 10000);
        const QByteArray firstToken = tokenOf(*first).toLatin1();

        // As after a failed stop: start again from the state whose processes still run.
        auto second = provisioner.apply(requestFor(u"start"_s, id, manifest, first->state),
                                        recorder.context());
        QVERIFY2(second.ok(), qPrintable(second.ok() ? QString() : second.error().message));
        QVERIFY(!isLive(leaderPid(first->state)));
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 4, 10000);
        for (const qint64 pid : taggedProcesses(id))
            QCOMPARE(environOf(pid).value("CODER_AGENT_TOKEN"), tokenOf(*second).toLatin1());
        QVERIFY(firstToken != tokenOf(*second).toLatin1());
    }

    void stopWithoutStateFindsProcessesByTag()
    {
        ProcessProvisioner provisioner(options());
        const QUuid id = newWorkspace();
        const coder::core::TemplateManifest manifest = manifestFor(treeCommand);
        Recorder recorder;
        QVERIFY(provisioner.apply(requestFor(u"start"_s, id, manifest), recorder.context()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 4, 10000);
        auto stopped =
            provisioner.apply(requestFor(u"stop"_s, id, manifest, {}), recorder.context());
        QVERIFY(stopped.ok());
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
    }

    void stopIgnoringSigtermIsKilled()
    {
        ProcessProvisionerOptions fast = options();
        fast.stopGraceMs = 300;
        ProcessProvisioner provisioner(fast);
        const QUuid id = newWorkspace();
        const coder::core::TemplateManifest manifest =
            manifestFor({u"/bin/sh"_s, u"-c"_s, u"trap '' TERM; sleep 300 & echo started; wait"_s});
        Recorder recorder;
        auto started = provisioner.apply(requestFor(u"start"_s, id, manifest), recorder.context());
        QVERIFY(started.ok());
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 2, 10000);
        auto stopped = provisioner.apply(requestFor(u"stop"_s, id, manifest, started->state),
                                         recorder.context());
        QVERIFY(stopped.ok());
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
        QVERIFY(recorder.logs.join(u'\n').contains(u"SIGKILL"_s));
    }

    void reusedPidIsLeftAlone()
    {
        QProcess unrelated;
        // A session leader, as the agent it stands in for was: its session is at stake too.
        unrelated.start(u"setsid"_s, {u"sleep"_s, u"300"_s});
        QVERIFY(unrelated.waitForStarted());
        auto guard = qScopeGuard([&] {
            unrelated.kill();
            unrelated.waitForFinished();
        });
        const qint64 pid = unrelated.processId();
        // setsid(1) execs sleep in the same process once it made the session.
        QTRY_COMPARE_WITH_TIMEOUT(statFields(pid).value(3).toLongLong(), pid, 10000);
        const quint64 realStart = statFields(pid).value(19).toULongLong();
        QVERIFY(realStart > 0);

        const QUuid id = newWorkspace();
        QJsonObject process;
        process.insert(u"agent"_s, u"main"_s);
        process.insert(u"pid"_s, pid);
        process.insert(u"start_time"_s, QString::number(realStart + 7));
        process.insert(u"sandbox"_s, u"none"_s);
        QJsonObject state;
        state.insert(u"version"_s, 1);
        state.insert(u"workspace_dir"_s, workspaceDir(id));
        state.insert(u"home"_s, QString(workspaceDir(id) + u"/home"_s));
        state.insert(u"processes"_s, QJsonArray{process});
        const QByteArray forged = QJsonDocument(state).toJson();
        ProcessProvisioner provisioner(options());
        Recorder recorder;
        auto stopped = provisioner.apply(
            requestFor(u"stop"_s, id, manifestFor(treeCommand), forged), recorder.context());
        QVERIFY(stopped.ok());
        QVERIFY(!unrelated.waitForFinished(200));
        QCOMPARE(unrelated.state(), QProcess::Running);
        QVERIFY(isLive(pid));
        QVERIFY(recorder.logs.join(u'\n').contains(u"left alone"_s));
    }

    void survivesTheDaemon()
    {
        const QUuid id = newWorkspace();
        const coder::core::TemplateManifest manifest = manifestFor(treeCommand);
        QByteArray lastCheckpoint;
        {
            auto daemon = std::make_unique<ProcessProvisioner>(options());
            Recorder recorder;
            QVERIFY(daemon->apply(requestFor(u"start"_s, id, manifest), recorder.context()).ok());
            lastCheckpoint = recorder.checkpoints.last();
        } // the daemon is gone; only its checkpoint is left
        QTRY_COMPARE_WITH_TIMEOUT(taggedProcesses(id).size(), 4, 10000);
        QVERIFY(isLive(leaderPid(lastCheckpoint)));

        ProcessProvisioner next(options());
        Recorder recorder;
        auto stopped =
            next.apply(requestFor(u"stop"_s, id, manifest, lastCheckpoint), recorder.context());
        QVERIFY(stopped.ok());
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
    }

    void deleteRefusesWhatIsNotItsDirectory()
    {
        QTemporaryDir outside;
        QVERIFY(outside.isValid());
        QFile precious(outside.path() + u"/precious"_s);
        QVERIFY(precious.open(QIODevice::WriteOnly));
        precious.close();

        const QUuid id = newWorkspace();
        QVERIFY(QDir().mkpath(root()));
        QVERIFY(QFile::link(outside.path(), workspaceDir(id)));
        ProcessProvisioner provisioner(options());
        Recorder recorder;
        auto deleted = provisioner.apply(requestFor(u"delete"_s, id, manifestFor(treeCommand)),
                                         recorder.context());
        QVERIFY(!deleted.ok());
        QVERIFY2(deleted.error().message.contains(u"refusing"_s),
                 qPrintable(deleted.error().message));
        QVERIFY(QFileInfo::exists(outside.path() + u"/precious"_s));
        QFile::remove(workspaceDir(id));
    }

    void bubblewrapSandbox()
    {
        const QString bwrap = ProcessProvisioner::findBubblewrap();
        if (bwrap.isEmpty())
            CODER_UNAVAILABLE(u"bwrap is not installed (Debian package bubblewrap)"_s);
        QProcess probe;
        probe.start(bwrap, {u"--ro-bind"_s, u"/"_s, u"/"_s, u"--dev"_s, u"/dev"_s, u"--proc"_s,
                            u"/proc"_s, u"--unshare-pid"_s, u"--"_s, u"/bin/true"_s});
        if (!probe.waitForFinished(20000) || probe.exitCode() != 0)
            CODER_UNAVAILABLE(u"bwrap cannot create namespaces here: "_s +
                              QString::fromLocal8Bit(probe.readAllStandardError()));

        // Another workspace's home, which the sandbox must not show.
        const QUuid other = newWorkspace();
        QVERIFY(QDir().mkpath(workspaceDir(other) + u"/home"_s));
        QFile secret(workspaceDir(other) + u"/home/secret"_s);
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.close();
        // A file in the host's /tmp, which the sandbox's own /tmp does not have.
        QTemporaryFile hostTmp(u"/tmp/coder-sandbox-probe-XXXXXX"_s);
        QVERIFY(hostTmp.open());
        const QString usrProbe =
            u"/usr/coder-sandbox-probe-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
        auto cleanUsr = qScopeGuard([&] { QFile::remove(usrProbe); });

        const QString script =
            u"echo inside > \"$HOME/written\" && echo home-writable; "
            "if touch %1 2>/dev/null; then echo usr-writable; else echo usr-readonly; fi; "
            "if [ -e %2 ]; then echo host-tmp-visible; else echo own-tmp; fi; "
            "if [ -e %3 ]; then echo other-visible; else echo other-hidden; fi; "
            "sleep 300 & setsid sleep 300 & echo ready; wait"_s.arg(
                usrProbe, hostTmp.fileName(), workspaceDir(other) + u"/home/secret"_s);
        const coder::core::TemplateManifest manifest = manifestFor({u"/bin/sh"_s, u"-c"_s, script});
        ProcessProvisioner provisioner(options(u"bwrap"_s));
        QCOMPARE(provisioner.check(manifest), QString());
        const QUuid id = newWorkspace();
        Recorder recorder;
        auto started = provisioner.apply(requestFor(u"start"_s, id, manifest), recorder.context());
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        QCOMPARE(stateObject(started->state)[u"processes"_s][0][u"sandbox"_s].toString(),
                 u"bwrap"_s);

        const QString log = workspaceDir(id) + u"/logs/main.log"_s;
        QTRY_VERIFY_WITH_TIMEOUT(readText(log).contains(u"ready"_s), 10000);
        const QString output = readText(log);
        QVERIFY2(output.contains(u"home-writable"_s), qPrintable(output));
        QVERIFY2(output.contains(u"usr-readonly"_s), qPrintable(output));
        QVERIFY2(output.contains(u"own-tmp"_s), qPrintable(output));
        QVERIFY2(output.contains(u"other-hidden"_s), qPrintable(output));
        QCOMPARE(readText(workspaceDir(id) + u"/home/written"_s), u"inside\n"_s);
        QVERIFY(!QFileInfo::exists(usrProbe));
        // bwrap, its namespace init, the shell and two sleeps.
        QTRY_VERIFY_WITH_TIMEOUT(taggedProcesses(id).size() >= 4, 10000);

        auto stopped = provisioner.apply(requestFor(u"stop"_s, id, manifest, started->state),
                                         recorder.context());
        QVERIFY2(stopped.ok(), qPrintable(stopped.ok() ? QString() : stopped.error().message));
        QCOMPARE(taggedProcesses(id), QList<qint64>{});
        QVERIFY(!isLive(leaderPid(started->state)));
    }
};

QTEST_GUILESS_MAIN(TestProcessProvisioner)
#include "test_process_provisioner.moc"
