// The docker provisioner against a real, private dockerd (tests/support/docker_daemon.sh, run by
// the CTest fixture `docker`, or by this test itself when run by hand). The image is made here
// from busybox-static alone, so the agent bundle has to bring its own loader, libc and Qt.
#include "server/provisioner/agent_bundle.h"
#include "server/provisioner/docker_client.h"
#include "server/provisioner/docker_provisioner.h"
#include "tests/support/api_test_client.h"
#include "tests/support/coderd_process.h"
#include "tests/support/provisioning_helpers.h"
#include "tests/support/unavailable.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace coder::server;

namespace {

const QString kImage = QStringLiteral("coder-test-busybox:latest");

// The agent command of the tests' template: records the bundled agent's version and each start
// in the home volume, then idles (and ends at once on SIGTERM, so stops are quick).
const QString kAgentScript =
    QStringLiteral("/opt/coder/bin/coder-agent --version > /home/coder/version.txt 2>&1; "
                   "echo started >> /home/coder/starts.log; "
                   "trap 'exit 0' TERM; sleep 100000 & wait");

QString runScript(const QString &script, const QStringList &arguments, int *exitCode)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(script, arguments);
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
    }
    *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return QString::fromLocal8Bit(process.readAll());
}

struct Recorder
{
    QStringList logs;
    QList<QByteArray> checkpoints;
    std::function<bool()> canceled = [] { return false; };

    JobContext context()
    {
        return JobContext{
            [this](const QString &level, const QString &stage, const QString &output) {
                logs << QStringLiteral("%1 [%2] %3").arg(level, stage, output);
            },
            [this](const QByteArray &state) { checkpoints << state; },
            [this] { return canceled(); },
        };
    }
};

QJsonObject json(const QByteArray &state)
{
    return QJsonDocument::fromJson(state).object();
}

} // namespace

