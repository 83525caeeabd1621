// DockerClient's HTTP framing and error reporting, against a scripted server on a unix socket
// (answers a real dockerd does not give on demand: split chunks, early closes, silence).
// The client against a real dockerd is covered by test_docker_provisioner.
#include "core/thread_role.h"
#include "server/provisioner/docker_client.h"

#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMutex>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace coder::server;

namespace {

// Answers each connection with the next scripted reply, written in parts with pauses between
// them so the client sees them in separate reads.
class ScriptedDaemon : public QThread
{
public:
    struct Reply
    {
        QList<QByteArray> parts;
        bool hold = false; // keep the connection open, silent, until the test ends
    };

    explicit ScriptedDaemon(QString path) : m_path(std::move(path)) {}
    ~ScriptedDaemon() override
    {
        m_stop = true;
        wait();
    }

    void push(const Reply &reply)
    {
        QMutexLocker lock(&m_mutex);
        m_replies << reply;
    }
    QByteArray lastRequest()
    {
        QMutexLocker lock(&m_mutex);
        return m_lastRequest;
    }
    bool startListening()
    {
        start();
        m_ready.acquire();
        return m_listening;
    }

protected:
    void run() override
    {
        QLocalServer server;
        m_listening = server.listen(m_path);
        m_ready.release();
        while (m_listening && !m_stop) {
            if (!server.waitForNewConnection(50))
                continue;
            QLocalSocket *socket = server.nextPendingConnection();
            serve(socket);
            delete socket;
        }
    }

private:
    static bool requestComplete(const QByteArray &data)
    {
        const qsizetype end = data.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        qint64 length = 0;
        for (const QByteArray &line : data.left(end).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        return data.size() >= end + 4 + length;
    }

    void serve(QLocalSocket *socket)
    {
        QByteArray request;
        while (!requestComplete(request) && socket->waitForReadyRead(5000))
            request += socket->readAll();
        Reply reply;
        {
            QMutexLocker lock(&m_mutex);
            m_lastRequest = request;
            if (!m_replies.isEmpty())
                reply = m_replies.takeFirst();
        }
        for (const QByteArray &part : std::as_const(reply.parts)) {
            socket->write(part);
            socket->flush();
            if (socket->state() == QLocalSocket::ConnectedState)
                socket->waitForBytesWritten(1000);
            QThread::msleep(20);
        }
        while (reply.hold && !m_stop)
            QThread::msleep(20);
        socket->disconnectFromServer();
        if (socket->state() != QLocalSocket::UnconnectedState)
            socket->waitForDisconnected(1000);
    }

    QString m_path;
    QMutex m_mutex;
    QList<Reply> m_replies;
    QByteArray m_lastRequest;
    QSemaphore m_ready;
    std::atomic<bool> m_stop{false};
    bool m_listening = false;
};

QByteArray head(const char *status, const char *headers = "")
{
    return QByteArray("HTTP/1.1 ") + status + "\r\nApi-Version: 1.41\r\n" + headers + "\r\n";
}

// A whole answer with its Content-Length.
QByteArray answer(const char *status, const QByteArray &body)
{
    return QByteArray("HTTP/1.1 ") + status +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestDockerClient : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ScriptedDaemon> m_daemon;
    QString m_socket;

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_socket = m_dir.filePath(
            QStringLiteral("docker-%1.sock").arg(QLatin1String(QTest::currentTestFunction())));
        m_daemon = std::make_unique<ScriptedDaemon>(m_socket);
        QVERIFY(m_daemon->startListening());
    }
    void cleanup() { m_daemon.reset(); }

