#include "agent_tunnel_support.h"
#include "core/tunnel/stream_target.h"
#include "core/tunnel/tunnel_frame.h"
#include "tests/support/coder_cli.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "tunnel_peers.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

// The workspace agent and the tunnel end to end, every part a real process: coderd, the agent
// the process provisioner starts (`coder agent`), and `coder port-forward`; the test plays the
// workspace's service (an echo server) and the user's client with blocking sockets on threads
// of its own.

using namespace Qt::StringLiterals;
using namespace coder::test;

class TestAgentTunnel : public QObject
{
    Q_OBJECT

    CoderdFixture m_coderd;
    QTemporaryDir m_dir;
    QByteArray m_owner;
    QString m_workspaceId;
    EchoService m_echo;
    std::unique_ptr<CoderCli> m_cli;

    ApiTestClient &api() { return m_coderd.api(); }
    QJsonObject workspace()
    {
        return api().get(u"/api/v2/workspaces/"_s + m_workspaceId, m_owner).json();
    }
    QJsonObject agent() { return firstAgent(workspace()); }
    QString home() const
    {
        return m_coderd.dataDir() + u"/workspaces/"_s + m_workspaceId + u"/home"_s;
    }

    // The workspace's agent process (coder-agent, or `coder agent`), found as coderd's
    // provisioner started it (the sandbox gives it a pid of its own inside).
    pid_t agentPid() const
    {
        const QByteArray url = "CODER_AGENT_URL=" + m_coderd.url().toString().toUtf8();
        for (const QString &entry : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
            QFile cmdline(u"/proc/"_s + entry + u"/cmdline"_s);
            QFile environ(u"/proc/"_s + entry + u"/environ"_s);
            if (!cmdline.open(QIODevice::ReadOnly) || !environ.open(QIODevice::ReadOnly))
                continue;
            const QList<QByteArray> argv = cmdline.readAll().split('\0');
            const bool agent =
                argv[0].endsWith("/coder-agent") || (argv.size() >= 2 && argv[1] == "agent");
            if (agent && environ.readAll().split('\0').contains(url))
                return pid_t(entry.toInt());
        }
        return 0;
    }

    // The running agent's token, as the provisioner gave it (its process's environment).
    QByteArray agentToken() const
    {
        QFile environ(u"/proc/%1/environ"_s.arg(agentPid()));
        if (!environ.open(QIODevice::ReadOnly))
            return {};
        for (const QByteArray &variable : environ.readAll().split('\0'))
            if (variable.startsWith("CODER_AGENT_TOKEN="))
                return variable.mid(18);
        return {};
    }

    static QString sandboxProbe(const QString &data)
    {
        return u"test -r '%1/coder.db' && echo db-readable || echo db-hidden; "
               "cat '%1/workspaces/other/home/secret' 2>/dev/null || echo home-hidden"_s.arg(data);
    }

    bool waitForAgent(const QString &status, const QString &lifecycle, int timeoutMs = 30000)
    {
        const bool reached = waitFor(
            [&] {
                const QJsonObject a = agent();
                return a.value(u"status").toString() == status &&
                       (lifecycle.isEmpty() || a.value(u"lifecycle_state").toString() == lifecycle);
            },
            timeoutMs);
        if (!reached)
            qWarning() << "agent is" << agent();
        return reached;
    }

    // The test in the real agent's place: the agent killed, its token's tunnel held frame by
    // frame and connected. Null if that did not work.
    std::unique_ptr<RawTunnel> fakeAgentInPlace()
    {
        const QByteArray token = agentToken();
        if (::kill(agentPid(), SIGKILL) != 0 || !waitForAgent(u"disconnected"_s, {}, 10000))
            return nullptr;
        QUrl url = m_coderd.url();
        url.setScheme(u"ws"_s);
        url.setPath(u"/api/v2/workspaceagents/me/tunnel"_s);
        auto fake = std::make_unique<RawTunnel>(url, token);
        if (!fake->waitConnected() || !waitForAgent(u"connected"_s, {}, 10000))
            return nullptr;
        return fake;
    }

