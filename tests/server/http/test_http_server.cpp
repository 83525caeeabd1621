// HttpServer (server/http/http_server.h): listening, WebSocket upgrades decided before the
// handshake, TLS, and graceful shutdown.

#include "http_test_support.h"
#include "tests/support/unavailable.h"

#include <QCoreApplication>
#include <QFile>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace coder::server;
using namespace coder::server::test;

namespace {

const QByteArray kUpgradeHead = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 13\r\n";

QNetworkRequest webSocketRequest(const QString &url, const QByteArray &token)
{
    QNetworkRequest request{QUrl(url)};
    if (!token.isEmpty())
        request.setRawHeader("Coder-Session-Token", token);
    return request;
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

    std::shared_ptr<RouterState> m_state;
    std::unique_ptr<HttpServer> m_server;
    std::atomic<int> m_exitsOffMainThread{0};

    HttpServerConfig config()
    {
        HttpServerConfig config = testConfig(m_state);
        config.onThreadExit = [this, state = m_state] {
            ++state->threadExits;
            if (QThread::currentThread() != QCoreApplication::instance()->thread())
                ++m_exitsOffMainThread;
        };
        return config;
    }

    void startServer(HttpServerConfig config)
    {
        m_server = std::make_unique<HttpServer>(makeTestRouter(m_state), std::move(config));
        QCOMPARE(m_server->listen(), QString());
    }

private Q_SLOTS:
    void init()
    {
        m_state = std::make_shared<RouterState>();
        m_exitsOffMainThread = 0;
    }
    void cleanup() { m_server.reset(); }

    void listenReportsErrors()
    {
        startServer(config());
        QVERIFY(m_server->port() != 0);
        QCOMPARE(m_server->address(), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(!m_server->listen().isEmpty()); // already listening

        HttpServerConfig taken = config();
        taken.port = m_server->port();
        HttpServer second(makeTestRouter(m_state), taken);
        const QString error = second.listen();
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(QString::number(taken.port)), qPrintable(error));
    }

    void webSocketRefusedBeforeHandshake()
    {
        startServer(config());
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /ws/lobby HTTP/1.1\r\nHost: x\r\n" + kUpgradeHead + "\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.statusLine, QByteArray("HTTP/1.1 401 Unauthorized"));
        QCOMPARE(response.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("You must be logged in."));
        QVERIFY(response.header("upgrade").isEmpty());
        QVERIFY(client.waitClosed());
        QVERIFY(!client.buffer().contains("101"));

        // A real client sees the refusal as a failed connection, never as connected.
        QWebSocket webSocket;
        QSignalSpy connected(&webSocket, &QWebSocket::connected);
        QSignalSpy disconnected(&webSocket, &QWebSocket::disconnected);
        webSocket.open(webSocketRequest(
            QStringLiteral("ws://127.0.0.1:%1/ws/lobby").arg(m_server->port()), "bad"));
        QTRY_VERIFY(webSocket.state() == QAbstractSocket::UnconnectedState &&
                    !webSocket.errorString().isEmpty());
        QCOMPARE(connected.count(), 0);

        // An upgrade to a path without a WebSocket route is a plain 404.
        QTcpSocket other;
        RawClient otherClient(&other);
        QVERIFY(otherClient.connectTo(m_server->port()));
        otherClient.send("GET /echo HTTP/1.1\r\nHost: x\r\n" + kUpgradeHead + "\r\n");
        QCOMPARE(otherClient.read().status, 404);
    }

    void webSocketAcceptedEchoes()
    {
        startServer(config());
        QWebSocket webSocket;
        QSignalSpy connected(&webSocket, &QWebSocket::connected);
        QSignalSpy messages(&webSocket, &QWebSocket::textMessageReceived);
        webSocket.open(webSocketRequest(
            QStringLiteral("ws://127.0.0.1:%1/ws/lobby").arg(m_server->port()), "good"));
        QTRY_COMPARE(connected.count(), 1);
        webSocket.sendTextMessage(QStringLiteral("hello"));
        QTRY_COMPARE(messages.count(), 1);
        QCOMPARE(messages.first().first().toString(), QStringLiteral("lobby:hello"));
        webSocket.close();
    }

