// Provisioner daemons against real processes: coderd (`coder server`) and external daemons
// (`coder provisionerd start`) on loopback, on SQLite and on PostgreSQL (CODER_TEST_BACKEND).
// Covers the pre-shared key, the job queue under four competing daemons, job tags, and the
// orphan recovery when a daemon or coderd itself dies in the middle of a build: the job is
// failed once its heartbeat stops, and a delete build afterwards removes every process and the
// workspace directory the dead build left behind.
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "tests/support/raw_http.h"
#include "tests/support/unavailable.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <memory>
#include <vector>

using namespace coder::test;
using namespace Qt::StringLiterals;

namespace {

// What coderd says when it fails a job whose daemon stopped heartbeating
// (ProvisionerJobServer::failStaleJobs).
const QString kStaleJobError = u"stopped responding"_s;

// Short heartbeats, so that an orphaned job is failed within seconds.
constexpr int kHeartbeatIntervalMs = 200;
constexpr int kHeartbeatTimeoutMs = 2000;
QStringList heartbeatArgs(int timeoutMs = kHeartbeatTimeoutMs)
{
    return {u"--provisioner-heartbeat-interval"_s, QString::number(kHeartbeatIntervalMs / 1000.0),
            u"--provisioner-heartbeat-timeout"_s, QString::number(timeoutMs / 1000.0)};
}
const QStringList kHeartbeatArgs = heartbeatArgs();

// coderd without built-in daemons, taking external ones that present `psk`.
QStringList externalDaemonsOnly(const QString &psk, int heartbeatTimeoutMs = kHeartbeatTimeoutMs)
{
    return QStringList{u"--provisioner-daemons"_s, u"0"_s, u"--provisioner-daemon-psk"_s, psk} +
           heartbeatArgs(heartbeatTimeoutMs);
}

QString randomKey()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / 4);
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString jobStatus(const QJsonObject &object)
{
    return object.value(u"job").toObject().value(u"status").toString();
}

bool isActive(const QString &status)
{
    return status == u"pending" || status == u"running" || status == u"canceling";
}

void signalProcess(QProcess &process, int signal)
{
    if (process.state() != QProcess::NotRunning && process.processId() > 0)
        ::kill(pid_t(process.processId()), signal);
}

// SIGKILLs every process with KEY=VALUE in its environment: the safety net that keeps a failed
// test from leaving workspace agents behind.
void killProcessesWithEnv(const QString &key, const QString &value)
{
    const QByteArray wanted = (key + u'=' + value).toUtf8();
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const int pid = entry.toInt(&isPid);
        if (!isPid || pid == ::getpid())
            continue;
        QFile environ(u"/proc/%1/environ"_s.arg(entry));
        if (environ.open(QIODevice::ReadOnly) && environ.readAll().split('\0').contains(wanted))
            ::kill(pid, SIGKILL);
    }
}

// One `coder provisionerd start` process with a data dir of its own (or a given one).
class ExternalDaemon
{
public:
    ExternalDaemon(const QString &name, const QString &dataDir) : m_name(name), m_dataDir(dataDir)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&m_process, &QProcess::readyRead,
                         [this] { m_output += m_process.readAll(); });
    }
    ~ExternalDaemon() { stop(); }

    void start(const QUrl &url, const QString &psk, const QStringList &tags = {})
    {
        QStringList args{u"provisionerd"_s,
                         u"start"_s,
                         u"--url"_s,
                         url.toString(),
                         u"--psk"_s,
                         psk,
                         u"--name"_s,
                         m_name,
                         u"--data-dir"_s,
                         m_dataDir,
                         u"--heartbeat-interval"_s,
                         u"0.2"_s};
        for (const QString &tag : tags)
            args << u"--tag"_s << tag;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"CODER_URL"_s);
        env.remove(u"CODER_PROVISIONER_DAEMON_PSK"_s);
        env.remove(u"CODER_PROVISIONERD_TAGS"_s);
        m_process.setProcessEnvironment(env);
        m_process.start(CoderdProcess::binary(), args);
    }

    // Waits for the line it prints once its first connection attempt ended.
    bool waitStarted(int timeoutMs = 30'000)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (output().contains(u"Provisioner daemon %1 started"_s.arg(m_name)))
                return true;
            if (m_process.state() == QProcess::NotRunning)
                return false;
            QTest::qWait(20);
        }
        return false;
    }

    // Graceful stop (SIGTERM, as a service manager would), then SIGKILL if it hangs.
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        signalProcess(m_process, SIGCONT);
        signalProcess(m_process, SIGTERM);
        if (!m_process.waitForFinished(15'000)) {
            m_process.kill();
            m_process.waitForFinished(5'000);
        }
    }

    QProcess &process() { return m_process; }
    QString name() const { return m_name; }
    QString dataDir() const { return m_dataDir; }
    QString output()
    {
        m_output += m_process.readAll();
        return QString::fromUtf8(m_output);
    }

private:
    QString m_name;
    QString m_dataDir;
    QProcess m_process;
    QByteArray m_output;
};

} // namespace