class TestDockerProvisioner : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_temp;
    QString m_daemonDir; // set when this test started the daemon itself
    QString m_script;
    QString m_socket;
    QString m_bundle;
    QString m_coderVersion;
    std::optional<DockerClient> m_client;

    DockerProvisionerOptions options() const
    {
        DockerProvisionerOptions options;
        options.socketPath = m_socket;
        options.bundleDirectory = m_bundle;
        options.bundleCommand = {QStringLiteral("/opt/coder/bin/coder-agent")};
        return options;
    }

    static QString agentBinary()
    {
        return QFileInfo(qEnvironmentVariable("CODER_BINARY")).dir().filePath(u"coder-agent"_qs);
    }

    static coder::core::TemplateManifest manifest(const QString &image = kImage,
                                                  const QString &script = kAgentScript)
    {
        coder::core::TemplateManifest manifest;
        manifest.provisioner = QStringLiteral("docker");
        coder::core::TemplateResource home;
        home.name = QStringLiteral("home");
        home.type = QStringLiteral("docker_volume");
        home.persistent = true;
        coder::core::TemplateResource dev;
        dev.name = QStringLiteral("dev");
        dev.type = QStringLiteral("docker_container");
        dev.image = image;
        coder::core::TemplateAgent agent;
        agent.command = {QStringLiteral("sh"), QStringLiteral("-c"), script};
        agent.env.insert(QStringLiteral("EDITOR"), QStringLiteral("vi"));
        dev.agents << agent;
        manifest.resources << home << dev;
        return manifest;
    }

    static BuildRequest request(const QUuid &workspace, const QString &transition,
                                const QByteArray &priorState = {},
                                const coder::core::TemplateManifest &templateManifest = manifest())
    {
        BuildRequest request;
        request.buildId = QUuid::createUuid();
        request.transition = transition;
        request.workspace = {workspace, QStringLiteral("ws1"), QUuid::createUuid(),
                             QStringLiteral("alice"), QStringLiteral("http://127.0.0.1:3000")};
        request.manifest = templateManifest;
        request.parameters = {{QStringLiteral("region"), QStringLiteral("eu-west")}};
        request.priorState = priorState;
        return request;
    }

    static QString describe(const coder::core::Result<BuildResult, BuildFailure> &result,
                            const Recorder &recorder)
    {
        return result.ok() ? QString()
                           : result.error().message + QStringLiteral("\nlog:\n") +
                                 recorder.logs.join(u'\n');
    }

    QStringList labelled(const QString &kind, const QUuid &workspace) const
    {
        const QStringList filter{QStringLiteral("coder.workspace_id=") +
                                 workspace.toString(QUuid::WithoutBraces)};
        QStringList names;
        if (kind == QLatin1String("containers")) {
            auto list = m_client->listContainers(filter, true);
            if (list)
                for (const QJsonValue &value : std::as_const(*list))
                    names << value.toObject().value(QStringLiteral("Id")).toString();
        } else {
            auto list = m_client->listVolumes(filter);
            if (list)
                for (const QJsonValue &value : std::as_const(*list))
                    names << value.toObject().value(QStringLiteral("Name")).toString();
        }
        return names;
    }

    // A file's content, read through the archive endpoint (the container need not run).
    QByteArray readFile(const QString &container, const QString &path) const
    {
        auto tar = m_client->containerArchive(container, path);
        if (!tar)
            return {};
        QProcess untar;
        untar.start(QStringLiteral("tar"), {QStringLiteral("-xOf"), QStringLiteral("-")});
        untar.write(*tar);
        untar.closeWriteChannel();
        untar.waitForFinished(30000);
        return untar.readAllStandardOutput();
    }

    int archiveStatus(const QString &container, const QString &path) const
    {
        auto tar = m_client->containerArchive(container, path);
        return tar ? 200 : tar.error().status;
    }

    // Waits (not a timing assertion: the agent writes as soon as it runs) for a file.
    QByteArray waitForFile(const QString &container, const QString &path, int lines = 1) const
    {
        QByteArray content;
        for (int i = 0; i < 300; ++i) {
            content = readFile(container, path);
            if (content.count('\n') >= lines)
                break;
            QThread::msleep(100);
        }
        return content;
    }

    // A stopped container with the workspace's volume, to look into it after a stop.
    QString inspector(const QString &volume)
    {
        DockerContainerSpec spec;
        spec.image = kImage;
        spec.cmd = {QStringLiteral("true")};
        spec.mounts << DockerMount{QStringLiteral("volume"), volume, QStringLiteral("/data"), true};
        spec.labels.insert(QStringLiteral("coder.test"), QStringLiteral("inspector"));
        auto id = m_client->containerCreate(spec);
        return id ? *id : QString();
    }

    QString containerEnv(const QJsonObject &inspect, const QString &name) const
    {
        const QJsonArray env = inspect.value(QStringLiteral("Config"))
                                   .toObject()
                                   .value(QStringLiteral("Env"))
                                   .toArray();
        for (const QJsonValue &value : env)
            if (value.toString().startsWith(name + u'='))
                return value.toString().mid(name.size() + 1);
        return QStringLiteral("<unset>");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_temp.isValid());
        m_script = qEnvironmentVariable("CODER_SOURCE_DIR") +
                   QStringLiteral("/tests/support/docker_daemon.sh");
        QString dir = qEnvironmentVariable("CODER_TEST_DOCKER_DIR");
        if (dir.isEmpty()) {
            QVERIFY2(QFileInfo(m_script).isExecutable(),
                     "CODER_SOURCE_DIR must name the source tree (CTest sets it)");
            dir = m_temp.filePath(QStringLiteral("docker"));
            int exitCode = 0;
            const QString output = runScript(m_script, {QStringLiteral("start"), dir}, &exitCode);
            QVERIFY2(exitCode == 0, qPrintable(output));
            m_daemonDir = dir;
        }
        QFile skip(dir + QStringLiteral("/skip"));
        if (skip.open(QIODevice::ReadOnly))
            CODER_UNAVAILABLE(QStringLiteral("no private Docker daemon here: ") +
                              QString::fromUtf8(skip.readAll()).trimmed());
        QFile socket(dir + QStringLiteral("/socket"));
        QVERIFY2(
            socket.open(QIODevice::ReadOnly),
            qPrintable(QStringLiteral("the docker fixture left no %1").arg(socket.fileName())));
        m_socket = QString::fromUtf8(socket.readAll()).trimmed();
        m_client.emplace(m_socket);
        auto pinged = m_client->ping();
        QVERIFY2(pinged.ok(), qPrintable(pinged.ok() ? QString() : pinged.error().message));

        // The image: busybox-static and its applets, nothing else (no libc, no loader, no Qt).
        const QString busybox = QStringLiteral("/bin/busybox");
        QVERIFY2(QFileInfo::exists(busybox), "/bin/busybox is missing (install busybox-static)");
        auto interpreter = AgentBundle::interpreter(busybox);
        QVERIFY2(interpreter.ok() && interpreter->isEmpty(),
                 "/bin/busybox must be statically linked (busybox-static)");
        QDir rootfs(m_temp.filePath(QStringLiteral("rootfs")));
        QVERIFY(rootfs.mkpath(QStringLiteral("bin")));
        QVERIFY(QFile::copy(busybox, rootfs.filePath(QStringLiteral("bin/busybox"))));
        for (const char *applet : {"sh", "sleep", "cat", "ls", "echo", "true", "id", "env"})
            QVERIFY(QFile::link(QStringLiteral("busybox"),
                                rootfs.filePath(QStringLiteral("bin/") + QLatin1String(applet))));
        QProcess tar;
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), rootfs.path(), QStringLiteral("-cf"), QStringLiteral("-"),
                   QStringLiteral(".")});
        QVERIFY(tar.waitForFinished(60000));
        QCOMPARE(tar.exitCode(), 0);
        auto imported = m_client->imageImport(tar.readAllStandardOutput(), kImage);
        QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));

        // The bundle of the agent binary this build made (coder-agent beside coder), and the
        // version it must print: coder's.
        const QString coder = qEnvironmentVariable("CODER_BINARY");
        QVERIFY2(QFileInfo(coder).isExecutable(), "CODER_BINARY must name the coder binary");
        QVERIFY(QFileInfo(agentBinary()).isExecutable());
        QProcess version;
        version.start(coder, {QStringLiteral("--version")});
        QVERIFY(version.waitForFinished(30000));
        m_coderVersion = QString::fromUtf8(version.readAllStandardOutput()).trimmed();
        QVERIFY(!m_coderVersion.isEmpty());
        auto bundle =
            AgentBundle(agentBinary(), m_temp.filePath(QStringLiteral("bundles"))).prepare();
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error().message));
        m_bundle = *bundle;
    }

    void cleanup()
    {
        if (!m_client)
            return;
        // Everything a test made, whatever it left: the daemon is private to this run.
        if (auto containers = m_client->listContainers({}, true))
            for (const QJsonValue &value : std::as_const(*containers))
                m_client->containerRemove(value.toObject().value(QStringLiteral("Id")).toString(),
                                          true);
        if (auto volumes = m_client->listVolumes({}))
            for (const QJsonValue &value : std::as_const(*volumes))
                m_client->volumeRemove(value.toObject().value(QStringLiteral("Name")).toString(),
                                       true);
    }

    void cleanupTestCase()
    {
        if (m_client)
            m_client->imageRemove(kImage, true);
        if (!m_daemonDir.isEmpty()) {
            int exitCode = 0;
            const QString output =
                runScript(m_script, {QStringLiteral("stop"), m_daemonDir}, &exitCode);
            QVERIFY2(exitCode == 0, qPrintable(output));
        }
    }

    void bundleIsCachedAndRunsOnTheHost()
    {
        auto again =
            AgentBundle(agentBinary(), m_temp.filePath(QStringLiteral("bundles"))).prepare();
        QVERIFY(again.ok());
        QCOMPARE(*again, m_bundle);
        QVERIFY(QFileInfo(m_bundle + QStringLiteral("/bin/coder-agent")).isExecutable());
        QVERIFY(QFileInfo(m_bundle + QStringLiteral("/bin/coder-agent.real")).isExecutable());
        QVERIFY(QFileInfo(m_bundle + QStringLiteral("/lib/ld-linux-x86-64.so.2")).isExecutable());
        QVERIFY(QFileInfo::exists(m_bundle + QStringLiteral("/lib/libQt6Core.so.6")));
        QVERIFY(QFileInfo::exists(m_bundle + QStringLiteral("/lib/libc.so.6")));

        // A binary whose name would not stay a name inside the start script is refused.
        const QString odd = m_temp.filePath(u"odd$(touch x)\"agent"_qs);
        QVERIFY(QFile::copy(agentBinary(), odd));
        const auto refused = AgentBundle(odd, m_temp.filePath(QStringLiteral("bundles"))).prepare();
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(u"has characters other than"_qs),
                 qPrintable(refused.error().message));

        // Started by another name, from another directory: the script finds its bundle.
        const QString link = m_temp.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(link));
        QVERIFY(QFile::link(m_bundle, link + QStringLiteral("/bundle")));
        QProcess process;
        process.setWorkingDirectory(QDir::rootPath());
        process.start(link + QStringLiteral("/bundle/bin/coder-agent"),
                      {QStringLiteral("--version")});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()).trimmed(), m_coderVersion);
    }

    void checkRejectsWhatDockerCannotBuild()
    {
        DockerProvisioner provisioner(options());
        QCOMPARE(provisioner.name(), QStringLiteral("docker"));
        QCOMPARE(provisioner.check(manifest()), QString());

        coder::core::TemplateManifest wrong = manifest();
        wrong.resources[0].persistent = false;
        QCOMPARE(provisioner.check(wrong),
                 QStringLiteral("resource \"home\": a docker_volume is persistent"));
        wrong = manifest();
        wrong.resources[1].persistent = true;
        QVERIFY(provisioner.check(wrong).startsWith(
            QStringLiteral("resource \"dev\": a docker_container is ephemeral")));
        wrong = manifest();
        wrong.resources[1].image.clear();
        QCOMPARE(provisioner.check(wrong),
                 QStringLiteral("resource \"dev\": a docker_container needs an image"));
        wrong = manifest();
        wrong.resources[1].agents << coder::core::TemplateAgent{};
        QCOMPARE(provisioner.check(wrong),
                 QStringLiteral("resource \"dev\": a docker_container runs at most one agent"));
        wrong = manifest();
        wrong.resources[1].type = QStringLiteral("process");
        QCOMPARE(provisioner.check(wrong),
                 QStringLiteral("resource \"dev\": type \"process\" is not a docker provisioner "
                                "resource (docker_volume, docker_container)"));
        wrong = manifest();
        wrong.resources[1].name = QStringLiteral("../dev");
        QVERIFY(provisioner.check(wrong).startsWith(QStringLiteral("resource \"../dev\": a docker "
                                                                   "resource name")));
        wrong = manifest();
        wrong.provisioner = QStringLiteral("process");
        QCOMPARE(provisioner.check(wrong),
                 QStringLiteral("the template is for the process provisioner, not docker"));
    }

    void startRunsTheBundledAgent()
    {
        const QUuid workspace = QUuid::createUuid();
        const QString id = workspace.toString(QUuid::WithoutBraces);
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto result =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY2(result.ok(), qPrintable(describe(result, recorder)));

        // What was made, as reported.
        const QString volumeName = QStringLiteral("coder-%1-home").arg(id);
        const QString containerName = QStringLiteral("coder-%1-dev").arg(id);
        const QJsonObject state = json(result->state);
        QCOMPARE(state.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(state.value(QStringLiteral("volumes")).toArray(), QJsonArray{volumeName});
        const QJsonArray containers = state.value(QStringLiteral("containers")).toArray();
        QCOMPARE(containers.size(), 1);
        const QString containerId = containers[0].toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(containers[0].toObject().value(QStringLiteral("name")).toString(), containerName);
        QCOMPARE(result->resources.size(), 2);
        QCOMPARE(result->resources[0].name, QStringLiteral("home"));
        QVERIFY(result->resources[0].persistent);
        QCOMPARE(result->resources[1].type, QStringLiteral("docker_container"));
        QVERIFY(!result->resources[1].persistent);
        QCOMPARE(result->resources[1].agents.size(), 1);
        const QString token = result->resources[1].agents[0].token;
        QCOMPARE(token.size(), 43); // 32 random bytes, base64url without padding
        QVERIFY(!recorder.checkpoints.isEmpty());
        QCOMPARE(json(recorder.checkpoints.constLast()), state);

        // The container as Docker sees it.
        auto inspect = m_client->containerInspect(containerName);
        QVERIFY(inspect.ok());
        QCOMPARE(inspect->value(QStringLiteral("Id")).toString(), containerId);
        QVERIFY(inspect->value(QStringLiteral("State"))
                    .toObject()
                    .value(QStringLiteral("Running"))
                    .toBool());
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_AGENT_TOKEN")), token);
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_AGENT_URL")),
                 QStringLiteral("http://127.0.0.1:3000"));
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_WORKSPACE_ID")), id);
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_WORKSPACE_NAME")),
                 QStringLiteral("ws1"));
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_WORKSPACE_OWNER")),
                 QStringLiteral("alice"));
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_WORKSPACE_AGENT_NAME")),
                 QStringLiteral("main"));
        QCOMPARE(containerEnv(*inspect, QStringLiteral("CODER_PARAMETER_REGION")),
                 QStringLiteral("eu-west"));
        QCOMPARE(containerEnv(*inspect, QStringLiteral("HOME")), QStringLiteral("/home/coder"));
        QCOMPARE(containerEnv(*inspect, QStringLiteral("EDITOR")), QStringLiteral("vi"));
        const QJsonObject labels = inspect->value(QStringLiteral("Config"))
                                       .toObject()
                                       .value(QStringLiteral("Labels"))
                                       .toObject();
        QCOMPARE(labels.value(QStringLiteral("coder.workspace_id")).toString(), id);
        QCOMPARE(labels.value(QStringLiteral("coder.owner")).toString(), QStringLiteral("alice"));
        QCOMPARE(labels.value(QStringLiteral("coder.resource")).toString(), QStringLiteral("dev"));
        QCOMPARE(inspect->value(QStringLiteral("HostConfig"))
                     .toObject()
                     .value(QStringLiteral("NetworkMode"))
                     .toString(),
                 QStringLiteral("host"));
        bool bundleReadOnly = false;
        bool homeMounted = false;
        for (const QJsonValue &value : inspect->value(QStringLiteral("Mounts")).toArray()) {
            const QJsonObject mount = value.toObject();
            if (mount.value(QStringLiteral("Destination")).toString() ==
                QLatin1String("/opt/coder"))
                bundleReadOnly = !mount.value(QStringLiteral("RW")).toBool();
            if (mount.value(QStringLiteral("Destination")).toString() ==
                QLatin1String("/home/coder"))
                homeMounted = mount.value(QStringLiteral("Name")).toString() == volumeName;
        }
        QVERIFY(bundleReadOnly);
        QVERIFY(homeMounted);

        // The image has no loader and no libc: the agent ran on what the bundle brought.
        QCOMPARE(archiveStatus(containerId, QStringLiteral("/lib")), 404);
        QCOMPARE(archiveStatus(containerId, QStringLiteral("/lib64")), 404);
        QCOMPARE(archiveStatus(containerId, QStringLiteral("/usr")), 404);
        const QByteArray version =
            waitForFile(containerId, QStringLiteral("/home/coder/version.txt"));
        QCOMPARE(QString::fromUtf8(version).trimmed(), m_coderVersion);

        // The token is a secret: never in the build log.
        QVERIFY(!recorder.logs.isEmpty());
        for (const QString &line : std::as_const(recorder.logs))
            QVERIFY2(!line.contains(token), qPrintable(line));
        QVERIFY(recorder.logs.join(u'\n').contains(QStringLiteral("Container ") + containerName +
                                                   QStringLiteral(" started")));
    }

    void homeSurvivesStopAndStart()
    {
        const QUuid workspace = QUuid::createUuid();
        const QString volumeName =
            QStringLiteral("coder-%1-home").arg(workspace.toString(QUuid::WithoutBraces));
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto first =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY2(first.ok(), qPrintable(describe(first, recorder)));
        const QString firstId = json(first->state)
                                    .value(QStringLiteral("containers"))
                                    .toArray()[0]
                                    .toObject()
                                    .value(QStringLiteral("id"))
                                    .toString();
        QCOMPARE(waitForFile(firstId, QStringLiteral("/home/coder/starts.log")),
                 QByteArray("started\n"));

        auto stopped = provisioner.apply(request(workspace, QStringLiteral("stop"), first->state),
                                         recorder.context());
        QVERIFY2(stopped.ok(), qPrintable(describe(stopped, recorder)));
        QCOMPARE(m_client->containerInspect(firstId).error().status, 404);
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());
        QVERIFY(m_client->volumeInspect(volumeName).ok());
        const QJsonObject stoppedState = json(stopped->state);
        QCOMPARE(stoppedState.value(QStringLiteral("volumes")).toArray(), QJsonArray{volumeName});
        QVERIFY(stoppedState.value(QStringLiteral("containers")).toArray().isEmpty());
        QCOMPARE(stopped->resources.size(), 1);
        QCOMPARE(stopped->resources[0].name, QStringLiteral("home"));
        QVERIFY(stopped->resources[0].persistent);

        // The home's files, seen from another container while the workspace is stopped.
        const QString look = inspector(volumeName);
        QVERIFY(!look.isEmpty());
        QCOMPARE(readFile(look, QStringLiteral("/data/starts.log")), QByteArray("started\n"));
        QVERIFY(m_client->containerRemove(look, true).ok());

        auto second = provisioner.apply(request(workspace, QStringLiteral("start"), stopped->state),
                                        recorder.context());
        QVERIFY2(second.ok(), qPrintable(describe(second, recorder)));
        const QString secondId = json(second->state)
                                     .value(QStringLiteral("containers"))
                                     .toArray()[0]
                                     .toObject()
                                     .value(QStringLiteral("id"))
                                     .toString();
        QVERIFY(secondId != firstId);
        QCOMPARE(waitForFile(secondId, QStringLiteral("/home/coder/starts.log"), 2),
                 QByteArray("started\nstarted\n"));
        // A fresh agent token per start.
        QVERIFY(second->resources[1].agents[0].token != first->resources[1].agents[0].token);
    }

    void deleteRemovesContainerAndVolume()
    {
        const QUuid workspace = QUuid::createUuid();
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto started =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY2(started.ok(), qPrintable(describe(started, recorder)));
        QCOMPARE(labelled(QStringLiteral("containers"), workspace).size(), 1);
        QCOMPARE(labelled(QStringLiteral("volumes"), workspace).size(), 1);

        auto deleted = provisioner.apply(
            request(workspace, QStringLiteral("delete"), started->state), recorder.context());
        QVERIFY2(deleted.ok(), qPrintable(describe(deleted, recorder)));
        QVERIFY(deleted->state.isEmpty());
        QVERIFY(deleted->resources.isEmpty());
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());
        QVERIFY(labelled(QStringLiteral("volumes"), workspace).isEmpty());
    }

    void stopAndDeleteFindWhatTheStateMissed()
    {
        // A daemon killed before its first checkpoint leaves objects no state names.
        const QUuid workspace = QUuid::createUuid();
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto started =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY2(started.ok(), qPrintable(describe(started, recorder)));

        auto stopped =
            provisioner.apply(request(workspace, QStringLiteral("stop")), recorder.context());
        QVERIFY2(stopped.ok(), qPrintable(describe(stopped, recorder)));
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());
        QCOMPARE(json(stopped->state).value(QStringLiteral("volumes")).toArray().size(), 1);

        auto deleted =
            provisioner.apply(request(workspace, QStringLiteral("delete")), recorder.context());
        QVERIFY2(deleted.ok(), qPrintable(describe(deleted, recorder)));
        QVERIFY(labelled(QStringLiteral("volumes"), workspace).isEmpty());
    }

    void startReplacesALeftoverContainer()
    {
        const QUuid workspace = QUuid::createUuid();
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto first =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY2(first.ok(), qPrintable(describe(first, recorder)));
        // Started again without a stop and without the state: the name is taken.
        auto second =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY2(second.ok(), qPrintable(describe(second, recorder)));
        const QStringList containers = labelled(QStringLiteral("containers"), workspace);
        QCOMPARE(containers.size(), 1);
        QCOMPARE(containers[0], json(second->state)
                                    .value(QStringLiteral("containers"))
                                    .toArray()[0]
                                    .toObject()
                                    .value(QStringLiteral("id"))
                                    .toString());
    }

    void missingImageFailsAndLeavesNothing()
    {
        const QUuid workspace = QUuid::createUuid();
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto result = provisioner.apply(request(workspace, QStringLiteral("start"), {},
                                                manifest(QStringLiteral("coder-test-missing:1"))),
                                        recorder.context());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message,
                 QStringLiteral("image coder-test-missing:1 not found on the Docker host "
                                "(pulling is not supported here)"));
        QVERIFY(result.error().state.isEmpty());
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());
        QVERIFY(labelled(QStringLiteral("volumes"), workspace).isEmpty());
        QVERIFY(recorder.logs.join(u'\n').contains(result.error().message));
    }

    void exitedAgentFailsWithItsOutput()
    {
        const QUuid workspace = QUuid::createUuid();
        DockerProvisioner provisioner(options());
        Recorder recorder;
        auto result = provisioner.apply(
            request(
                workspace, QStringLiteral("start"), {},
                manifest(kImage, QStringLiteral("echo preparing; echo agent-broke >&2; exit 3"))),
            recorder.context());
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(
                     QStringLiteral("container coder-%1-dev exited with code 3 right after it "
                                    "started; its last output:\n")
                         .arg(workspace.toString(QUuid::WithoutBraces))),
                 qPrintable(result.error().message));
        // stdout and stderr, in whichever order Docker's two copiers stored them.
        QVERIFY2(result.error().message.contains(QStringLiteral("\npreparing")),
                 qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(QStringLiteral("\nagent-broke")),
                 qPrintable(result.error().message));
        // The failed container stays in the state, and the next stop removes it.
        const QJsonObject state = json(result.error().state);
        QCOMPARE(state.value(QStringLiteral("containers")).toArray().size(), 1);
        auto stopped = provisioner.apply(
            request(workspace, QStringLiteral("stop"), result.error().state), recorder.context());
        QVERIFY2(stopped.ok(), qPrintable(describe(stopped, recorder)));
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());
    }

    void unreachableDaemon()
    {
        DockerProvisionerOptions unreachable = options();
        unreachable.socketPath = m_temp.filePath(QStringLiteral("no-docker.sock"));
        DockerProvisioner provisioner(unreachable);
        Recorder recorder;
        const QUuid workspace = QUuid::createUuid();
        auto result =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message,
                 QStringLiteral("cannot reach the Docker daemon at unix://%1: the socket does not "
                                "exist (is dockerd running?)")
                     .arg(unreachable.socketPath));
        QVERIFY(result.error().state.isEmpty());

        // A stop that cannot reach the daemon still reports what exists.
        const QByteArray prior =
            R"({"version":1,"volumes":["coder-x-home"],"containers":[{"id":"abc","name":"coder-x-dev"}]})";
        auto stopped = provisioner.apply(request(workspace, QStringLiteral("stop"), prior),
                                         recorder.context());
        QVERIFY(!stopped.ok());
        QVERIFY(
            stopped.error().message.startsWith(QStringLiteral("cannot reach the Docker daemon")));
        QCOMPARE(json(stopped.error().state), json(prior));
    }

    void cancelStopsBetweenSteps()
    {
        const QUuid workspace = QUuid::createUuid();
        DockerProvisioner provisioner(options());
        Recorder recorder;
        // Canceled once the volume exists: the container is never made.
        recorder.canceled = [&recorder] { return !recorder.checkpoints.isEmpty(); };
        auto result =
            provisioner.apply(request(workspace, QStringLiteral("start")), recorder.context());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message, QStringLiteral("The build was canceled."));
        const QJsonObject state = json(result.error().state);
        QCOMPARE(state.value(QStringLiteral("volumes")).toArray().size(), 1);
        QVERIFY(state.value(QStringLiteral("containers")).toArray().isEmpty());
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());

        Recorder cleanup;
        auto deleted = provisioner.apply(
            request(workspace, QStringLiteral("delete"), result.error().state), cleanup.context());
        QVERIFY2(deleted.ok(), qPrintable(describe(deleted, cleanup)));
        QVERIFY(labelled(QStringLiteral("volumes"), workspace).isEmpty());
    }

    void noBundleNeedsACommand()
    {
        DockerProvisionerOptions bare = options();
        bare.bundleDirectory.clear();
        DockerProvisioner provisioner(bare);
        coder::core::TemplateManifest noCommand = manifest();
        noCommand.resources[1].agents[0].command.clear();
        Recorder recorder;
        const QUuid workspace = QUuid::createUuid();
        auto result = provisioner.apply(request(workspace, QStringLiteral("start"), {}, noCommand),
                                        recorder.context());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message,
                 QStringLiteral("agent main of dev has no command, and this docker provisioner "
                                "has no agent bundle to run"));
        QVERIFY(labelled(QStringLiteral("containers"), workspace).isEmpty());
    }

    void builtThroughCoderd()
    {
        // The docker example template, pushed to a real `coder server` whose built-in daemon
        // speaks to the private dockerd (DOCKER_HOST): the workspace's container and volume
        // come and go with its builds.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("unix://") + m_socket);
        coder::test::CoderdProcess coderd;
        QVERIFY(coderd.start({QStringLiteral("--provisioner-daemons"), QStringLiteral("1")}, env));
        coder::test::ApiTestClient api(coderd.url());
        const QByteArray token = api.setupOwner();
        QVERIFY(!token.isEmpty());
        const QJsonObject tmpl =
            coder::test::pushTemplate(api, token, QStringLiteral("docker"),
                                      coder::test::exampleTemplateDir(QStringLiteral("docker")),
                                      {{u"provisioner"_qs, u"docker"_qs}});
        QVERIFY(!tmpl.isEmpty());
        const QJsonObject workspace = coder::test::createWorkspace(
            api, token, QStringLiteral("me"), tmpl.value(u"id").toString(), QStringLiteral("boxed"),
            {{QStringLiteral("image"), kImage}});
        const QString workspaceId = workspace.value(u"id").toString();
        QVERIFY(!workspaceId.isEmpty());
        const QJsonObject started = coder::test::waitForBuild(
            api, token, workspace[u"latest_build"][u"id"].toString(), 120'000);
        QVERIFY2(started.value(u"status").toString() == u"running",
                 QJsonDocument(started).toJson(QJsonDocument::Compact).constData());
        const QString label = QStringLiteral("coder.workspace_id=") + workspaceId;
        auto containers = m_client->listContainers({label}, false);
        QVERIFY(containers.ok());
        QCOMPARE(containers->size(), 1); // running

        // The template names no agent command: the container runs `coder agent` from the bundle
        // (on an image with no libc), which connects, runs the startup script and ships its
        // output.
        const auto agent = [&] {
            const QJsonObject current =
                api.get(u"/api/v2/workspaces/"_qs + workspaceId, token).json();
            for (const QJsonValue &resource : current[u"latest_build"][u"resources"].toArray())
                for (const QJsonValue &a : resource[u"agents"].toArray())
                    return a.toObject();
            return QJsonObject();
        };
        const auto ready = [&] {
            const QJsonObject a = agent();
            return a.value(u"status").toString() == u"connected"_qs &&
                   a.value(u"lifecycle_state").toString() == u"ready"_qs;
        };
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 60'000 && !ready())
            QThread::msleep(200);
        QVERIFY2(ready(), QJsonDocument(agent()).toJson(QJsonDocument::Compact).constData());
        const QString agentId = agent().value(u"id").toString();
        QTRY_VERIFY_WITH_TIMEOUT(api.get(u"/api/v2/workspaceagents/%1/logs"_qs.arg(agentId), token)
                                     .body.contains("Workspace boxed of admin is up."),
                                 10000);
        auto volumes = m_client->listVolumes({label});
        QVERIFY(volumes.ok());
        QCOMPARE(volumes->size(), 1);

        const coder::test::ApiReply deleting =
            api.post(u"/api/v2/workspaces/%1/builds"_qs.arg(workspaceId),
                     {{u"transition"_qs, u"delete"_qs}}, token);
        QCOMPARE(deleting.status, 201);
        const QJsonObject deleted =
            coder::test::waitForBuild(api, token, deleting.json().value(u"id").toString(), 120'000);
        QVERIFY2(deleted.value(u"status").toString() == u"deleted",
                 QJsonDocument(deleted).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(m_client->listContainers({label}, true)->size(), 0);
        QCOMPARE(m_client->listVolumes({label})->size(), 0);
    }

    void dockerErrorsCarryDockersMessage()
    {
        auto inspect = m_client->containerInspect(QStringLiteral("coder-no-such-container"));
        QVERIFY(!inspect.ok());
        QCOMPARE(inspect.error().status, 404);
        QCOMPARE(inspect.error().message,
                 QStringLiteral("No such container: coder-no-such-container"));
        auto version = m_client->version();
        QVERIFY(version.ok());
        QCOMPARE(version->value(QStringLiteral("ApiVersion")).toString(), QStringLiteral("1.41"));
    }
};

QTEST_GUILESS_MAIN(TestDockerProvisioner)
#include "test_docker_provisioner.moc"