    bool build(const QString &transition)
    {
        const auto reply = api().post(u"/api/v2/workspaces/%1/builds"_s.arg(m_workspaceId),
                                      {{u"transition"_s, transition}}, m_owner);
        if (reply.status != 201)
            return false;
        const QJsonObject done = waitForBuild(api(), m_owner, reply.json().value(u"id").toString());
        return done.value(u"job").toObject().value(u"status").toString() == u"succeeded";
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A fixed port, so the agent finds coderd again after a restart.
        CODER_START_CODERD(m_coderd, {u"--http-address"_s, u"127.0.0.1:%1"_s.arg(freePort()),
                                      u"--agent-heartbeat-interval"_s, u"1"_s,
                                      u"--tunnel-access-check-interval"_s, u"0.5"_s});
        m_owner = api().setupOwner();
        QVERIFY(!m_owner.isEmpty());
        m_cli = std::make_unique<CoderCli>(m_dir.path() + u"/cli"_s, m_coderd.url(), m_owner);

        // The agent is the provisioner's own: `coder agent`, in coderd's default sandbox
        // (bubblewrap). The test finds its process and token through /proc.
        // What a workspace must not read: coderd's database, another workspace's home.
        const QString data = m_coderd.dataDir();
        QVERIFY(QDir().mkpath(data + u"/workspaces/other/home"_s));
        QFile secret(data + u"/workspaces/other/home/secret"_s);
        QVERIFY(secret.open(QIODevice::WriteOnly) && secret.write("the other home") > 0);
        secret.close();
        QJsonObject manifest = withAgentFields(
            processTemplate({}),
            {{u"startup_script"_s, u"echo \"started in $PWD\"; echo greeting-line"_s},
             {u"shutdown_script"_s, u"echo bye > \"$HOME/shutdown-ran\""_s},
             {u"metadata"_s, QJsonArray{QJsonObject{{u"key"_s, u"answer"_s},
                                                    {u"display_name"_s, u"The answer"_s},
                                                    {u"script"_s, u"echo answer-$((40 + 2))"_s},
                                                    {u"interval"_s, 1},
                                                    {u"timeout"_s, 2}},
                                        QJsonObject{{u"key"_s, u"broken"_s},
                                                    {u"script"_s, u"echo oops >&2; exit 3"_s},
                                                    {u"interval"_s, 1}},
                                        QJsonObject{{u"key"_s, u"sandbox"_s},
                                                    {u"script"_s, sandboxProbe(data)},
                                                    {u"interval"_s, 1}}}}});
        const QString dir = writeTemplate(m_dir.path() + u"/template"_s, manifest);
        const QString templateId =
            pushTemplate(api(), m_owner, u"agented"_s, dir).value(u"id").toString();
        QVERIFY(!templateId.isEmpty());
        const QJsonObject created =
            createWorkspace(api(), m_owner, u"admin"_s, templateId, u"ws"_s);
        m_workspaceId = created.value(u"id").toString();
        QVERIFY(!m_workspaceId.isEmpty());
        const QJsonObject done = waitForBuild(
            api(), m_owner, created.value(u"latest_build").toObject().value(u"id").toString());
        QCOMPARE(done.value(u"job").toObject().value(u"status").toString(), u"succeeded"_s);
        QVERIFY(waitForAgent(u"connected"_s, u"ready"_s));
    }

    void cleanupTestCase()
    {
        if (!m_workspaceId.isEmpty())
            build(u"delete"_s);
    }

    void agentReportsItsStateAndLogs()
    {
        const QJsonObject a = agent();
        QCOMPARE(a.value(u"status").toString(), u"connected"_s);
        QCOMPARE(a.value(u"lifecycle_state").toString(), u"ready"_s);
        QVERIFY(!a.value(u"started_at").isNull());
        QVERIFY(!a.value(u"ready_at").isNull());
        QVERIFY(a.value(u"version").toString().startsWith(u"coder-agent/"_s));
        QVERIFY(a.value(u"health").toObject().value(u"healthy").toBool());
        const QString id = a.value(u"id").toString();
        QCOMPARE(api().get(u"/api/v2/workspaceagents/"_s + id, m_owner).json().value(u"id"), id);

        QStringList lines;
        QVERIFY(waitFor(
            [&] {
                lines.clear();
                for (const auto &log :
                     api().get(u"/api/v2/workspaceagents/%1/logs"_s.arg(id), m_owner).array())
                    lines.append(log.toObject().value(u"output").toString());
                return lines.contains(u"greeting-line"_s);
            },
            10000));
        QCOMPARE(lines.first(), u"started in "_s + QDir(home()).canonicalPath());
    }

