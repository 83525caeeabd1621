#include "core/api_client.h"
#include "core/log_follower.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>

using namespace coder::core;

namespace {
const QUuid kBuild = QUuid::fromString(QStringLiteral("00000000-0000-4000-8000-0000000000b1"));
}

namespace {

// A WebSocket peer on loopback that plays coderd's log stream: it records the request, sends
// the messages it is given, then closes with the given code.
class FakeLogStream : public QObject
{
public:
    FakeLogStream() : m_server(QStringLiteral("logs"), QWebSocketServer::NonSecureMode)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            QWebSocket *socket = m_server.nextPendingConnection();
            socket->setParent(this);
            requestUrl = socket->requestUrl();
            token = socket->request().rawHeader("Coder-Session-Token");
            for (const QString &message : messages)
                socket->sendTextMessage(message);
            if (dropConnection)
                socket->abort();
            else
                socket->close(closeCode, QStringLiteral("bye"));
        });
    }

    QUrl baseUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }

    QStringList messages;
    QWebSocketProtocol::CloseCode closeCode = QWebSocketProtocol::CloseCodeNormal;
    bool dropConnection = false; // no close frame at all
    QUrl requestUrl;
    QByteArray token;

private:
    QWebSocketServer m_server;
};

QString logJson(qint64 id, const char *stage, const char *output)
{
    return QStringLiteral(
               R"({"id":%1,"created_at":"2024-05-01T10:00:00.000Z","log_source":"provisioner","log_level":"info","stage":"%2","output":"%3"})")
        .arg(id)
        .arg(QLatin1String(stage), QLatin1String(output));
}

} // namespace

class TestLogFollower : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void streamUrl();
    void followsUntilNormalClose();
    void resumesAfterALogId();
    void abnormalCloseFails();
    void droppedConnectionFails();
    void badMessageFails();
    void unreachableServerFails();
};

void TestLogFollower::streamUrl()
{
    QCOMPARE(
        LogFollower::streamUrl(QUrl(QStringLiteral("https://coder.example.com/prefix/")),
                               QStringLiteral("/api/v2/workspacebuilds/b1/logs"), 0)
            .toString(),
        QStringLiteral("wss://coder.example.com/prefix/api/v2/workspacebuilds/b1/logs?follow"));
    QCOMPARE(LogFollower::streamUrl(QUrl(QStringLiteral("http://user:pw@127.0.0.1:3000")),
                                    QStringLiteral("/api/v2/templateversions/v1/logs"), 42)
                 .toString(),
             QStringLiteral("ws://127.0.0.1:3000/api/v2/templateversions/v1/logs?follow&after=42"));
}

void TestLogFollower::followsUntilNormalClose()
{
    FakeLogStream stream;
    stream.messages = {logJson(1, "Setting up", "one"), logJson(2, "Setting up", "two"),
                       logJson(3, "Starting workspace", "three")};
    ApiClient client(stream.baseUrl());
    client.setSessionToken(QStringLiteral("session-secret"));
    LogFollower *follower = LogFollower::follow(client, ApiClient::workspaceBuildLogsPath(kBuild));
    QSignalSpy logs(follower, &LogFollower::log);
    QSignalSpy finished(follower, &LogFollower::finished);
    QSignalSpy failed(follower, &LogFollower::failed);
    QVERIFY(finished.wait(10000));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(logs.count(), 3);
    QStringList outputs;
    for (const auto &arguments : logs)
        outputs.append(arguments.at(0).value<ProvisionerJobLog>().output);
    QCOMPARE(outputs,
             (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}));
    QCOMPARE(follower->lastLogId(), 3);
    QCOMPARE(stream.requestUrl.path(),
             QStringLiteral("/api/v2/workspacebuilds/%1/logs").arg(idText(kBuild)));
    QVERIFY(QUrlQuery(stream.requestUrl).hasQueryItem(QStringLiteral("follow")));
    QCOMPARE(stream.token, QByteArray("session-secret"));
    // Nothing else comes once it finished.
    QTest::qWait(50);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(failed.count(), 0);
}

