// The tunnel over a real WebSocket (core/tunnel/tunnel_transport.h) on loopback: streams carry
// megabytes both ways, and a protocol error on one end reaches the other as the close reason.

#include "core/tunnel/tunnel_session.h"
#include "core/tunnel/tunnel_transport.h"
#include "tunnel_test_support.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <memory>

using namespace coder::core::tunnel;

class TestTunnelWebSocket : public QObject
{
    Q_OBJECT

    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<TunnelSession> m_listener; // the agent's end
    std::unique_ptr<TunnelSession> m_dialer;   // the client's end

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<QWebSocketServer>(QStringLiteral("test"),
                                                      QWebSocketServer::NonSecureMode);
        QVERIFY(m_server->listen(QHostAddress::LocalHost));
        connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
            m_listener = std::make_unique<TunnelSession>(
                new WebSocketTransport(m_server->nextPendingConnection()),
                TunnelSession::Side::Listener);
            // An echo service: every stream sends back what it gets, and closes after.
            connect(m_listener.get(), &TunnelSession::streamRequested, this,
                    [](TunnelStream *stream, const QByteArray &) {
                        stream->accept();
                        connect(stream, &QIODevice::readyRead, stream,
                                [stream] { stream->write(stream->readAll()); });
                        connect(stream, &QIODevice::readChannelFinished, stream,
                                [stream] { stream->closeWrite(); });
                    });
        });
        auto *socket = new QWebSocket;
        QSignalSpy connected(socket, &QWebSocket::connected);
        m_dialer = std::make_unique<TunnelSession>(new WebSocketTransport(socket),
                                                   TunnelSession::Side::Dialer);
        socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_server->serverPort())));
        QTRY_COMPARE(connected.size(), 1);
        QTRY_VERIFY(m_listener != nullptr);
    }
    void cleanup()
    {
        m_dialer.reset();
        m_listener.reset();
        m_server.reset();
    }

    void megabytesGoThereAndBack()
    {
        QByteArray bulk(8 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < bulk.size(); ++i)
            bulk[i] = char(i * 31 + i / 65536);
        QPointer<TunnelStream> stream = m_dialer->open(R"({"target":"tcp","port":1})");
        QVERIFY(stream);
        QSignalSpy opened(stream.data(), &TunnelStream::opened);
        stream->write(bulk);
        stream->closeWrite();
        const QByteArray received = coder::core::tunnel::test::readFully(stream, bulk.size());
        QCOMPARE(opened.size(), 1);
        QVERIFY(received == bulk);
        QTRY_VERIFY(!stream); // finished both ways, deleted by its session
        QCOMPARE(m_dialer->streamCount(), 0);
    }

    void aProtocolErrorReachesThePeerAsTheCloseReason()
    {
        QSignalSpy closed(m_dialer.get(), &TunnelSession::closed);
        // The listener gets a frame it cannot read: it closes the tunnel, saying why.
        QPointer<TunnelStream> stream = m_dialer->open("{}");
        QSignalSpy failed(stream.data(), &TunnelStream::failed);
        auto *socket = m_dialer->findChild<QWebSocket *>();
        QVERIFY(socket);
        socket->sendBinaryMessage(QByteArray("\x07\x00", 2));
        QTRY_COMPARE(closed.size(), 1);
        QVERIFY2(
            closed.first().first().toString().contains(QStringLiteral("shorter than its header")),
            qPrintable(closed.first().first().toString()));
        QCOMPARE(failed.size(), 1);
        QVERIFY(m_dialer->isClosed());
    }

    void anOversizedMessageClosesTheTunnel()
    {
        QSignalSpy closed(m_dialer.get(), &TunnelSession::closed);
        auto *socket = m_dialer->findChild<QWebSocket *>();
        QVERIFY(socket);
        socket->sendBinaryMessage(QByteArray(4 * 1024 * 1024, '\x04'));
        QTRY_COMPARE(closed.size(), 1);
        QVERIFY(m_listener->isClosed());
        // Refused by the WebSocket's size limit, before it was buffered whole and decoded.
        QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }
};

QTEST_GUILESS_MAIN(TestTunnelWebSocket)
#include "test_tunnel_websocket.moc"
