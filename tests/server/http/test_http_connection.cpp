// The HTTP/1.1 behaviour of one connection (server/http/http_connection.h), driven with raw
// bytes over loopback against a real HttpServer. The suite runs twice: handlers on the
// event-loop threads, and on a handler pool as coderd runs them.

#include "http_test_support.h"

#include <QTest>

using namespace coder::server;
using namespace coder::server::test;

class TestHttpConnection : public QObject
{
    Q_OBJECT

    std::unique_ptr<coder::core::WorkPool> m_pool;
    std::shared_ptr<RouterState> m_state;
    std::unique_ptr<HttpServer> m_server;

    HttpServerConfig config() const { return testConfig(m_state, m_pool.get()); }

public:
    explicit TestHttpConnection(bool pooled)
    {
        if (pooled)
            m_pool = std::make_unique<coder::core::WorkPool>(QStringLiteral("handlers"), 2);
        setObjectName(pooled ? QStringLiteral("TestHttpConnectionOnPool")
                             : QStringLiteral("TestHttpConnection"));
    }
    ~TestHttpConnection() override { m_server.reset(); }

    void startServer(HttpServerConfig config)
    {
        m_server = std::make_unique<HttpServer>(makeTestRouter(m_state), std::move(config));
        QCOMPARE(m_server->listen(), QString());
        QVERIFY(m_server->port() != 0);
    }

private Q_SLOTS:
    void init()
    {
        m_state = std::make_shared<RouterState>();
        startServer(config());
    }
    void cleanup() { m_server.reset(); }