void TestLogFollower::resumesAfterALogId()
{
    FakeLogStream stream;
    // A server that sends one log too many: the follower does not show it twice.
    stream.messages = {logJson(5, "Setting up", "seen"),
                       QStringLiteral("[%1,%2]").arg(logJson(6, "Setting up", "six"),
                                                     logJson(7, "Setting up", "seven"))};
    LogFollower follower(stream.baseUrl(), QString());
    QSignalSpy logs(&follower, &LogFollower::log);
    QSignalSpy finished(&follower, &LogFollower::finished);
    follower.start(QStringLiteral("/api/v2/templateversions/v1/logs"), 5);
    QVERIFY(finished.wait(10000));
    QCOMPARE(QUrlQuery(stream.requestUrl).queryItemValue(QStringLiteral("after")),
             QStringLiteral("5"));
    QCOMPARE(logs.count(), 2);
    QCOMPARE(logs.at(0).at(0).value<ProvisionerJobLog>().id, 6);
    QCOMPARE(logs.at(1).at(0).value<ProvisionerJobLog>().output, QStringLiteral("seven"));
    QVERIFY(stream.token.isEmpty());
}

void TestLogFollower::abnormalCloseFails()
{
    FakeLogStream stream;
    stream.messages = {logJson(1, "Setting up", "one")};
    stream.closeCode = QWebSocketProtocol::CloseCodeGoingAway;
    LogFollower follower(stream.baseUrl(), QStringLiteral("t"));
    QSignalSpy logs(&follower, &LogFollower::log);
    QSignalSpy finished(&follower, &LogFollower::finished);
    QSignalSpy failed(&follower, &LogFollower::failed);
    follower.start(QStringLiteral("/api/v2/workspacebuilds/b1/logs"));
    QVERIFY(failed.wait(10000));
    QCOMPARE(logs.count(), 1);
    QCOMPARE(finished.count(), 0);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("ended abnormally (close code 1001: bye)")),
             qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("follow")), qPrintable(message));
}

void TestLogFollower::droppedConnectionFails()
{
    // A connection that ends without a close frame (coderd crashed, a proxy cut it) is not
    // the end of the job, even though Qt reports close code 1000 for it.
    FakeLogStream stream;
    stream.messages = {logJson(1, "Setting up", "one")};
    stream.dropConnection = true;
    LogFollower follower(stream.baseUrl(), QStringLiteral("t"));
    QSignalSpy logs(&follower, &LogFollower::log);
    QSignalSpy finished(&follower, &LogFollower::finished);
    QSignalSpy failed(&follower, &LogFollower::failed);
    follower.start(QStringLiteral("/api/v2/workspacebuilds/b1/logs"));
    QVERIFY(failed.wait(10000));
    QCOMPARE(finished.count(), 0);
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("closed")),
             qPrintable(failed.at(0).at(0).toString()));
}

void TestLogFollower::badMessageFails()
{
    FakeLogStream stream;
    stream.messages = {QStringLiteral("not json"), logJson(1, "Setting up", "late")};
    LogFollower follower(stream.baseUrl(), QString());
    QSignalSpy logs(&follower, &LogFollower::log);
    QSignalSpy finished(&follower, &LogFollower::finished);
    QSignalSpy failed(&follower, &LogFollower::failed);
    follower.start(QStringLiteral("/api/v2/workspacebuilds/b1/logs"));
    QVERIFY(failed.wait(10000));
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("not a log")),
             qPrintable(failed.at(0).at(0).toString()));
    QTest::qWait(100);
    QCOMPARE(logs.count(), 0);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(failed.count(), 1);
}

void TestLogFollower::unreachableServerFails()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    LogFollower follower(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
                         QStringLiteral("t"));
    QSignalSpy finished(&follower, &LogFollower::finished);
    QSignalSpy failed(&follower, &LogFollower::failed);
    follower.start(QStringLiteral("/api/v2/workspacebuilds/b1/logs"));
    QVERIFY(failed.wait(10000));
    QCOMPARE(finished.count(), 0);
    QVERIFY2(failed.at(0).at(0).toString().startsWith(
                 QStringLiteral(
                     "cannot follow the logs at ws://127.0.0.1:%1/api/v2/workspacebuilds/b1/logs")
                     .arg(port)),
             qPrintable(failed.at(0).at(0).toString()));
    QTest::qWait(50);
    QCOMPARE(failed.count(), 1);
}

QTEST_GUILESS_MAIN(TestLogFollower)
#include "test_log_follower.moc"