// Starts this test's coderd; skips where no PostgreSQL cluster is there (outside CI).
#define START_CODERD(...)                                                                          \
    do {                                                                                           \
        if (!startCoderd(__VA_ARGS__)) {                                                           \
            if (!m_skip.isEmpty())                                                                 \
                CODER_UNAVAILABLE(m_skip);                                                         \
            QFAIL("coder server did not start");                                                   \
        }                                                                                          \
    } while (false)

class TestProvisionerDaemons : public QObject
{
    Q_OBJECT

private:
    bool startCoderd(const QStringList &args)
    {
        m_coderd = std::make_unique<CoderdFixture>();
        if (!m_coderd->start(args)) {
            m_skip = m_coderd->skipReason();
            return false;
        }
        m_token = m_coderd->api().setupOwner();
        return !m_token.isEmpty();
    }

    ApiTestClient &api() { return m_coderd->api(); }

    ExternalDaemon &addDaemon(const QString &name, const QString &dataDir = {})
    {
        m_daemons.push_back(std::make_unique<ExternalDaemon>(
            name, dataDir.isEmpty() ? m_dir->filePath(name) : dataDir));
        return *m_daemons.back();
    }

    // The daemons coderd knows, by name.
    QHash<QString, QJsonObject> daemonsByName()
    {
        QHash<QString, QJsonObject> byName;
        const ApiReply reply = api().get(u"/api/v2/provisionerdaemons"_s, m_token);
        for (const QJsonValue &value : reply.array())
            byName.insert(value[u"name"].toString(), value.toObject());
        return byName;
    }