    void metadataPortsAndStatsAreReported()
    {
        const QString id = agent().value(u"id").toString();
        QJsonObject answer;
        QJsonObject broken;
        QVERIFY(waitFor(
            [&] {
                for (const auto &item : agent().value(u"metadata").toArray()) {
                    const QJsonObject o = item.toObject();
                    const QString key = o.value(u"description").toObject().value(u"key").toString();
                    if (key == u"answer"_s)
                        answer = o;
                    else if (key == u"broken"_s)
                        broken = o;
                }
                return answer.value(u"result").toObject().value(u"value").toString() ==
                           u"answer-42"_s &&
                       !broken.value(u"result").toObject().value(u"error").toString().isEmpty();
            },
            15000));
        QCOMPARE(answer.value(u"description").toObject().value(u"display_name").toString(),
                 u"The answer"_s);
        QCOMPARE(broken.value(u"result").toObject().value(u"error").toString(), u"oops"_s);

        // By default the workspace runs in bubblewrap: coderd's data dir and the other homes are
        // not there for it.
        QString sandboxed;
        QVERIFY(waitFor(
            [&] {
                for (const auto &item : agent().value(u"metadata").toArray())
                    if (item[u"description"_s][u"key"_s] == u"sandbox"_s)
                        sandboxed = item[u"result"_s][u"value"_s].toString();
                return !sandboxed.isEmpty();
            },
            10000));
        QCOMPARE(sandboxed, u"db-hidden\nhome-hidden"_s);

        // The echo service of this test listens in the "workspace" (this machine).
        QVERIFY(waitFor(
            [&] {
                for (const auto &port :
                     api()
                         .get(u"/api/v2/workspaceagents/%1/listening-ports"_s.arg(id), m_owner)
                         .json()
                         .value(u"ports")
                         .toArray())
                    // Found; its process name stays empty, as this test's process is outside the
                    // workspace's sandbox (its own pid namespace).
                    if (port.toObject().value(u"port").toInt() == m_echo.port())
                        return true;
                return false;
            },
            10000));

        // Stats count what went through, once it is done.
        const quint16 forwardPort = freePort();
        {
            PortForward forward(
                *m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(forwardPort).arg(m_echo.port())});
            QVERIFY(forward.waitForListeners(1));
            QVERIFY(echoThrough(forwardPort, 100000).ok);
        }
        QVERIFY(waitFor(
            [&] {
                const QJsonObject stats = agent().value(u"stats").toObject();
                return stats.value(u"bytes_in").toInteger() >= 100000 &&
                       stats.value(u"bytes_out").toInteger() >= 100000;
            },
            10000));

