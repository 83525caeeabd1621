// The tunnel over a real WebSocket on loopback (core/tunnel/tunnel_transport.h, core/
// websocket_dialer.h): the dialer's handshake against a server that answers as coderd does,
// streams carrying megabytes both ways, protocol errors reaching the other end as the close
// reason, a refusal's status and message, our client framing read by an independent
// implementation (QtWebSockets' server echoing back), and the same tunnel over TLS (wss://).

#include "core/tunnel/tunnel_session.h"
#include "core/tunnel/tunnel_transport.h"
#include "core/websocket_dialer.h"
#include "core/websocket_frame.h"
#include "core/websocket_handshake.h"
#include "tunnel_test_support.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <memory>

using namespace coder::core;
using namespace coder::core::tunnel;
using namespace Qt::StringLiterals;

namespace {

// Accepts TCP connections, or TLS ones as coderd's HTTPS listener does (QSslSocket, server
// encryption started at once) when given a configuration.
class Listener : public QTcpServer
{
public:
    std::optional<QSslConfiguration> tls;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (!tls) {
            QTcpServer::incomingConnection(descriptor);
            return;
        }
        auto *socket = new QSslSocket(this);
        socket->setSslConfiguration(*tls);
        QVERIFY(socket->setSocketDescriptor(descriptor));
        socket->startServerEncryption();
        addPendingConnection(socket);
    }
};

// The server's end as coderd has it: the handshake answered by hand (or refused), then the
// socket handed over.
class HandshakeServer : public QObject
{
    Q_OBJECT
public:
    QByteArray refusal; // set: answered instead of the upgrade
    std::function<void(QTcpSocket *)> upgraded;

    explicit HandshakeServer(std::optional<QSslConfiguration> tls = std::nullopt)
    {
        m_server.tls = std::move(tls);
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onRequest(socket); });
        });
    }
    QUrl url() const
    {
        return QUrl(u"%1://127.0.0.1:%2/tunnel"_s.arg(m_server.tls ? u"wss"_s : u"ws"_s)
                        .arg(m_server.serverPort()));
    }

private:
    void onRequest(QTcpSocket *socket)
    {
        const QByteArray head = socket->peek(socket->bytesAvailable());
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        socket->disconnect(this);
        socket->skip(end + 4);
        if (!refusal.isEmpty()) {
            socket->write(refusal);
            socket->disconnectFromHost();
            return;
        }
        static const QRegularExpression keyLine(u"Sec-WebSocket-Key: (\\S+)"_s);
        const QByteArray key = keyLine.match(QString::fromLatin1(head)).captured(1).toLatin1();
        socket->write(websocket::serverAcceptance(key));
        socket->setParent(nullptr);
        upgraded(socket);
    }

    Listener m_server;
};

// Runs a dialer to its end; returns the upgraded socket or null, and what it said otherwise.
QTcpSocket *dial(const QUrl &url, QString *failure = nullptr, ApiError *refusal = nullptr)
{
    WebSocketDialer dialer(url, {{"Coder-Session-Token", "t"}});
    QTcpSocket *socket = nullptr;
    bool done = false;
    QObject::connect(&dialer, &WebSocketDialer::upgraded, [&](QTcpSocket *s) {
        socket = s;
        done = true;
    });
    QObject::connect(&dialer, &WebSocketDialer::failed, [&](const QString &reason) {
        if (failure)
            *failure = reason;
        done = true;
    });
    QObject::connect(&dialer, &WebSocketDialer::refused, [&](const ApiError &error) {
        if (refusal)
            *refusal = error;
        done = true;
    });
    dialer.start();
    if (!QTest::qWaitFor([&] { return done; }, 10000) && failure)
        *failure = u"no outcome"_s;
    return socket;
}

// Starts an echo service on every tunnel the server upgrades: each stream sends back what it gets,
// and closes after.
void serveEcho(HandshakeServer &server, std::unique_ptr<TunnelSession> &listener)
{
    server.upgraded = [&listener](QTcpSocket *socket) {
        listener = std::make_unique<TunnelSession>(
            new WebSocketTransport(socket, WebSocketTransport::Role::Server),
            TunnelSession::Side::Listener);
        QObject::connect(listener.get(), &TunnelSession::streamRequested, listener.get(),
                         [](TunnelStream *stream, const QByteArray &) {
                             stream->accept();
                             QObject::connect(stream, &QIODevice::readyRead, stream,
                                              [stream] { stream->write(stream->readAll()); });
                             QObject::connect(stream, &QIODevice::readChannelFinished, stream,
                                              [stream] { stream->closeWrite(); });
                         });
    };
}