    void keepAliveServesTwoRequests()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=one HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse first = client.read();
        QVERIFY(first.complete);
        QCOMPARE(first.statusLine, QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(first.body, QByteArray("get:one"));
        QCOMPARE(first.header("content-length"), QByteArray("7"));
        QCOMPARE(first.header("content-type"), QByteArray("text/plain; charset=utf-8"));
        QVERIFY(first.header("connection").isEmpty());
        client.send("GET /echo?q=two HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse second = client.read();
        QCOMPARE(second.body, QByteArray("get:two"));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void pipelinedRequestsAnswerInOrder()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo"
                    "GET /echo?q=3 HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().body, QByteArray("get:1"));
        QCOMPARE(client.read().body, QByteArray("two"));
        QCOMPARE(client.read().body, QByteArray("get:3"));
    }

    void largeBodiesKeepTheirPlace()
    {
        // A body past the size that is written apart from its head (64 KiB) arrives whole,
        // after its head and before the next pipelined answer.
        const QByteArray large(900 * 1024 + 7, 'L'); // under the 1 MiB body limit
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                    QByteArray::number(large.size()) + "\r\n\r\n" + large +
                    "GET /echo?q=3 HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().body, QByteArray("get:1"));
        const RawResponse big = client.read();
        QCOMPARE(big.header("content-length"), QByteArray::number(large.size()));
        QVERIFY(big.body == large);
        QCOMPARE(client.read().body, QByteArray("get:3"));
    }

    void answersOfMegabytesArriveWholeAndInOrder()
    {
        // Far more than one slice (256 KiB) and than the kernel's socket buffers: the answer goes
        // out over many event-loop turns, between the answers pipelined around it.
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    "GET /big?n=9000001 HTTP/1.1\r\nHost: x\r\n\r\n"
                    "GET /big?n=300000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    "GET /echo?q=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(client.read().body, QByteArray("get:1"));
        const RawResponse first = client.read();
        QVERIFY(first.complete);
        QVERIFY(first.body == patternBytes(9000001));
        QVERIFY(client.read().body == patternBytes(300000));
        QCOMPARE(client.read().body, QByteArray("get:4"));
        QVERIFY(client.waitClosed());
        QVERIFY(client.buffer().isEmpty());
    }

    void connectionCloseIsHonoured()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.body, QByteArray("get:bye"));
        QCOMPARE(response.header("connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
        QVERIFY(client.buffer().isEmpty());
    }

    void http10ClosesUnlessKeepAlive()
    {
        {
            QTcpSocket socket;
            RawClient client(&socket);
            QVERIFY(client.connectTo(m_server->port()));
            client.send("GET /echo?q=old HTTP/1.0\r\n\r\n");
            const RawResponse response = client.read();
            QCOMPARE(response.body, QByteArray("get:old"));
            QCOMPARE(response.header("connection"), QByteArray("close"));
            QVERIFY(client.waitClosed());
        }
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const RawResponse first = client.read();
        QCOMPARE(first.header("connection"), QByteArray("keep-alive"));
        client.send("GET /echo?q=b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(client.read().body, QByteArray("get:b"));
    }

    void expectContinueAccepted()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    "Content-Length: 5\r\n\r\n");
        const RawResponse interim = client.read();
        QVERIFY(interim.complete);
        QCOMPARE(interim.statusLine, QByteArray("HTTP/1.1 100 Continue"));
        client.send("hello");
        const RawResponse response = client.read();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("hello"));
    }

    void expectContinueRefusedWhenTooLarge()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    "Content-Length: 1000\r\n\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.status, 413);
        QCOMPARE(response.header("connection"), QByteArray("close"));
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QVERIFY(!response.json().value(QStringLiteral("message")).toString().isEmpty());
        QVERIFY(client.waitClosed());
        QVERIFY2(!client.buffer().contains("100 Continue"), client.buffer().constData());
    }

    void oversizedBodyByContentLength()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        // The 413 arrives intact even though the server never reads the body it refused.
        client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                    QByteArray(100, 'x'));
        const RawResponse response = client.read();
        QCOMPARE(response.status, 413);
        QVERIFY(client.waitClosed());
    }

    void chunkedBodies()
    {
        {
            QTcpSocket socket;
            RawClient client(&socket);
            QVERIFY(client.connectTo(m_server->port()));
            client.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            const RawResponse response = client.read();
            QCOMPARE(response.status, 200);
            QCOMPARE(response.body, QByteArray("hello world"));
        }
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.status, 413);
        QCOMPARE(response.header("connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
    }

    void oversizedHeaders()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20 * 1024, 'b') +
                    "\r\n\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.status, 431);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QVERIFY(client.waitClosed());
    }

    void garbageIsBadRequest()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send(QByteArray("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16));
        const RawResponse response = client.read();
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Malformed HTTP request."));
        QVERIFY(client.waitClosed());
    }

    void routingErrorsAreJson()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse notFound = client.read();
        QCOMPARE(notFound.status, 404);
        QCOMPARE(notFound.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Route not found."));
        QVERIFY(!notFound.json().value(QStringLiteral("detail")).toString().isEmpty());

        client.send("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse wrongMethod = client.read();
        QCOMPARE(wrongMethod.statusLine, QByteArray("HTTP/1.1 405 Method Not Allowed"));
        QCOMPARE(wrongMethod.header("allow"), QByteArray("GET, POST"));
        QCOMPARE(wrongMethod.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Method not allowed."));

        client.send("GET /ws/lobby HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().status, 426);

        client.send("GET /params/a%2Fb/ HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().body, QByteArray("a/b|/params/a/b/"));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void throwingHandlerAnswers500()
    {
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /echo?q=after HTTP/1.1\r\n\r\n");
        const RawResponse response = client.read();
        QCOMPARE(response.status, 500);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QCOMPARE(client.read().body, QByteArray("get:after"));
    }

    void headerTimeoutClosesSlowloris()
    {
        HttpServerConfig config = this->config();
        config.headerTimeoutMs = 300;
        startServer(config);
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo HT");
        QVERIFY(client.waitClosed());
        QVERIFY2(client.buffer().startsWith("HTTP/1.1 408 Request Timeout\r\n"),
                 client.buffer().constData());
    }

    void idleTimeoutClosesKeepAlive()
    {
        HttpServerConfig config = this->config();
        config.idleTimeoutMs = 300;
        startServer(config);
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=x HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().status, 200);
        QVERIFY(client.waitClosed());
        QVERIFY(client.buffer().isEmpty());
    }

    void earlyDisconnectsDoNotHurt()
    {
        for (int i = 0; i < 20; ++i) {
            QTcpSocket socket;
            RawClient client(&socket);
            QVERIFY(client.connectTo(m_server->port()));
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial");
            socket.abort();
        }
        {
            QTcpSocket socket;
            RawClient client(&socket);
            QVERIFY(client.connectTo(m_server->port()));
            client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            QTRY_VERIFY(m_state->slowStarted.load());
            socket.abort();
        }
        QTRY_COMPARE(m_state->slowFinished.load(), 1);
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(m_server->port()));
        client.send("GET /echo?q=alive HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().body, QByteArray("get:alive"));
    }

    void headResponsesHaveNoBody()
    {
        auto router = std::make_shared<Router>();
        router->add("HEAD", QStringLiteral("/h"),
                    [](HttpRequest &) { return HttpResponse::text(200, "twelve bytes"); });
        router->add("GET", QStringLiteral("/h"),
                    [](HttpRequest &) { return HttpResponse::text(200, "twelve bytes"); });
        HttpServer server(router, config());
        QCOMPARE(server.listen(), QString());
        QTcpSocket socket;
        RawClient client(&socket);
        QVERIFY(client.connectTo(server.port()));
        client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /h HTTP/1.1\r\nHost: x\r\n\r\n");
        // The HEAD answer declares 12 bytes but carries none, so the next answer follows at once.
        QVERIFY(RawClient::spinUntil(
            [&] {
                client.buffer() += socket.readAll();
                return client.buffer().count("HTTP/1.1 200") == 2 &&
                       client.buffer().endsWith("twelve bytes");
            },
            QDeadlineTimer(10000)));
        const QByteArray all = client.buffer();
        QCOMPARE(all.count("Content-Length: 12"), 2);
        QVERIFY(all.endsWith("\r\n\r\ntwelve bytes"));
        QCOMPARE(all.count("twelve bytes"), 1);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestHttpConnection inlineHandlers(false);
    TestHttpConnection pooledHandlers(true);
    const int inlineFailures = QTest::qExec(&inlineHandlers, argc, argv);
    return inlineFailures + QTest::qExec(&pooledHandlers, argc, argv);
}
#include "test_http_connection.moc"