    // Starts the daemon and waits until coderd lists it.
    bool connectDaemon(ExternalDaemon &daemon, const QString &psk, const QStringList &tags = {})
    {
        daemon.start(m_coderd->url(), psk, tags);
        if (!daemon.waitStarted()) {
            qWarning("daemon %s did not start:\n%s", qPrintable(daemon.name()),
                     qPrintable(daemon.output()));
            return false;
        }
        const QDeadlineTimer deadline(10'000);
        while (!deadline.hasExpired()) {
            if (daemonsByName().contains(daemon.name()))
                return true;
            QTest::qWait(50);
        }
        qWarning("coderd does not list daemon %s", qPrintable(daemon.name()));
        return false;
    }

    // Writes a process template whose agent sleeps (a workspace with a long-lived process) and
    // pushes it; returns the template id.
    QString pushSleepingTemplate(const QString &name)
    {
        const QString dir =
            writeTemplate(m_dir->filePath(u"template-"_s + name),
                          processTemplate({u"/bin/sh"_s, u"-c"_s, u"exec sleep 100000"_s}));
        if (dir.isEmpty())
            return {};
        return pushTemplate(api(), m_token, name, dir).value(u"id").toString();
    }

    // Creates a workspace and polls its first build every few milliseconds until the job runs
    // (and, with waitForAgent, until its agent process exists too), then calls freeze() while
    // the job is still running. Returns the workspace, or an empty object (with a warning) when
    // the moment was missed. freezesCoderd: coderd itself was frozen, so it cannot be asked
    // whether the job was still running when it froze.
    QJsonObject workspaceFrozenMidBuild(const QString &templateId, const QString &name,
                                        bool waitForAgent, const std::function<void()> &freeze,
                                        bool freezesCoderd = false)
    {
        const QJsonObject workspace = createWorkspace(api(), m_token, u"admin"_s, templateId, name);
        const QString workspaceId = workspace.value(u"id").toString();
        const QString buildId = workspace[u"latest_build"][u"id"].toString();
        if (workspaceId.isEmpty() || buildId.isEmpty())
            return {};
        m_workspaceIds.append(workspaceId);
        const QDeadlineTimer deadline(60'000);
        while (!deadline.hasExpired()) {
            const ApiReply reply = api().get(u"/api/v2/workspacebuilds/"_s + buildId, m_token);
            const QString status = jobStatus(reply.json());
            if (status == u"running" &&
                (!waitForAgent ||
                 countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId) > 0)) {
                freeze();
                if (freezesCoderd)
                    return workspace;
                // Frozen: make sure the job had not ended just before.
                const QString after =
                    jobStatus(api().get(u"/api/v2/workspacebuilds/"_s + buildId, m_token).json());
                if (after != u"running") {
                    qWarning("the build ended (%s) before it could be frozen", qPrintable(after));
                    return {};
                }
                return workspace;
            }
            if (!status.isEmpty() && !isActive(status)) {
                qWarning("the build ended (%s) before it was seen running", qPrintable(status));
                return {};
            }
            QTest::qWait(5);
        }
        qWarning("the build never ran");
        return {};
    }

    // After the orphaned build was failed: no job of the workspace is still active.
    void verifyNoActiveJob(const QString &workspaceId)
    {
        const ApiReply builds =
            api().get(u"/api/v2/workspaces/%1/builds"_s.arg(workspaceId), m_token);
        QCOMPARE(builds.status, 200);
        QVERIFY(!builds.array().isEmpty());
        for (const QJsonValue &build : builds.array()) {
            const QString status = build[u"job"][u"status"].toString();
            QVERIFY2(
                !isActive(status),
                qPrintable(
                    u"build %1 is still %2"_s.arg(build[u"build_number"].toInt()).arg(status)));
        }
    }

    // Deletes the workspace and checks that nothing of it is left: no process with its id in
    // the environment, no directory under workspacesRoot.
    void deleteAndVerifyClean(const QString &workspaceId, const QString &workspacesRoot)
    {
        const ApiReply created = api().post(u"/api/v2/workspaces/%1/builds"_s.arg(workspaceId),
                                            {{u"transition"_s, u"delete"_s}}, m_token);
        QVERIFY2(created.status == 201, created.body.constData());
        const QJsonObject done =
            waitForBuild(api(), m_token, created.json().value(u"id").toString(), 60'000);
        const QJsonObject job = done.value(u"job").toObject();
        QVERIFY2(job.value(u"status").toString() == u"succeeded",
                 QJsonDocument(job).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId), 0);
        const QString directory = workspacesRoot + u'/' + workspaceId;
        QVERIFY2(!QFileInfo::exists(directory), qPrintable(directory + u" still exists"_s));
        const ApiReply workspace =
            api().get(u"/api/v2/workspaces/%1?include_deleted=true"_s.arg(workspaceId), m_token);
        QCOMPARE(workspace.status, 200);
        QCOMPARE(workspace.json()[u"latest_build"][u"status"].toString(), u"deleted"_s);
    }

    std::unique_ptr<CoderdFixture> m_coderd;
    std::vector<std::unique_ptr<ExternalDaemon>> m_daemons;
    QStringList m_workspaceIds;
    QByteArray m_token;
    QString m_skip;
    std::unique_ptr<QTemporaryDir> m_dir; // daemons' data dirs and templates, one per function

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QVERIFY2(!CoderdProcess::binary().isEmpty(), "CODER_BINARY is not set: run through ctest");
    }