    void chunkedBodySplitAcrossReads()
    {
        // Chunks of 1 to 19 bytes, and the wire cut every 7 bytes: sizes, data and CRLFs
        // arrive split across reads.
        const QByteArray json = R"({"Version":"20.10.24","ApiVersion":"1.41","Os":"linux"})";
        QByteArray wire =
            head("200 OK", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
        for (qsizetype at = 0, size = 1; at < json.size(); at += size, size = size % 19 + 1) {
            const QByteArray chunk = json.mid(at, size);
            wire += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
        }
        wire += "0\r\n\r\n";
        ScriptedDaemon::Reply reply;
        for (qsizetype at = 0; at < wire.size(); at += 7)
            reply.parts << wire.mid(at, 7);
        m_daemon->push(reply);
        DockerClient client(m_socket);
        auto version = client.version();
        QVERIFY2(version.ok(), qPrintable(version.ok() ? QString() : version.error().message));
        QCOMPARE(version->value(QStringLiteral("Version")).toString(), QStringLiteral("20.10.24"));
        QCOMPARE(version->value(QStringLiteral("ApiVersion")).toString(), QStringLiteral("1.41"));

        const QByteArray request = m_daemon->lastRequest();
        QVERIFY2(request.startsWith("GET /v1.41/version HTTP/1.1\r\n"), request.constData());
        QVERIFY(request.contains("\r\nHost: "));
    }

    void bodyEndingWithTheConnection()
    {
        m_daemon->push({{head("200 OK"), "[{\"Id\":\"abc\",", "\"Names\":[\"/x\"]}]"}});
        DockerClient client(m_socket);
        auto list = client.listContainers({QStringLiteral("coder.workspace_id=w1")});
        QVERIFY2(list.ok(), qPrintable(list.ok() ? QString() : list.error().message));
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->at(0).toObject().value(QStringLiteral("Id")).toString(),
                 QStringLiteral("abc"));
        // The label filter travels as URL-encoded JSON.
        const QByteArray request = m_daemon->lastRequest();
        QVERIFY2(request.startsWith("GET /v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%"
                                    "22coder.workspace_id%3Dw1%22%5D%7D HTTP/1.1"),
                 request.constData());
    }

    void continueBeforeTheAnswer()
    {
        m_daemon->push({{"HTTP/1.1 100 Continue\r\n\r\n", head("204 No Content")}});
        DockerClient client(m_socket);
        auto started = client.containerStart(QStringLiteral("c1"));
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
    }

    void postBodyHasItsLength()
    {
        m_daemon->push({{answer("201 Created", R"({"Name":"v1","Driver":"local"})")}});
        DockerClient client(m_socket);
        auto volume = client.volumeCreate(QStringLiteral("v1"),
                                          {{QStringLiteral("coder.owner"), QStringLiteral("ann")}});
        QVERIFY2(volume.ok(), qPrintable(volume.ok() ? QString() : volume.error().message));
        QCOMPARE(volume->value(QStringLiteral("Name")).toString(), QStringLiteral("v1"));

        const QByteArray request = m_daemon->lastRequest();
        const qsizetype end = request.indexOf("\r\n\r\n");
        const QByteArray body = request.mid(end + 4);
        QVERIFY(request.startsWith("POST /v1.41/volumes/create HTTP/1.1\r\n"));
        QVERIFY(request.left(end).contains(
            QByteArray("Content-Length: " + QByteArray::number(body.size()))));
        QVERIFY(request.left(end).contains("Content-Type: application/json"));
        const QJsonObject sent = QJsonDocument::fromJson(body).object();
        QCOMPARE(sent.value(QStringLiteral("Name")).toString(), QStringLiteral("v1"));
        QCOMPARE(sent.value(QStringLiteral("Labels"))
                     .toObject()
                     .value(QStringLiteral("coder.owner"))
                     .toString(),
                 QStringLiteral("ann"));
    }

    void dockerErrorMessage()
    {
        m_daemon->push({{answer("404 Not Found", R"({"message":"No such container: workspace"})"
                                                 "\n")}});
        DockerClient client(m_socket);
        auto inspect = client.containerInspect(QStringLiteral("workspace"));
        QVERIFY(!inspect.ok());
        QCOMPARE(inspect.error().status, 404);
        QVERIFY(inspect.error().notFound());
        QCOMPARE(inspect.error().message, QStringLiteral("No such container: workspace"));
    }

    void plainTextError()
    {
        m_daemon->push({{head("500 Internal Server Error", "Transfer-Encoding: chunked\r\n"),
                         "9\r\nbad thing\r\n0\r\n\r\n"}});
        DockerClient client(m_socket);
        auto removed = client.volumeRemove(QStringLiteral("v"), false);
        QVERIFY(!removed.ok());
        QCOMPARE(removed.error().status, 500);
        QCOMPARE(removed.error().message, QStringLiteral("bad thing"));
    }

    void closedBeforeTheAnswerWasComplete()
    {
        m_daemon->push({{head("200 OK", "Content-Length: 100\r\n"), "{\"Id\":"}});
        DockerClient client(m_socket);
        auto inspect = client.containerInspect(QStringLiteral("c"));
        QVERIFY(!inspect.ok());
        QCOMPARE(inspect.error().status, 0);
        QVERIFY2(inspect.error().message.contains(
                     QStringLiteral("the connection closed before the answer was complete")),
                 qPrintable(inspect.error().message));
        QVERIFY(inspect.error().message.contains(QStringLiteral("GET /containers/c/json")));
    }

