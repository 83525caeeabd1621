// Coderd hosted in process, as the desktop app embeds it (server/coderd/coderd.h): start()
// and stop() return at once and report by signal, a failed start leaves nothing running, and
// the hosting thread stays free throughout. The longest stall of the host's event loop during
// start, a workspace build and stop is measured and printed (a figure to report, not a test
// assertion: this machine is shared and noisy). SQLite or PostgreSQL (CODER_TEST_BACKEND).
#include "server/coderd/coderd.h"
#include "tests/support/provisioning_helpers.h"
#include "tests/support/test_postgres.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <ctime>

using namespace coder::server;
using namespace coder::test;
using namespace Qt::StringLiterals;

namespace {

bool isPostgres()
{
    return qEnvironmentVariable("CODER_TEST_BACKEND") == QLatin1String("postgres");
}

double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// Ticks on the host's event loop every millisecond and keeps the longest gap between ticks
// (how long the thread was kept from its events), and how much of that gap the thread itself
// spent running (work done on it) rather than waiting for a core (the machine's doing).
class StallMeter : public QObject
{
public:
    struct Stall
    {
        double wallMs = 0;
        double cpuMs = 0;
    };

    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double wall = double(m_sinceLast.nsecsElapsed()) / 1e6;
            const double cpu = threadCpuMs();
            if (wall > m_longest.wallMs)
                m_longest = {wall, cpu - m_lastCpu};
            m_longestCpuMs = std::max(m_longestCpuMs, cpu - m_lastCpu);
            m_sinceLast.restart();
            m_lastCpu = cpu;
        });
    }
    void begin()
    {
        m_longest = {};
        m_longestCpuMs = 0;
        m_sinceLast.start();
        m_lastCpu = threadCpuMs();
        m_timer.start();
    }
    Stall end()
    {
        m_timer.stop();
        return m_longest;
    }
    double longestBusyMs() const { return m_longestCpuMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceLast;
    double m_lastCpu = 0;
    Stall m_longest;
    double m_longestCpuMs = 0;
};