// Sends bulk through an echo stream of dialer and checks that all of it comes back.
void echoRoundTrip(TunnelSession &dialer, qsizetype bytes)
{
    QByteArray bulk(bytes, Qt::Uninitialized);
    for (qsizetype i = 0; i < bulk.size(); ++i)
        bulk[i] = char(i * 31 + i / 65536);
    QPointer<TunnelStream> stream = dialer.open(R"({"target":"tcp","port":1})");
    QVERIFY(stream);
    QSignalSpy opened(stream.data(), &TunnelStream::opened);
    stream->write(bulk);
    stream->closeWrite();
    const QByteArray received = coder::core::tunnel::test::readFully(stream, bulk.size());
    QCOMPARE(opened.size(), 1);
    QVERIFY(received == bulk);
    QTRY_VERIFY(!stream); // finished both ways, deleted by its session
    QCOMPARE(dialer.streamCount(), 0);
}

} // namespace

class TestTunnelWebSocket : public QObject
{
    Q_OBJECT

    std::unique_ptr<HandshakeServer> m_server;
    std::unique_ptr<TunnelSession> m_listener; // the agent's end, a server here
    std::unique_ptr<TunnelSession> m_dialer;   // the client's end
    QPointer<QTcpSocket> m_clientSocket;

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<HandshakeServer>();
        serveEcho(*m_server, m_listener);
        QString failure;
        QTcpSocket *socket = dial(m_server->url(), &failure);
        QVERIFY2(socket, qPrintable(failure));
        m_clientSocket = socket;
        m_dialer = std::make_unique<TunnelSession>(
            new WebSocketTransport(socket, WebSocketTransport::Role::Client),
            TunnelSession::Side::Dialer);
        QTRY_VERIFY(m_listener != nullptr);
    }
    void cleanup()
    {
        m_dialer.reset();
        m_listener.reset();
        m_server.reset();
    }

    void megabytesGoThereAndBack() { echoRoundTrip(*m_dialer, 8 * 1024 * 1024); }

    // wss:// as against an HTTPS coderd: an untrusted certificate fails the dial with the reason;
    // trusted, the tunnel carries megabytes both ways (Qt's TLS socket, no SO_RCVLOWAT).
    void aTunnelOverTlsCarriesMegabytes()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(u"cert.pem"_s);
        const QString key = dir.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s,
                      {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                       u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-days"_s, u"1"_s,
                       u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                       u"subjectAltName=IP:127.0.0.1"_s, u"-keyout"_s, key, u"-out"_s, cert});
        QVERIFY2(openssl.waitForFinished(30000) && openssl.exitCode() == 0, // blocking ok: test
                 openssl.readAllStandardError().constData());
        QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
        serverTls.setLocalCertificateChain(QSslCertificate::fromPath(cert));
        QFile keyFile(key);
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        serverTls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec));
        QVERIFY(!serverTls.privateKey().isNull());

        HandshakeServer server(serverTls);
        std::unique_ptr<TunnelSession> listener;
        serveEcho(server, listener);
        QCOMPARE(server.url().scheme(), u"wss"_s);

        QString failure;
        QVERIFY(!dial(server.url(), &failure));
        QVERIFY2(failure.contains(u"certificate"_s, Qt::CaseInsensitive), qPrintable(failure));

        const QSslConfiguration previous = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = previous;
        trusting.setCaCertificates(QSslCertificate::fromPath(cert));
        QSslConfiguration::setDefaultConfiguration(trusting);
        QTcpSocket *socket = dial(server.url(), &failure);
        QSslConfiguration::setDefaultConfiguration(previous);
        QVERIFY2(socket, qPrintable(failure));
        QVERIFY(qobject_cast<QSslSocket *>(socket));
        TunnelSession dialer(new WebSocketTransport(socket, WebSocketTransport::Role::Client),
                             TunnelSession::Side::Dialer);
        QTRY_VERIFY(listener != nullptr);
        echoRoundTrip(dialer, 8 * 1024 * 1024);
    }

    void aProtocolErrorReachesThePeerAsTheCloseReason()
    {
        QSignalSpy closed(m_dialer.get(), &TunnelSession::closed);
        // The listener gets a frame it cannot read: it closes the tunnel, saying why.
        QPointer<TunnelStream> stream = m_dialer->open("{}");
        QSignalSpy failed(stream.data(), &TunnelStream::failed);
        auto *transport = m_dialer->findChild<WebSocketTransport *>();
        QVERIFY(transport);
        transport->sendFrame(QByteArray("\x07\x00", 2));
        QTRY_COMPARE(closed.size(), 1);
        QVERIFY2(closed.first().first().toString().contains(u"shorter than its header"_s),
                 qPrintable(closed.first().first().toString()));
        QCOMPARE(failed.size(), 1);
        QVERIFY(m_dialer->isClosed());
    }

    // Hand-made frames a hostile or broken client could send: each closes the tunnel with the
    // reason, before anything is buffered beyond one message.
    void brokenFramesCloseTheTunnel_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unmasked") << QByteArray("\x82\x01x", 3) << u"unmasked client frame"_s;
        QTest::newRow("4 MiB message")
            << QByteArray("\x82\xFF\x00\x00\x00\x00\x00\x40\x00\x00", 10) << u"over the limit"_s;
        QTest::newRow("text") << QByteArray("\x81\x80\x00\x00\x00\x00", 6)
                              << u"text message on a tunnel"_s;
        QTest::newRow("continuation first")
            << QByteArray("\x80\x80\x00\x00\x00\x00", 6) << u"continuation frame with no message"_s;
        QTest::newRow("reserved bits")
            << QByteArray("\xF2\x80\x00\x00\x00\x00", 6) << u"reserved bits"_s;
    }
    void brokenFramesCloseTheTunnel()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        QSignalSpy listenerClosed(m_listener.get(), &TunnelSession::closed);
        QSignalSpy closed(m_dialer.get(), &TunnelSession::closed);
        m_clientSocket->write(bytes);
        QTRY_COMPARE(listenerClosed.size(), 1);
        QTRY_COMPARE(closed.size(), 1);
        QVERIFY2(closed.first().first().toString().contains(reason),
                 qPrintable(closed.first().first().toString()));
    }

    void aFragmentedMessageIsReassembled()
    {
        // A frame of the tunnel (OPEN of stream 1) in three masked WebSocket fragments.
        const QByteArray frame =
            QByteArray("\x01\x00\x00\x00\x01", 5) + R"({"target":"tcp","port":1})";
        QSignalSpy requested(m_listener.get(), &TunnelSession::streamRequested);
        const quint32 key = 0x0BADF00D;
        QByteArray bytes;
        const QList<QByteArray> parts{frame.left(3), frame.mid(3, 10), frame.mid(13)};
        for (qsizetype i = 0; i < parts.size(); ++i) {
            QByteArray part = parts[i];
            QByteArray header = websocket::encodeHeader(i == 0 ? websocket::Opcode::Binary
                                                               : websocket::Opcode::Continuation,
                                                        part.size(), key);
            if (i + 1 < parts.size())
                header[0] = char(header[0] & 0x7F); // FIN only on the last
            websocket::applyMask(part.data(), part.size(), key);
            bytes += header + part;
            if (i == 0) // a ping between fragments is answered and changes nothing
                bytes += websocket::encodeHeader(websocket::Opcode::Ping, 0, key);
        }
        m_clientSocket->write(bytes);
        QTRY_COMPARE(requested.size(), 1);
        QVERIFY(!m_listener->isClosed());
    }

    void aRefusalIsReadWithItsMessage()
    {
        const QByteArray body = R"({"message":"Agent not found."})";
        m_server->refusal =
            "HTTP/1.1 404 Not Found\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n\r\n" + body;
        QString failure;
        ApiError refusal;
        QVERIFY(!dial(m_server->url(), &failure, &refusal));
        QCOMPARE(refusal.status, 404);
        QCOMPARE(refusal.message, u"Agent not found."_s);

        QVERIFY(!dial(QUrl(u"ws://127.0.0.1:1/"_s), &failure));
        QVERIFY2(failure.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(failure));
    }

    // Our client's framing and handshake, read by another implementation: QtWebSockets echoes.
    void anIndependentServerUnderstandsTheClient()
    {
        QWebSocketServer server(u"echo"_s, QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        connect(&server, &QWebSocketServer::newConnection, &server, [&server] {
            QWebSocket *peer = server.nextPendingConnection();
            connect(peer, &QWebSocket::binaryMessageReceived, peer,
                    [peer](const QByteArray &message) { peer->sendBinaryMessage(message); });
        });
        QString failure;
        QTcpSocket *socket = dial(QUrl(u"ws://127.0.0.1:%1/"_s.arg(server.serverPort())), &failure);
        QVERIFY2(socket, qPrintable(failure));
        WebSocketTransport transport(socket, WebSocketTransport::Role::Client);
        QList<QByteArray> received;
        connect(&transport, &TunnelTransport::frameReceived, this,
                [&](const QByteArray &frame) { received.append(frame); });
        const QList<QByteArray> sent{QByteArray(1, 'a'), QByteArray(125, 'b'), QByteArray(126, 'c'),
                                     QByteArray(65536 + 5, 'd')};
        for (const QByteArray &frame : sent)
            transport.sendFrame(frame);
        QTRY_COMPARE(received.size(), sent.size());
        QCOMPARE(received, sent);
        QSignalSpy closed(&transport, &TunnelTransport::closed);
        transport.close(false, u"done"_s);
        QTRY_COMPARE(closed.size(), 1);
        QCOMPARE(closed.first().first().toString(), u"done"_s);
    }
};

QTEST_GUILESS_MAIN(TestTunnelWebSocket)
#include "test_tunnel_websocket.moc"