    void upgradeAfterPipelinedRequest()
    {
        // The upgrade head arrives in the same packet as an ordinary request: it must still
        // reach QWebSocketServer unread, after the ordinary answer.
        startServer(config());
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=first HTTP/1.1\r\nHost: x\r\n\r\n"
                    "GET /ws/pipe HTTP/1.1\r\nHost: x\r\nCoder-Session-Token: good\r\n" +
                    kUpgradeHead + "\r\n");
        QCOMPARE(client.read().body, QByteArray("get:first"));
        QVERIFY(RawClient::spinUntil(
            [&] {
                client.buffer() += socket.readAll();
                return client.buffer().contains("\r\n\r\n");
            },
            QDeadlineTimer(10000)));
        QVERIFY2(client.buffer().startsWith("HTTP/1.1 101"), client.buffer().constData());
    }

    void failedHandshakeClosesConnection()
    {
        startServer(config());
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        // Authorized, but not a valid WebSocket handshake (no key): QWebSocketServer refuses.
        client.send("GET /ws/lobby HTTP/1.1\r\nHost: x\r\nCoder-Session-Token: good\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        QVERIFY(client.waitClosed());
        QVERIFY(!client.buffer().contains("101 Switching"));

        QTcpSocket other;
        RawClient otherClient(&other);
        QVERIFY(otherClient.connectTo(m_server->port()));
        otherClient.send("GET /echo?q=ok HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(otherClient.read().body, QByteArray("get:ok"));
    }

    void tls()
    {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            CODER_UNAVAILABLE(QStringLiteral("the openssl CLI is not installed"));
        if (!QSslSocket::supportsSsl())
            CODER_UNAVAILABLE(QStringLiteral("Qt has no TLS backend here"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess process;
        process.start(openssl,
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                       QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"),
                       dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                       dir.filePath(QStringLiteral("cert.pem"))});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        QFile keyFile(dir.filePath(QStringLiteral("key.pem")));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QList<QSslCertificate> certificates =
            QSslCertificate::fromPath(dir.filePath(QStringLiteral("cert.pem")));
        QCOMPARE(certificates.size(), 1);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(certificates.first());
        tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec));
        QVERIFY(!tls.privateKey().isNull());

        HttpServerConfig serverConfig = config();
        serverConfig.tls = tls;
        startServer(serverConfig);

        QSslSocket socket;
        // Self-signed and issued for "localhost": both errors are expected here.
        connect(&socket, &QSslSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY2(RawClient::spinUntil([&] { return socket.isEncrypted(); }, QDeadlineTimer(10000)),
                 qPrintable(socket.errorString()));
        RawClient client(&socket);
        client.send("GET /echo?q=secure HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("get:secure"));
        // Megabytes over TLS: the answer is fed to the socket as its encrypted bytes drain.
        client.send("GET /big?n=3000000 HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(client.read().body == patternBytes(3000000));

        // WebSocket over the already-encrypted socket: QWebSocketServer in non-secure mode only
        // sees the decrypted bytes.
        QWebSocket webSocket;
        connect(&webSocket, &QWebSocket::sslErrors, &webSocket,
                [&webSocket] { webSocket.ignoreSslErrors(); });
        QSignalSpy connected(&webSocket, &QWebSocket::connected);
        QSignalSpy messages(&webSocket, &QWebSocket::textMessageReceived);
        webSocket.open(webSocketRequest(
            QStringLiteral("wss://127.0.0.1:%1/ws/secure").arg(m_server->port()), "good"));
        QTRY_COMPARE(connected.count(), 1);
        webSocket.sendTextMessage(QStringLiteral("hi"));
        QTRY_COMPARE(messages.count(), 1);
        QCOMPARE(messages.first().first().toString(), QStringLiteral("secure:hi"));

        // Plain HTTP to the TLS port gets nowhere.
        QTcpSocket plain;
        RawClient plainClient(&plain);
        QVERIFY(plainClient.connectTo(m_server->port()));
        plainClient.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(plainClient.waitClosed());
        QVERIFY(!plainClient.buffer().contains("get:"));
    }

    void gracefulShutdown()
    {
        startServer(config());
        const quint16 port = m_server->port();
        QSignalSpy stopped(m_server.get(), &HttpServer::stopped);

        QTcpSocket idle;
        RawClient idleClient(&idle);
        QVERIFY(idleClient.connectTo(port));
        idleClient.send("GET /echo?q=idle HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(idleClient.read().status, 200);

        QWebSocket webSocket;
        QSignalSpy wsConnected(&webSocket, &QWebSocket::connected);
        QSignalSpy wsDisconnected(&webSocket, &QWebSocket::disconnected);
        webSocket.open(
            webSocketRequest(QStringLiteral("ws://127.0.0.1:%1/ws/room").arg(port), "good"));
        QTRY_COMPARE(wsConnected.count(), 1);

        QTcpSocket slow;
        RawClient slowClient(&slow);
        QVERIFY(slowClient.connectTo(port));
        slowClient.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY(m_state->slowStarted.load());

        m_server->shutdown(5000);
        QVERIFY(!m_server->isRunning());
        QCOMPARE(stopped.count(), 0); // asynchronous: the threads finish in their own time
        QTRY_COMPARE(stopped.count(), 1);
        QCOMPARE(m_state->threadExits.load(), 2);
        QCOMPARE(m_exitsOffMainThread.load(), 2);

        // The request in flight was answered in full, then its connection closed.
        const RawResponse response = slowClient.read();
        QVERIFY(response.complete);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray(16 * 1024, 's'));
        QVERIFY(slowClient.waitClosed());
        QVERIFY(idleClient.waitClosed());
        QTRY_COMPARE(wsDisconnected.count(), 1);
        QCOMPARE(webSocket.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);

        QTcpSocket refused;
        refused.connectToHost(QHostAddress::LocalHost, port);
        QTRY_COMPARE(refused.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(refused.error(), QAbstractSocket::ConnectionRefusedError);

        m_server->shutdown(5000); // a second call is a no-op
        QCOMPARE(stopped.count(), 1);
        QCOMPARE(m_state->threadExits.load(), 2);
    }

    // A shutdown while most of a large answer is still to be sent (the client reads slowly)
    // sends all of it before closing.
    void shutdownSendsAnAnswerInFullFirst()
    {
        startServer(config());
        QTcpSocket socket;
        socket.setReadBufferSize(64 * 1024); // the kernel's buffers fill, then the server waits
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /big?n=12000000 HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY(socket.bytesAvailable() > 0);
        QSignalSpy stopped(m_server.get(), &HttpServer::stopped);
        m_server->shutdown(10000);
        const RawResponse response = client.read(20000);
        QVERIFY(response.complete);
        QVERIFY(response.body == patternBytes(12000000));
        QVERIFY(client.waitClosed());
        QVERIFY(client.buffer().isEmpty());
        QTRY_COMPARE(stopped.count(), 1);
    }

    // With a handler pool, a handler that takes long holds up only its own request: another
    // client on the same (single) event-loop thread is answered meanwhile.
    void slowHandlerDelaysOnlyItself()
    {
        coder::core::WorkPool pool(QStringLiteral("handlers"), 2);
        HttpServerConfig serverConfig = testConfig(m_state, &pool);
        serverConfig.threads = 1;
        startServer(serverConfig);
        QTcpSocket slow;
        RawClient slowClient(&slow);
        QVERIFY(slowClient.connectTo(m_server->port()));
        slowClient.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY(m_state->slowStarted.load());

        QTcpSocket quick;
        RawClient quickClient(&quick);
        QVERIFY(quickClient.connectTo(m_server->port()));
        quickClient.send("GET /echo?q=quick HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(quickClient.read().body, QByteArray("get:quick"));
        QCOMPARE(m_state->slowFinished.load(), 0); // the slow one is still running

        const RawResponse slowResponse = slowClient.read();
        QCOMPARE(slowResponse.status, 200);
        QCOMPARE(m_state->slowFinished.load(), 1);
        m_server.reset(); // before the pool
    }

    void destructorShutsDown()
    {
        HttpServerConfig serverConfig = config();
        serverConfig.threads = 3;
        startServer(serverConfig);
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo HTT"); // left half-sent on purpose
        m_server.reset();
        QCOMPARE(m_state->threadExits.load(), 3);
        QVERIFY(client.waitClosed());
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "test_http_server.moc"