    // Runs after every test function, passed or failed: nothing it started may outlive it.
    void cleanup()
    {
        for (auto &daemon : m_daemons)
            daemon->stop();
        m_daemons.clear();
        if (m_coderd) {
            signalProcess(m_coderd->process().process(), SIGCONT);
            m_coderd->stop();
        }
        m_coderd.reset();
        for (const QString &id : std::as_const(m_workspaceIds))
            killProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, id);
        m_workspaceIds.clear();
        m_token.clear();
        m_skip.clear();
        m_dir.reset();
    }

    void preSharedKey()
    {
        const QString psk = randomKey();
        START_CODERD(externalDaemonsOnly(psk));
        const QString serve = u"/api/v2/provisionerdaemons/serve?name=probe&provisioner=process"_s;

        // A wrong key: the CLI gives up at once (retrying cannot help) and says why.
        {
            ExternalDaemon &wrong = addDaemon(u"wrong"_s);
            wrong.start(m_coderd->url(), psk + u"x"_s);
            QVERIFY2(wrong.process().waitForFinished(20'000), qPrintable(wrong.output()));
            QCOMPARE(wrong.process().exitStatus(), QProcess::NormalExit);
            QVERIFY(wrong.process().exitCode() != 0);
            QVERIFY2(wrong.output().contains(u"pre-shared key"_s), qPrintable(wrong.output()));
            QVERIFY2(!wrong.output().contains(psk), "the key was printed");
        }
        // No key at all, from a WebSocket client: the upgrade is refused.
        {
            WebSocketCollector socket;
            QVERIFY(!socket.open(m_coderd->url(), serve, {}));
            QVERIFY2(socket.error().contains(u"401"_s), qPrintable(socket.error()));
        }
        // The refusal is an HTTP 401 with a JSON error before any upgrade.
        const RawReply missing = rawUpgrade(m_coderd->url(), serve, {});
        QVERIFY2(missing.problem.isEmpty(), qPrintable(missing.problem));
        QCOMPARE(missing.status, 401);
        const QJsonObject missingError = QJsonDocument::fromJson(missing.body).object();
        QVERIFY2(missingError.value(u"message").toString().contains(u"pre-shared key"_s),
                 missing.body.constData());
        const RawReply wrongKey =
            rawUpgrade(m_coderd->url(), serve, {{"Coder-Provisioner-Daemon-PSK", "not-the-key"}});
        QCOMPARE(wrongKey.status, 401);
        QVERIFY2(QJsonDocument::fromJson(wrongKey.body)
                     .object()
                     .value(u"message")
                     .toString()
                     .contains(u"pre-shared key"_s),
                 wrongKey.body.constData());
        // A session token is no substitute for the key.
        const RawReply session =
            rawUpgrade(m_coderd->url(), serve, {{"Coder-Session-Token", m_token}});
        QCOMPARE(session.status, 401);

        // The right key: the daemon connects and is listed with its tags.
        ExternalDaemon &good = addDaemon(u"d1"_s);
        QVERIFY(connectDaemon(good, psk, {u"cloud=aws"_s, u"region=eu-west"_s}));
        QVERIFY2(!good.output().contains(u"refused"_s), qPrintable(good.output()));
        const QJsonObject listed = daemonsByName().value(u"d1"_s);
        QVERIFY(!listed.isEmpty());
        QVERIFY(!QUuid::fromString(listed.value(u"id").toString()).isNull());
        QCOMPARE(listed.value(u"tags").toObject(),
                 (QJsonObject{{u"cloud"_s, u"aws"_s}, {u"region"_s, u"eu-west"_s}}));
        QVERIFY(listed.value(u"provisioners").toArray().contains(u"process"_s));
        const QDateTime lastSeen =
            QDateTime::fromString(listed.value(u"last_seen_at").toString(), Qt::ISODateWithMs);
        QVERIFY2(lastSeen.isValid(), qPrintable(listed.value(u"last_seen_at").toString()));
        const qint64 age = lastSeen.msecsTo(QDateTime::currentDateTimeUtc());
        QVERIFY2(age > -5'000 && age < 60'000, qPrintable(u"last seen %1 ms ago"_s.arg(age)));
        // The list is for signed-in users only.
        QCOMPARE(api().get(u"/api/v2/provisionerdaemons"_s).status, 401);

        // A coderd started without --provisioner-daemon-psk takes no external daemon at all.
        CoderdFixture closed;
        CODER_START_CODERD(closed, {u"--provisioner-daemons"_s, u"0"_s});
        const RawReply noPsk =
            rawUpgrade(closed.url(), serve, {{"Coder-Provisioner-Daemon-PSK", psk.toUtf8()}});
        QCOMPARE(noPsk.status, 401);
        QVERIFY(
            !QJsonDocument::fromJson(noPsk.body).object().value(u"message").toString().isEmpty());
        ExternalDaemon &refused = addDaemon(u"refused"_s);
        refused.start(closed.url(), psk);
        QVERIFY2(refused.process().waitForFinished(20'000), qPrintable(refused.output()));
        QVERIFY(refused.process().exitCode() != 0);
        QVERIFY2(refused.output().contains(u"pre-shared key"_s), qPrintable(refused.output()));
    }

    void jobQueueUnderConcurrentDaemons()
    {
        constexpr int kDaemons = 4;
        constexpr int kJobs = 200;
        const QString psk = randomKey();
        // What this asserts is the queue (every job once, shared out), not the reaper: a
        // timeout a starved daemon cannot miss on a loaded machine (under the sanitizers, four
        // daemons and coderd share two cores with other suites).
        START_CODERD(externalDaemonsOnly(psk, 60'000));
        for (int i = 0; i < kDaemons; ++i)
            QVERIFY(connectDaemon(addDaemon(u"d%1"_s.arg(i)), psk));
        QHash<QString, QString> daemonNames; // id -> name
        const QHash<QString, QJsonObject> listed = daemonsByName();
        for (auto it = listed.cbegin(); it != listed.cend(); ++it)
            daemonNames.insert(it.value().value(u"id").toString(), it.key());
        QCOMPARE(daemonNames.size(), kDaemons);

        const QString fileId = uploadTemplateDir(api(), m_token, exampleTemplateDir());
        QVERIFY(!fileId.isEmpty());
        QElapsedTimer elapsed;
        elapsed.start();
        QStringList versions;
        for (int i = 0; i < kJobs; ++i) {
            const QString id = createVersion(api(), m_token, fileId).value(u"id").toString();
            QVERIFY2(!id.isEmpty(), qPrintable(u"version %1 was not created"_s.arg(i)));
            versions.append(id);
        }
        const qint64 createdMs = elapsed.elapsed();

        // Poll the unfinished ones until every job has ended.
        QHash<QString, QJsonObject> finished;
        const QDeadlineTimer deadline(400'000);
        while (finished.size() < kJobs && !deadline.hasExpired()) {
            for (const QString &id : std::as_const(versions)) {
                if (finished.contains(id))
                    continue;
                const ApiReply reply = api().get(u"/api/v2/templateversions/"_s + id, m_token);
                QCOMPARE(reply.status, 200);
                const QJsonObject job = reply.json().value(u"job").toObject();
                if (!isActive(job.value(u"status").toString()))
                    finished.insert(id, job);
            }
            if (finished.size() < kJobs)
                QTest::qWait(200);
        }
        QCOMPARE(finished.size(), kJobs);
        const qint64 doneMs = elapsed.elapsed();

        QHash<QString, int> perDaemon;
        for (const QString &id : std::as_const(versions)) {
            const QJsonObject job = finished.value(id);
            QVERIFY2(job.value(u"status").toString() == u"succeeded",
                     QJsonDocument(job).toJson(QJsonDocument::Compact).constData());
            const QString worker = job.value(u"worker_id").toString();
            QVERIFY2(daemonNames.contains(worker), qPrintable(u"worker_id "_s + worker));
            ++perDaemon[daemonNames.value(worker)];
            // A job run twice would have logged twice.
            const ApiReply logs = api().get(u"/api/v2/templateversions/%1/logs"_s.arg(id), m_token);
            QCOMPARE(logs.status, 200);
            int parsing = 0;
            for (const QJsonValue &line : logs.array())
                if (line[u"stage"].toString() == u"Parsing template")
                    ++parsing;
            QVERIFY2(parsing == 1,
                     qPrintable(u"version %1 logged \"Parsing template\" %2 times"_s.arg(id).arg(
                         parsing)));
        }
        QStringList spread;
        for (auto it = perDaemon.cbegin(); it != perDaemon.cend(); ++it)
            spread.append(u"%1: %2"_s.arg(it.key()).arg(it.value()));
        spread.sort();
        qInfo("%d import jobs on %d daemons (%s): created in %lld ms, all done after %lld ms",
              kJobs, kDaemons, qPrintable(spread.join(u", "_s)), createdMs, doneMs);
        QVERIFY2(perDaemon.size() > 1, qPrintable(spread.join(u", "_s)));
    }

    void tagsChooseTheDaemon()
    {
        const QString psk = randomKey();
        START_CODERD(externalDaemonsOnly(psk));
        QVERIFY(connectDaemon(addDaemon(u"plain"_s), psk));
        QVERIFY(connectDaemon(addDaemon(u"gcp"_s), psk, {u"cloud=gcp"_s}));
        const QString fileId = uploadTemplateDir(api(), m_token, exampleTemplateDir());
        QVERIFY(!fileId.isEmpty());

        // The daemons work: an untagged job runs.
        const QString untagged = createVersion(api(), m_token, fileId).value(u"id").toString();
        QVERIFY(!untagged.isEmpty());
        QCOMPARE(jobStatus(waitForJob(api(), m_token, u"/api/v2/templateversions/"_s + untagged)),
                 u"succeeded"_s);

        // A job for cloud=aws: neither the untagged daemon nor the cloud=gcp one takes it.
        const QJsonObject created = createVersion(
            api(), m_token, fileId, {{u"tags"_s, QJsonObject{{u"cloud"_s, u"aws"_s}}}});
        const QString tagged = created.value(u"id").toString();
        QVERIFY(!tagged.isEmpty());
        QCOMPARE(created[u"job"][u"tags"].toObject(), (QJsonObject{{u"cloud"_s, u"aws"_s}}));
        const QDeadlineTimer pendingFor(2'000);
        while (!pendingFor.hasExpired()) {
            const QJsonObject job = api()
                                        .get(u"/api/v2/templateversions/"_s + tagged, m_token)
                                        .json()[u"job"]
                                        .toObject();
            QCOMPARE(job.value(u"status").toString(), u"pending"_s);
            QVERIFY(job.value(u"worker_id").isNull());
            QTest::qWait(100);
        }

        // A daemon with the tag takes it.
        ExternalDaemon &aws = addDaemon(u"aws"_s);
        QVERIFY(connectDaemon(aws, psk, {u"cloud=aws"_s}));
        const QJsonObject done =
            waitForJob(api(), m_token, u"/api/v2/templateversions/"_s + tagged, 60'000);
        QCOMPARE(jobStatus(done), u"succeeded"_s);
        QCOMPARE(done[u"job"][u"worker_id"].toString(),
                 daemonsByName().value(u"aws"_s).value(u"id").toString());
    }

    // The other side of orphan recovery: a job that takes longer than the heartbeat timeout
    // on a daemon that is alive keeps heartbeating and is not failed. The agent ignores SIGTERM,
    // so stopping the workspace waits out the provisioner's grace period (5 s) before SIGKILL.
    void longJobOfALiveDaemonIsNotReaped()
    {
        const QString psk = randomKey();
        START_CODERD(externalDaemonsOnly(psk));
        QVERIFY(connectDaemon(addDaemon(u"alive"_s), psk));
        const QString dir = writeTemplate(
            m_dir->filePath(u"template-stubborn"_s),
            processTemplate({u"/bin/sh"_s, u"-c"_s, u"trap '' TERM; exec sleep 100000"_s}));
        QVERIFY(!dir.isEmpty());
        const QString templateId =
            pushTemplate(api(), m_token, u"stubborn"_s, dir).value(u"id").toString();
        QVERIFY(!templateId.isEmpty());
        const QJsonObject workspace =
            createWorkspace(api(), m_token, u"admin"_s, templateId, u"stubborn"_s);
        const QString workspaceId = workspace.value(u"id").toString();
        QVERIFY(!workspaceId.isEmpty());
        m_workspaceIds.append(workspaceId);
        QCOMPARE(
            jobStatus(waitForBuild(api(), m_token, workspace[u"latest_build"][u"id"].toString())),
            u"succeeded"_s);
        QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId) > 0);

        QElapsedTimer elapsed;
        elapsed.start();
        const ApiReply stop = api().post(u"/api/v2/workspaces/%1/builds"_s.arg(workspaceId),
                                         {{u"transition"_s, u"stop"_s}}, m_token);
        QVERIFY2(stop.status == 201, stop.body.constData());
        const QJsonObject stopped =
            waitForBuild(api(), m_token, stop.json().value(u"id").toString(), 60'000);
        const QJsonObject job = stopped.value(u"job").toObject();
        QVERIFY2(job.value(u"status").toString() == u"succeeded",
                 QJsonDocument(job).toJson(QJsonDocument::Compact).constData());
        qInfo("the stop build took %lld ms (heartbeat timeout: 2 s)", elapsed.elapsed());
        QCOMPARE(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId), 0);
    }

    void killedDaemonMidBuild_data()
    {
        QTest::addColumn<bool>("afterAgentStarted");
        QTest::newRow("as soon as the job runs") << false;
        QTest::newRow("once its agent runs") << true;
    }

    void killedDaemonMidBuild()
    {
        QFETCH(bool, afterAgentStarted);
        const QString psk = randomKey();
        START_CODERD(externalDaemonsOnly(psk));
        const QString dataDir = m_dir->filePath(u"machine"_s);
        ExternalDaemon &doomed = addDaemon(u"doomed"_s, dataDir);
        QVERIFY(connectDaemon(doomed, psk));
        const QString templateId = pushSleepingTemplate(u"sleeper"_s);
        QVERIFY(!templateId.isEmpty());

        QDateTime frozenAt;
        const QJsonObject workspace = workspaceFrozenMidBuild(
            templateId, u"victim"_s, afterAgentStarted, [&doomed, &frozenAt] {
                frozenAt = QDateTime::currentDateTimeUtc();
                signalProcess(doomed.process(), SIGSTOP);
            });
        QVERIFY(!workspace.isEmpty());
        const QString workspaceId = workspace.value(u"id").toString();
        const QString buildId = workspace[u"latest_build"][u"id"].toString();
        signalProcess(doomed.process(), SIGKILL);
        QVERIFY(doomed.process().waitForFinished(10'000));
        if (afterAgentStarted) // the orphan the cleanup must find
            QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId) > 0);

        // Once the heartbeat timeout passed, coderd fails the job and says why.
        const QJsonObject failed = waitForBuild(api(), m_token, buildId, 30'000);
        const QJsonObject job = failed.value(u"job").toObject();
        QCOMPARE(job.value(u"status").toString(), u"failed"_s);
        QVERIFY2(job.value(u"error").toString().contains(kStaleJobError),
                 qPrintable(job.value(u"error").toString()));
        QCOMPARE(failed.value(u"status").toString(), u"failed"_s);
        // ...and not before: the daemon's last heartbeat came at most one interval before it
        // froze (half a second allowed for a late one), and the job lives a whole timeout after.
        const QDateTime completedAt =
            QDateTime::fromString(job.value(u"completed_at").toString(), Qt::ISODateWithMs);
        QVERIFY(completedAt.isValid());
        QVERIFY2(frozenAt.msecsTo(completedAt) >= kHeartbeatTimeoutMs - kHeartbeatIntervalMs - 500,
                 qPrintable(
                     u"failed %1 ms after the daemon froze"_s.arg(frozenAt.msecsTo(completedAt))));
        verifyNoActiveJob(workspaceId);
        if (QTest::currentTestFailed())
            return;

        // A fresh daemon on the same machine (same data dir) deletes what the dead build left.
        QVERIFY(connectDaemon(addDaemon(u"fresh"_s, dataDir), psk));
        deleteAndVerifyClean(workspaceId, dataDir + u"/workspaces"_s);
    }

    void cancelOfARunningBuild()
    {
        // Deterministic: the daemon is frozen while the build runs, so the cancel lands on a
        // running job, never on one that already ended. Once the daemon goes on, the job ends
        // canceled whichever comes first on its side (the heartbeat's stop, or the build's end
        // reported to a job already canceling), and a delete leaves nothing behind.
        const QString psk = randomKey();
        START_CODERD(externalDaemonsOnly(psk));
        const QString dataDir = m_dir->filePath(u"machine"_s);
        ExternalDaemon &daemon = addDaemon(u"worker"_s, dataDir);
        QVERIFY(connectDaemon(daemon, psk));
        const QString templateId = pushSleepingTemplate(u"sleeper"_s);
        QVERIFY(!templateId.isEmpty());
        const QJsonObject workspace =
            workspaceFrozenMidBuild(templateId, u"canceled"_s, false,
                                    [&daemon] { signalProcess(daemon.process(), SIGSTOP); });
        QVERIFY(!workspace.isEmpty());
        const QString workspaceId = workspace.value(u"id").toString();
        const QString buildPath =
            u"/api/v2/workspacebuilds/"_s + workspace[u"latest_build"][u"id"].toString();

        const ApiReply cancel = api().request("PATCH", buildPath + u"/cancel"_s, m_token);
        QVERIFY2(cancel.status == 200, cancel.body.constData());
        QCOMPARE(jobStatus(api().get(buildPath, m_token).json()), u"canceling"_s);
        signalProcess(daemon.process(), SIGCONT);

        const QJsonObject done =
            waitForBuild(api(), m_token, workspace[u"latest_build"][u"id"].toString(), 30'000);
        const QJsonObject job = done.value(u"job").toObject();
        QVERIFY2(job.value(u"status").toString() == u"canceled"_s,
                 QJsonDocument(done).toJson(QJsonDocument::Compact).constData());
        QVERIFY(!job.value(u"canceled_at").isNull());
        QVERIFY(!job.value(u"completed_at").isNull());
        const QString error = job.value(u"error").toString();
        QVERIFY2(error.isEmpty() || error.contains(u"canceled"_s), qPrintable(error));
        QCOMPARE(done.value(u"status").toString(), u"canceled"_s);
        verifyNoActiveJob(workspaceId);
        deleteAndVerifyClean(workspaceId, dataDir + u"/workspaces"_s);
    }

    void coderdRestartMidBuild_data()
    {
        QTest::addColumn<bool>("afterAgentStarted");
        QTest::newRow("as soon as the job runs") << false;
        QTest::newRow("once its agent runs") << true;
    }

    void coderdRestartMidBuild()
    {
        QFETCH(bool, afterAgentStarted);
        // Built-in daemons: the build runs inside coderd, which dies with it.
        START_CODERD(QStringList{u"--provisioner-daemons"_s, u"1"_s} + kHeartbeatArgs);
        const QString templateId = pushSleepingTemplate(u"sleeper"_s);
        QVERIFY(!templateId.isEmpty());
        QProcess &coderd = m_coderd->process().process();
        const QJsonObject workspace = workspaceFrozenMidBuild(
            templateId, u"victim"_s, afterAgentStarted,
            [&coderd] { signalProcess(coderd, SIGSTOP); }, true);
        QVERIFY(!workspace.isEmpty());
        const QString workspaceId = workspace.value(u"id").toString();
        const QString buildId = workspace[u"latest_build"][u"id"].toString();
        signalProcess(coderd, SIGKILL);
        QVERIFY(coderd.waitForFinished(10'000));
        if (afterAgentStarted)
            QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId) > 0);

        // Same data dir, same database.
        QVERIFY(m_coderd->restart());
        const QJsonObject failed = waitForBuild(api(), m_token, buildId, 20'000);
        const QJsonObject job = failed.value(u"job").toObject();
        QVERIFY2(job.value(u"status").toString() == u"failed",
                 qPrintable(u"the orphaned job is %1 after the restart (succeeded: the "
                            "build ended just before coderd was frozen)"_s.arg(
                                job.value(u"status").toString())));
        QVERIFY2(job.value(u"error").toString().contains(kStaleJobError),
                 qPrintable(job.value(u"error").toString()));
        verifyNoActiveJob(workspaceId);
        if (QTest::currentTestFailed())
            return;

        deleteAndVerifyClean(workspaceId, m_coderd->dataDir() + u"/workspaces"_s);
    }

    void sigtermDuringABuildLetsItFinish()
    {
        // `coder server` told to stop while its built-in daemon runs a build: the build is
        // frozen running when SIGTERM is raised; coderd finishes it, records it and exits 0.
        START_CODERD(QStringList{u"--provisioner-daemons"_s, u"1"_s} + kHeartbeatArgs);
        const QString templateId = pushSleepingTemplate(u"sleeper"_s);
        QVERIFY(!templateId.isEmpty());
        QProcess &coderd = m_coderd->process().process();
        const QJsonObject workspace = workspaceFrozenMidBuild(
            templateId, u"graceful"_s, false, [&coderd] { signalProcess(coderd, SIGSTOP); }, true);
        QVERIFY(!workspace.isEmpty());
        const QString workspaceId = workspace.value(u"id").toString();
        const QString buildId = workspace[u"latest_build"][u"id"].toString();
        signalProcess(coderd, SIGTERM); // pending until it runs again
        signalProcess(coderd, SIGCONT);
        QVERIFY(coderd.waitForFinished(30'000));
        QCOMPARE(coderd.exitStatus(), QProcess::NormalExit);
        QCOMPARE(coderd.exitCode(), 0);

        // Same data dir, same database: the build ended well, its agent runs.
        QVERIFY(m_coderd->restart());
        const QJsonObject done = waitForBuild(api(), m_token, buildId, 20'000);
        QVERIFY2(done[u"job"][u"status"].toString() == u"succeeded"_s,
                 QJsonDocument(done).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(done.value(u"status").toString(), u"running"_s);
        QVERIFY(countProcessesWithEnv(u"CODER_WORKSPACE_ID"_s, workspaceId) > 0);
        deleteAndVerifyClean(workspaceId, m_coderd->dataDir() + u"/workspaces"_s);
    }
};

QTEST_GUILESS_MAIN(TestProvisionerDaemons)
#include "test_provisioner_daemons.moc"