        // Only its own keys, and only with its token.
        const QByteArray token = agentToken();
        const auto unknown = api().post(
            u"/api/v2/workspaceagents/me/metadata"_s,
            {{u"metadata"_s, QJsonArray{QJsonObject{{u"key"_s, u"nope"_s}, {u"value"_s, u"1"_s}}}}},
            token);
        QCOMPARE(unknown.status, 400);
        QCOMPARE(api()
                     .post(u"/api/v2/workspaceagents/me/listening-ports"_s,
                           {{u"ports"_s, QJsonArray{QJsonObject{{u"port"_s, 70000}}}}}, token)
                     .status,
                 400);
        QCOMPARE(api().post(u"/api/v2/workspaceagents/me/metadata"_s, {}, m_owner).status, 401);
    }

    void agentRoutesNeedTheAgentsToken()
    {
        QCOMPARE(api().get(u"/api/v2/workspaceagents/me/manifest"_s).status, 401);
        QCOMPARE(api().get(u"/api/v2/workspaceagents/me/manifest"_s, m_owner).status, 401);
        const QByteArray token = agentToken();
        const auto manifest = api().get(u"/api/v2/workspaceagents/me/manifest"_s, token);
        QCOMPARE(manifest.status, 200);
        QCOMPARE(manifest.json().value(u"workspace_id").toString(), m_workspaceId);
        QCOMPARE(manifest.json().value(u"agent_name").toString(), u"main"_s);
        const auto badState = api().post(u"/api/v2/workspaceagents/me/report-lifecycle"_s,
                                         {{u"state"_s, u"dancing"_s}}, token);
        QCOMPARE(badState.status, 400);
        QCOMPARE(badState.invalidFields(), QStringList{u"state"_s});
    }

    void portForwardCarriesBytesBothWays()
    {
        const quint16 port = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(m_echo.port())});
        QVERIFY(forward.waitForListeners(1));
        const Transfer transfer = echoThrough(port, 256ll * 1024 * 1024);
        QVERIFY2(transfer.ok, qPrintable(transfer.error));
    }

    void hundredStreamsAtOnce()
    {
        const quint16 port = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(m_echo.port())});
        QVERIFY(forward.waitForListeners(1));
        std::vector<Transfer> results(100);
        std::vector<std::thread> clients;
        for (size_t i = 0; i < results.size(); ++i)
            clients.emplace_back(
                [&, i] { results[i] = echoThrough(port, 512 * 1024 + qint64(i)); });
        for (std::thread &t : clients)
            t.join();
        for (const Transfer &t : results)
            QVERIFY2(t.ok, qPrintable(t.error));
    }

    void udpDatagramsGoBothWays()
    {
        UdpEchoService echo;
        const quint16 port = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--udp"_s, u"%1:%2"_s.arg(port).arg(echo.port())});
        QVERIFY(forward.waitForListeners(1));
        QList<QByteArray> datagrams;
        for (int i = 0; i < 40; ++i)
            datagrams.append(chunk(i, 1 + i * 1500));
        datagrams.append(chunk(99, 60000)); // near UDP's largest
        // Two peers, two flows; each gets its own echoes back.
        QList<int> first;
        std::thread other([&] { first = udpEchoes(port, datagrams); });
        const QList<int> second = udpEchoes(port, datagrams);
        other.join();
        const auto describe = [](const QList<int> &lost) {
            QStringList indexes;
            for (int i : lost)
                indexes.append(QString::number(i));
            return QString(u"lost datagrams: "_s + indexes.join(u", "_s));
        };
        QVERIFY2(first.isEmpty(), qPrintable(describe(first)));
        QVERIFY2(second.isEmpty(), qPrintable(describe(second)));
    }

    void refusedRemotePortIsReported()
    {
        const quint16 port = freePort();
        const quint16 nobody = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(nobody)});
        QVERIFY(forward.waitForListeners(1));
        const int fd = connectTo(port);
        QVERIFY(fd >= 0);
        char byte = 0;
        QCOMPARE(::recv(fd, &byte, 1, 0), ssize_t(0)); // closed at once, nothing sent
        ::close(fd);
        QVERIFY(
            waitFor([&] { return forward.stderrText().contains("connection refused"); }, 10000));
        QVERIFY(forward.stderrText().contains(QByteArray::number(nobody)));
        // The forward stays up: a working port on the same tunnel is unaffected.
        QCOMPARE(forward.process().state(), QProcess::Running);
    }

    void badForwardsAreClearErrors()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        CliRun run =
            m_cli->run({u"port-forward"_s, u"ws"_s, u"--tcp"_s, u"%1:80"_s.arg(taken.serverPort())},
                       {}, 30000);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"cannot listen on"_s) && run.err.contains(u"in use"_s),
                 qPrintable(run.describe()));

        run = m_cli->run({u"port-forward"_s, u"ws"_s, u"--tcp"_s, u"0:80"_s}, {}, 30000);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"port 0"_s), qPrintable(run.describe()));

        run = m_cli->run({u"port-forward"_s, u"ws"_s}, {}, 30000);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"--tcp"_s), qPrintable(run.describe()));

        run = m_cli->run({u"port-forward"_s, u"ws.nosuchagent"_s, u"--tcp"_s, u"9"_s}, {}, 30000);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"no agent named nosuchagent"_s), qPrintable(run.describe()));
    }

    // The client writes 32 MiB into the echo service through the forward and reads what comes
    // back at about 4 MB/s: what the fast side sends waits in the windows and socket buffers, not
    // in coderd, whose RSS grows by no more than 8 MiB.
    void aSlowReaderDoesNotGrowCoderdsMemory()
    {
        const qint64 coderdPid = m_coderd.process().process().processId();
        const auto rssKiB = [coderdPid] {
            QFile status(u"/proc/%1/status"_s.arg(coderdPid));
            if (!status.open(QIODevice::ReadOnly))
                return qint64(-1);
            for (const QByteArray &line : status.readAll().split('\n'))
                if (line.startsWith("VmRSS:"))
                    return line.mid(6).trimmed().split(' ').value(0).toLongLong();
            return qint64(-1);
        };
        const quint16 port = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(m_echo.port())});
        QVERIFY(forward.waitForListeners(1));
        QVERIFY(echoThrough(port, 4 * 1024 * 1024).ok); // the relay's buffers warmed up
        const qint64 before = rssKiB();
        QVERIFY(before > 0);

        const int fd = connectTo(port);
        QVERIFY(fd >= 0);
        constexpr qint64 total = 32 * 1024 * 1024;
        std::thread writer([fd] {
            const QByteArray block(64 * 1024, 'w');
            for (qint64 sent = 0; sent < total;) {
                const ssize_t n = ::send(fd, block.constData(), size_t(block.size()), MSG_NOSIGNAL);
                if (n <= 0)
                    return;
                sent += n;
            }
        });
        qint64 received = 0;
        qint64 peak = before;
        char buffer[16 * 1024];
        QElapsedTimer clock;
        clock.start();
        while (received < total && clock.elapsed() < 60000) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            received += n;
            // About 4 MB/s: 16 KiB every 4 ms.
            std::this_thread::sleep_for(std::chrono::milliseconds(4));
            if (received % (1024 * 1024) < qint64(sizeof buffer))
                peak = std::max(peak, rssKiB());
        }
        ::shutdown(fd, SHUT_RDWR);
        writer.join();
        ::close(fd);
        QCOMPARE(received, total);
        const qint64 growthKiB = peak - before;
        qInfo() << "coderd RSS" << before << "KiB before, peak" << peak << "KiB";
        QVERIFY2(growthKiB <= 8 * 1024, qPrintable(u"coderd grew by %1 KiB"_s.arg(growthKiB)));
    }

    void onlyTheOwnerOpensTheTunnel()
    {
        const QString agentId = agent().value(u"id").toString();
        const QByteArray member = api().createUser(m_owner, u"mallory"_s);
        const QByteArray templateAdmin =
            api().createUser(m_owner, u"trent"_s, {u"template-admin"_s});
        QVERIFY(!member.isEmpty() && !templateAdmin.isEmpty());

        const auto handshake = [&](const QByteArray &token) {
            QWebSocket socket;
            QUrl url = m_coderd.url();
            url.setScheme(u"ws"_s);
            url.setPath(u"/api/v2/workspaceagents/%1/tunnel"_s.arg(agentId));
            QNetworkRequest request(url);
            if (!token.isEmpty())
                request.setRawHeader("Coder-Session-Token", token);
            QString outcome;
            QObject::connect(&socket, &QWebSocket::connected, [&] { outcome = u"connected"_s; });
            QObject::connect(&socket,
                             QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
                             [&] { outcome = socket.errorString(); });
            socket.open(request);
            if (!QTest::qWaitFor([&] { return !outcome.isEmpty(); }, 10000))
                return u"no answer"_s;
            return outcome;
        };
        QVERIFY2(handshake(member).contains(u"404"_s), qPrintable(handshake(member)));
        QVERIFY2(handshake(templateAdmin).contains(u"403"_s), qPrintable(handshake(templateAdmin)));
        QVERIFY2(handshake({}).contains(u"401"_s), qPrintable(handshake({})));
        QCOMPARE(handshake(m_owner), u"connected"_s);

        // The CLI says so, and does not listen.
        CoderCli other(m_dir.path() + u"/mallory"_s, m_coderd.url(), member);
        const CliRun run = other.run(
            {u"port-forward"_s, u"admin/ws"_s, u"--tcp"_s, u"%1:80"_s.arg(freePort())}, {}, 30000);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(!run.out.contains(u"Forwarding"_s), qPrintable(run.describe()));
    }

    // Long-lived connections check their token and access again: a token deleted while a
    // port-forward runs on it ends the tunnel with the reason, closes the connection open through
    // it, and the CLI's reconnection is refused, so it stops and says why; the agent's logs
    // followed and the workspace watched with it are closed (1008) with the reason.
    void aRevokedTokenEndsItsTunnel()
    {
        const ApiReply created = api().post(u"/api/v2/users/me/keys/tokens"_s,
                                            {{u"token_name"_s, u"forward"_s}}, m_owner);
        QCOMPARE(created.status, 201);
        const QByteArray token = created.json().value(u"key").toString().toLatin1();
        CoderCli cli(m_dir.path() + u"/revoked"_s, m_coderd.url(), token);
        const quint16 port = freePort();
        PortForward forward(cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(m_echo.port())});
        QVERIFY(forward.waitForListeners(1));
        QTcpSocket open;
        open.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(open.waitForConnected(5000)); // blocking ok: a test's client
        open.write("still here");
        QByteArray echoed;
        QVERIFY(waitFor(
            [&] {
                open.waitForReadyRead(100); // blocking ok: a test's client
                echoed += open.readAll();
                return echoed.size() >= 10;
            },
            10000));
        QCOMPARE(echoed, QByteArray("still here"));
        const auto logs =
            openWebSocket(m_coderd.url(),
                          u"/api/v2/workspaceagents/%1/logs"_s.arg(agent().value(u"id").toString()),
                          u"follow"_s, token);
        const auto watch = openWebSocket(
            m_coderd.url(), u"/api/v2/workspaces/%1/watch-ws"_s.arg(m_workspaceId), {}, token);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return logs->state() == QAbstractSocket::ConnectedState &&
                       watch->state() == QAbstractSocket::ConnectedState;
            },
            10000));

        QCOMPARE(api()
                     .del(u"/api/v2/users/me/keys/%1"_s.arg(QString::fromLatin1(token.left(10))),
                          m_owner)
                     .status,
                 204);
        QVERIFY(forward.process().waitForFinished(15000)); // blocking ok: a test's child
        QCOMPARE(forward.process().exitCode(), 1);
        const QByteArray said = forward.stderrText();
        QVERIFY2(said.contains("Access to the workspace ended: The session token is invalid or "
                               "was revoked.") &&
                     said.contains("coderd refused the tunnel: 401"),
                 said.constData());
        QVERIFY(open.state() == QAbstractSocket::UnconnectedState ||
                open.waitForDisconnected(5000)); // blocking ok: a test's client
        for (QWebSocket *socket : {logs.get(), watch.get()}) {
            QVERIFY(QTest::qWaitFor(
                [&] { return socket->state() == QAbstractSocket::UnconnectedState; }, 10000));
            QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
            QVERIFY2(socket->closeReason().contains(u"revoked"_s),
                     qPrintable(socket->closeReason()));
        }
    }

    void agentRestartIsPickedUp()
    {
        const quint16 port = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(m_echo.port())});
        QVERIFY(forward.waitForListeners(1));
        QVERIFY(echoThrough(port, 1024 * 1024).ok);

        // The agent dies hard; coderd sees its tunnel go.
        const pid_t pid = agentPid();
        QVERIFY(pid > 0);
        QFile environ(u"/proc/%1/environ"_s.arg(pid));
        QVERIFY(environ.open(QIODevice::ReadOnly));
        const QList<QByteArray> variables = environ.readAll().split('\0');
        QCOMPARE(::kill(pid, SIGKILL), 0);
        QVERIFY(waitForAgent(u"disconnected"_s, {}, 10000));
        QVERIFY(!echoThrough(port, 1024).ok); // nobody to carry it

        // The same agent comes back (the workspace's environment, its token): connected again,
        // and the running port-forward reaches the service through it.
        QProcess restarted;
        QProcessEnvironment env;
        for (const QByteArray &variable : variables) {
            const qsizetype eq = variable.indexOf('=');
            if (eq > 0)
                env.insert(QString::fromUtf8(variable.left(eq)),
                           QString::fromUtf8(variable.mid(eq + 1)));
        }
        restarted.setProcessEnvironment(env);
        restarted.setWorkingDirectory(home());
        restarted.start(CoderdProcess::binary(), {u"agent"_s});
        QVERIFY(waitForAgent(u"connected"_s, {}, 10000));
        QVERIFY(waitFor([&] { return echoThrough(port, 1024 * 1024).ok; }, 10000));
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(10000));
        QCOMPARE(restarted.exitCode(), 0);
        QCOMPARE(agent().value(u"lifecycle_state").toString(), u"off"_s);
        // Left as it was for the tests after this one.
        QVERIFY(build(u"stop"_s));
        QVERIFY(build(u"start"_s));
        QVERIFY(waitForAgent(u"connected"_s, u"ready"_s));
    }

    void coderdRestartIsPickedUp()
    {
        const quint16 port = freePort();
        PortForward forward(*m_cli, {u"ws"_s, u"--tcp"_s, u"%1:%2"_s.arg(port).arg(m_echo.port())});
        QVERIFY(forward.waitForListeners(1));
        QVERIFY(echoThrough(port, 1024 * 1024).ok);

        QCOMPARE(m_coderd.stop(), 0);
        QVERIFY(m_coderd.restart());
        QElapsedTimer back;
        back.start();
        // The agent's tunnel comes back within 5 s of coderd (its backoff tops out at 4 s).
        QVERIFY(waitForAgent(u"connected"_s, {}, 10000));
        QVERIFY(waitFor([&] { return echoThrough(port, 1024 * 1024).ok; }, 10000));
        QVERIFY2(back.elapsed() < 5000, qPrintable(u"back after %1 ms"_s.arg(back.elapsed())));
    }

    // Both ends of a stream played by the test: the relay holds the agent's DATA to the credit
    // the client granted, and resets the stream at both ends when it goes past.
    void relayHoldsEachSideToItsWindow()
    {
        using namespace coder::core::tunnel;
        const QString agentId = agent().value(u"id").toString();
        const auto fake = fakeAgentInPlace();
        QVERIFY(fake);
        RawTunnel &fakeAgent = *fake;
        QUrl url = m_coderd.url();
        url.setScheme(u"ws"_s);
        url.setPath(u"/api/v2/workspaceagents/%1/tunnel"_s.arg(agentId));
        RawTunnel client(url, m_owner);
        QVERIFY(client.waitConnected());

        client.send(encodeFrame(FrameType::Open, 1, StreamTarget::tcp(80).toJson()));
        const auto open = fakeAgent.next(FrameType::Open);
        QVERIFY(open);
        QCOMPARE(StreamTarget::fromJson(open->payload)->port, quint16(80));
        fakeAgent.send(encodeFrame(FrameType::OpenOk, open->stream));
        QVERIFY(client.next(FrameType::OpenOk, 1));

        // The client granted its initial window and nothing more: one byte past it is too many.
        const QByteArray full(kMaxDataPayload, 'x');
        for (quint32 sent = 0; sent < kInitialWindow; sent += quint32(full.size()))
            fakeAgent.send(encodeFrame(FrameType::Data, open->stream, full));
        fakeAgent.send(encodeFrame(FrameType::Data, open->stream, "!"));
        const auto toClient = client.next(FrameType::Reset, 1);
        QVERIFY(toClient);
        QVERIFY2(toClient->payload.contains("flow-control window"), toClient->payload.constData());
        const auto toAgent = fakeAgent.next(FrameType::Reset, open->stream);
        QVERIFY(toAgent);
        QVERIFY(toAgent->payload.contains("flow-control window"));

        // The client is held to the agent's window the same way, on a second stream.
        client.send(encodeFrame(FrameType::Open, 3, StreamTarget::tcp(81).toJson()));
        const auto second = fakeAgent.next(FrameType::Open);
        QVERIFY(second);
        for (quint32 sent = 0; sent <= kInitialWindow; sent += quint32(full.size()))
            client.send(encodeFrame(FrameType::Data, 3, full));
        QVERIFY(client.next(FrameType::Reset, 3));
        QVERIFY(fakeAgent.next(FrameType::Reset, second->stream));

        // A frame of no known type closes the client's tunnel as a protocol error, and only
        // that one: the agent's stays up.
        client.send(QByteArray("\x09\0\0\0\x05", 5));
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(agent().value(u"status").toString(), u"connected"_s);

        // The real agent again, for the tests after this one.
        QVERIFY(build(u"stop"_s));
        QVERIFY(build(u"start"_s));
        QVERIFY(waitForAgent(u"connected"_s, u"ready"_s));
    }

    // Stopped, the agent's process is alive but answers nothing: coderd's pings go unanswered
    // and it shows disconnected within two heartbeat intervals (1 s here), then connected again.
    void aSilentAgentShowsDisconnected()
    {
        const pid_t pid = agentPid();
        QVERIFY(pid > 0);
        QCOMPARE(::kill(pid, SIGSTOP), 0);
        QElapsedTimer silent;
        silent.start();
        const bool gone = waitForAgent(u"disconnected"_s, {}, 10000);
        const qint64 after = silent.elapsed();
        QCOMPARE(::kill(pid, SIGCONT), 0);
        QVERIFY(gone);
        // Two intervals of silence, plus the ping period that notices it and the poll's.
        QVERIFY2(after < 4500, qPrintable(u"disconnected after %1 ms"_s.arg(after)));
        QVERIFY(waitForAgent(u"connected"_s, {}, 10000));
    }

    // An agent that never connects is "connecting" within its template's connection_timeout
    // and "timeout" past it.
    void anAgentThatNeverConnectsTimesOut()
    {
        const QJsonObject manifest =
            withAgentFields(processTemplate({u"/bin/sh"_s, u"-c"_s, u"exec sleep 100000"_s}),
                            {{u"connection_timeout"_s, 4}});
        const QString dir = writeTemplate(m_dir.path() + u"/silent"_s, manifest);
        const QString templateId =
            pushTemplate(api(), m_owner, u"silent"_s, dir).value(u"id").toString();
        QVERIFY(!templateId.isEmpty());
        const QJsonObject created =
            createWorkspace(api(), m_owner, u"admin"_s, templateId, u"quiet"_s);
        const QString id = created.value(u"id").toString();
        const QJsonObject done = waitForBuild(
            api(), m_owner, created.value(u"latest_build").toObject().value(u"id").toString());
        QCOMPARE(done.value(u"job").toObject().value(u"status").toString(), u"succeeded"_s);
        const auto quietAgent = [&] {
            return firstAgent(api().get(u"/api/v2/workspaces/"_s + id, m_owner).json());
        };
        QCOMPARE(quietAgent().value(u"connection_timeout_seconds").toInt(), 4);
        QCOMPARE(quietAgent().value(u"status").toString(), u"connecting"_s);
        QVERIFY(
            waitFor([&] { return quietAgent().value(u"status").toString() == u"timeout"; }, 15000));
        QVERIFY(!quietAgent().value(u"health").toObject().value(u"healthy").toBool());
        const auto removed = api().post(u"/api/v2/workspaces/%1/builds"_s.arg(id),
                                        {{u"transition"_s, u"delete"_s}}, m_owner);
        QCOMPARE(removed.status, 201);
        waitForBuild(api(), m_owner, removed.json().value(u"id").toString());
    }

    // A tunnel held with an agent's token ends once a later build replaced that agent, as the
    // token does: a fake agent in place of the killed real one is closed after the stop.
    void aReplacedAgentsTunnelEnds()
    {
        const auto fakeAgent = fakeAgentInPlace();
        QVERIFY(fakeAgent);
        QVERIFY(build(u"stop"_s));
        QVERIFY(fakeAgent->waitClosed());
        QVERIFY(build(u"start"_s)); // left as it was for the tests after this one
        QVERIFY(waitForAgent(u"connected"_s, u"ready"_s));
    }

    void aTokenEndsWithItsBuild()
    {
        const QByteArray old = agentToken();
        const QString oldAgentId = agent().value(u"id").toString();
        QCOMPARE(api().get(u"/api/v2/workspaceagents/me/manifest"_s, old).status, 200);
        // Someone follows the agent's logs meanwhile (Coder's ?follow: JSON arrays of logs).
        QWebSocket follower;
        QStringList followed;
        QObject::connect(&follower, &QWebSocket::textMessageReceived, [&](const QString &text) {
            for (const auto &log : QJsonDocument::fromJson(text.toUtf8()).array())
                followed.append(log.toObject().value(u"output").toString());
        });
        QUrl logs = m_coderd.url();
        logs.setScheme(u"ws"_s);
        logs.setPath(u"/api/v2/workspaceagents/%1/logs"_s.arg(oldAgentId));
        logs.setQuery(u"follow&after=0"_s);
        QNetworkRequest request(logs);
        request.setRawHeader("Coder-Session-Token", m_owner);
        follower.open(request);
        // (qWaitFor: the follower's socket needs the event loop.)
        QVERIFY2(QTest::qWaitFor([&] { return followed.contains(u"greeting-line"_s); }, 10000),
                 qPrintable(follower.errorString()));
        QCOMPARE(follower.state(), QAbstractSocket::ConnectedState);

        QFile::remove(home() + u"/shutdown-ran"_s);
        QVERIFY(build(u"stop"_s));
        QCOMPARE(readFile(home() + u"/shutdown-ran"_s), u"bye"_s);
        // With its build stopped the agent can send no more: the follow ends, normally.
        QVERIFY(QTest::qWaitFor(
            [&] { return follower.state() == QAbstractSocket::UnconnectedState; }, 10000));
        QCOMPARE(follower.closeCode(), QWebSocketProtocol::CloseCodeNormal);
        QCOMPARE(follower.closeReason(), u"the agent's logs are complete"_s);
        QCOMPARE(followed.count(u"greeting-line"_s), 1); // each log once
        // The agent reported its shutdown before the stop ended.
        QCOMPARE(api()
                     .get(u"/api/v2/workspaceagents/"_s + oldAgentId, m_owner)
                     .json()
                     .value(u"lifecycle_state")
                     .toString(),
                 u"off"_s);
        QVERIFY(build(u"start"_s));
        QVERIFY(waitForAgent(u"connected"_s, u"ready"_s));
        const QByteArray fresh = agentToken();
        QVERIFY(fresh != old);
        QCOMPARE(api().get(u"/api/v2/workspaceagents/me/manifest"_s, old).status, 401);
        QCOMPARE(api().get(u"/api/v2/workspaceagents/me/manifest"_s, fresh).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestAgentTunnel)
#include "test_agent_tunnel.moc"