    void malformedAnswer()
    {
        m_daemon->push({{"SSH-2.0-OpenSSH_9.2\r\n"}});
        DockerClient client(m_socket);
        auto pinged = client.ping();
        QVERIFY(!pinged.ok());
        QVERIFY2(pinged.error().message.contains(QStringLiteral("malformed HTTP response")),
                 qPrintable(pinged.error().message));
    }

    void silentDaemonTimesOut()
    {
        m_daemon->push({{}, true});
        DockerClient client(m_socket, 300);
        auto version = client.version();
        QVERIFY(!version.ok());
        QCOMPARE(version.error().status, 0);
        QCOMPARE(version.error().message,
                 QStringLiteral("the Docker daemon at unix://%1 did not answer GET /version "
                                "within 1 s")
                     .arg(m_socket));
    }

    void missingSocket()
    {
        const QString path = m_dir.filePath(QStringLiteral("nothing-here.sock"));
        DockerClient client(path);
        auto pinged = client.ping();
        QVERIFY(!pinged.ok());
        QVERIFY(pinged.error().unreachable());
        QCOMPARE(pinged.error().message,
                 QStringLiteral("cannot reach the Docker daemon at unix://%1: the socket does not "
                                "exist (is dockerd running?)")
                     .arg(path));
    }

    void socketNobodyListensOn()
    {
        // A socket file left by a daemon that died: bound, never listening.
        const QString path = m_dir.filePath(QStringLiteral("stale.sock"));
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        QVERIFY(size_t(encoded.size()) < sizeof address.sun_path);
        memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        DockerClient client(path);
        auto pinged = client.ping();
        ::close(fd);
        QVERIFY(!pinged.ok());
        QCOMPARE(pinged.error().message,
                 QStringLiteral("cannot reach the Docker daemon at unix://%1: connection refused "
                                "(is dockerd running?)")
                     .arg(path));
    }

    void refusedOnAnEventLoopThread()
    {
        // The scripted daemon would answer; the call must not even be made.
        m_daemon->push({{answer("200 OK", R"({"Version":"20.10.24"})")}});
        QTest::ignoreMessage(QtCriticalMsg,
                             "coder: a Docker call on an event-loop thread was refused");
        QString message;
        QThread thread;
        QObject context;
        context.moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(
            &context,
            [&] {
                coder::core::thread_role::markEventLoop();
                auto version = DockerClient(m_socket).version();
                message = version.ok() ? QString() : version.error().message;
            },
            Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        QVERIFY2(message.contains(QStringLiteral("not allowed")), qPrintable(message));
        QCOMPARE(m_daemon->lastRequest(), QByteArray());
    }

    void logsAreDemultiplexed()
    {
        QByteArray stream;
        auto frame = [&](char kind, const QByteArray &data) {
            stream += kind;
            stream += QByteArray(3, '\0');
            const quint32 size = quint32(data.size());
            stream += char(size >> 24);
            stream += char((size >> 16) & 0xff);
            stream += char((size >> 8) & 0xff);
            stream += char(size & 0xff);
            stream += data;
        };
        frame(1, "out line\n");
        frame(2, "err line\n");
        frame(1, QByteArray(300, 'x') + '\n');
        QCOMPARE(DockerClient::demultiplexLogs(stream),
                 QByteArray("out line\nerr line\n") + QByteArray(300, 'x') + '\n');
        // A TTY container's log is the raw text.
        QCOMPARE(DockerClient::demultiplexLogs("plain text\n"), QByteArray("plain text\n"));
        QCOMPARE(DockerClient::demultiplexLogs({}), QByteArray());
    }

    void socketFromEnvironment()
    {
        const QByteArray saved = qgetenv("DOCKER_HOST");
        const bool had = qEnvironmentVariableIsSet("DOCKER_HOST");
        qunsetenv("DOCKER_HOST");
        QCOMPARE(*DockerClient::socketPathFromEnvironment(),
                 QStringLiteral("/var/run/docker.sock"));
        qputenv("DOCKER_HOST", "unix:///run/user/1000/docker.sock");
        QCOMPARE(*DockerClient::socketPathFromEnvironment(),
                 QStringLiteral("/run/user/1000/docker.sock"));
        qputenv("DOCKER_HOST", "tcp://10.0.0.1:2375");
        auto tcp = DockerClient::socketPathFromEnvironment();
        QVERIFY(!tcp.ok());
        QVERIFY2(
            tcp.error().message.startsWith(QStringLiteral("DOCKER_HOST=tcp://10.0.0.1:2375 is not "
                                                          "supported")),
            qPrintable(tcp.error().message));
        if (had)
            qputenv("DOCKER_HOST", saved);
        else
            qunsetenv("DOCKER_HOST");
    }
};

QTEST_GUILESS_MAIN(TestDockerClient)
#include "test_docker_client.moc"