// Runs a client scenario on a thread of its own while this thread keeps serving its event loop,
// so that the stall measured is coderd's doing, not the test client's.
void runOffThread(const std::function<void()> &scenario)
{
    QThread *thread = QThread::create(scenario);
    QSignalSpy finished(thread, &QThread::finished);
    thread->start();
    QVERIFY(finished.wait(180'000));
    delete thread;
}

} // namespace

class TestCoderdEmbedded : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<QTemporaryDir> m_dir;

    CoderdConfig config() const
    {
        CoderdConfig config;
        config.httpAddress = QStringLiteral("127.0.0.1:0");
        config.dataDir = m_dir->path() + QStringLiteral("/data");
        config.postgresUrl = m_postgres ? m_postgres->url() : QString();
        config.provisionerDaemons = 1;
        config.loginRateLimit = 0;
        return config;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        if (isPostgres()) {
            m_postgres = std::make_unique<TestPostgres>();
            CODER_REQUIRE_POSTGRES(*m_postgres);
        }
    }
    void cleanup()
    {
        m_postgres.reset();
        m_dir.reset();
    }

    void startBuildStopWithoutStallingTheHost()
    {
        Coderd coderd;
        QSignalSpy ready(&coderd, &Coderd::ready);
        QSignalSpy failed(&coderd, &Coderd::failed);
        QSignalSpy stopped(&coderd, &Coderd::stopped);
        StallMeter meter;

        meter.begin();
        coderd.start(config());
        QCOMPARE(coderd.state(), Coderd::State::Starting); // returned before the database opened
        QCOMPARE(ready.count(), 0);
        QVERIFY2(ready.wait(30'000),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        const StallMeter::Stall startStall = meter.end();
        const double startBusy = meter.longestBusyMs();
        QCOMPARE(coderd.state(), Coderd::State::Running);
        QVERIFY(coderd.listenUrl().port() > 0);

        meter.begin();
        bool built = false;
        runOffThread([url = coderd.listenUrl(), &built] {
            ApiTestClient api(url);
            const QByteArray token = api.setupOwner();
            QTemporaryDir templateDir;
            writeTemplate(templateDir.path(),
                          processTemplate({QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                           QStringLiteral("exec sleep 100000")}));
            const QJsonObject tmpl =
                pushTemplate(api, token, QStringLiteral("embedded"), templateDir.path());
            const QJsonObject workspace =
                createWorkspace(api, token, QStringLiteral("me"), tmpl.value(u"id").toString(),
                                QStringLiteral("dev"));
            const QJsonObject build =
                waitForBuild(api, token, workspace[u"latest_build"][u"id"].toString());
            // Stopped again, so that no workspace process outlives the test.
            const ApiReply stop =
                api.post(u"/api/v2/workspaces/%1/builds"_s.arg(workspace[u"id"].toString()),
                         {{u"transition"_s, u"stop"_s}}, token);
            const QJsonObject stopped = waitForBuild(api, token, stop.json()[u"id"].toString());
            built = build[u"job"][u"status"].toString() == u"succeeded" &&
                    stopped[u"job"][u"status"].toString() == u"succeeded";
        });
        QVERIFY(built);
        const StallMeter::Stall buildStall = meter.end();
        const double buildBusy = meter.longestBusyMs();

        const QUrl url = coderd.listenUrl();
        meter.begin();
        coderd.stop();
        QCOMPARE(coderd.state(), Coderd::State::Stopping);
        QCOMPARE(stopped.count(), 0); // returned before anything stopped
        QVERIFY(stopped.wait(30'000));
        const StallMeter::Stall stopStall = meter.end();
        const double stopBusy = meter.longestBusyMs();
        QCOMPARE(coderd.state(), Coderd::State::Stopped);
        QCOMPARE(ready.count(), 1);
        QCOMPARE(failed.count(), 0);
        // Nothing listens any more.
        QCOMPARE(ApiTestClient(url).get(QStringLiteral("/healthz")).status, 0);

        // "stall" is the longest gap between two ticks (and how much of it the thread ran);
        // "busy" the most the thread ran between two ticks.
        qInfo("hosting thread (%s): start: stall %.2f ms (running %.2f), busy %.2f ms; "
              "build: stall %.2f ms (running %.2f), busy %.2f ms; "
              "stop: stall %.2f ms (running %.2f), busy %.2f ms",
              isPostgres() ? "PostgreSQL" : "SQLite", startStall.wallMs, startStall.cpuMs,
              startBusy, buildStall.wallMs, buildStall.cpuMs, buildBusy, stopStall.wallMs,
              stopStall.cpuMs, stopBusy);
    }

    // A start that fails reports why and leaves nothing started; the object can start again.
    void failedStartLeavesNothingBehind()
    {
        Coderd coderd;
        QSignalSpy ready(&coderd, &Coderd::ready);
        QSignalSpy failed(&coderd, &Coderd::failed);
        CoderdConfig bad = config();
        bad.postgresUrl = QStringLiteral("postgres://coder:sup3r-s3cret@127.0.0.1:1/coder");
        coderd.start(bad);
        QVERIFY(failed.wait(30'000));
        const QString reason = failed.first().first().toString();
        QVERIFY2(reason.contains(u"127.0.0.1:1"_s), qPrintable(reason));
        QVERIFY2(!reason.contains(u"sup3r-s3cret"_s), qPrintable(reason));
        QCOMPARE(coderd.state(), Coderd::State::Stopped);
        QCOMPARE(ready.count(), 0);

        CoderdConfig taken = config();
        coderd.start(taken);
        QVERIFY(ready.wait(30'000));
        // A second coderd on the same port: fails to listen, and gives its database back.
        Coderd second;
        QSignalSpy secondFailed(&second, &Coderd::failed);
        CoderdConfig clash = config();
        clash.dataDir = m_dir->path() + QStringLiteral("/second");
        clash.postgresUrl.clear();
        clash.httpAddress = QStringLiteral("127.0.0.1:%1").arg(coderd.listenUrl().port());
        second.start(clash);
        QVERIFY(secondFailed.wait(30'000));
        QVERIFY2(secondFailed.first().first().toString().contains(u"cannot listen"_s),
                 qPrintable(secondFailed.first().first().toString()));
        QCOMPARE(second.state(), Coderd::State::Stopped);
        // Starting a running coderd again is refused, by signal.
        failed.clear();
        coderd.start(taken);
        QVERIFY(failed.wait(5'000));
        QCOMPARE(failed.first().first().toString(), QStringLiteral("coderd is already running"));
        QCOMPARE(coderd.state(), Coderd::State::Running);

        QSignalSpy stopped(&coderd, &Coderd::stopped);
        coderd.stop();
        QVERIFY(stopped.wait(30'000));
    }

    // stop() while the database is still being opened: it ends stopped, never ready.
    void stopDuringStart()
    {
        Coderd coderd;
        QSignalSpy ready(&coderd, &Coderd::ready);
        QSignalSpy stopped(&coderd, &Coderd::stopped);
        coderd.start(config());
        coderd.stop();
        QVERIFY(stopped.wait(30'000));
        QCOMPARE(ready.count(), 0);
        QCOMPARE(coderd.state(), Coderd::State::Stopped);
    }

    // An owner that destroys a running coderd without waiting: it stops, waiting, and leaks
    // nothing (checked under the sanitizers).
    void destroyWhileRunning()
    {
        auto coderd = std::make_unique<Coderd>();
        QSignalSpy ready(coderd.get(), &Coderd::ready);
        coderd->start(config());
        QVERIFY(ready.wait(30'000));
        const QUrl url = coderd->listenUrl();
        coderd.reset();
        ApiTestClient api(url);
        QCOMPARE(api.get(QStringLiteral("/healthz")).status, 0);
    }
};

QTEST_GUILESS_MAIN(TestCoderdEmbedded)
#include "test_coderd_embedded.moc"
