// SocketOutbox (server/http/socket_outbox.h): the socket never holds two slices' worth,
// everything arrives once and in order, a flush does not write what it is fed meanwhile, and a
// hand-over leaves nothing behind. Over a real loopback connection.

#include "http_test_support.h"
#include "server/http/socket_outbox.h"

#include <QTcpServer>
#include <QTest>
#include <memory>

using namespace coder::server;
using namespace coder::server::test;

namespace {

constexpr qint64 kSlice = 64 * 1024;

} // namespace

class TestSocketOutbox : public QObject
{
    Q_OBJECT

    QTcpServer m_listener;
    std::unique_ptr<QTcpSocket> m_sender; // the server's end, written through the outbox
    std::unique_ptr<QTcpSocket> m_receiver;

    QByteArray receiveAll(qsizetype size)
    {
        QByteArray received;
        RawClient::spinUntil(
            [&] {
                received += m_receiver->readAll();
                return received.size() >= size;
            },
            QDeadlineTimer(20000));
        return received;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_listener.listen(QHostAddress::LocalHost));
        m_receiver = std::make_unique<QTcpSocket>();
        m_receiver->connectToHost(QHostAddress::LocalHost, m_listener.serverPort());
        QTRY_VERIFY(m_listener.hasPendingConnections());
        m_sender.reset(m_listener.nextPendingConnection());
        m_sender->setParent(nullptr);
        QTRY_COMPARE(m_receiver->state(), QAbstractSocket::ConnectedState);
    }
    void cleanup()
    {
        m_sender.reset();
        m_receiver.reset();
        m_listener.close();
    }

    void theSocketHoldsOneSliceAndEverythingArrivesInOrder()
    {
        SocketOutbox outbox(m_sender.get(), kSlice);
        connect(m_sender.get(), &QTcpSocket::bytesWritten, this, [&outbox] { outbox.feed(); });
        const QByteArray large = patternBytes(3 * 1024 * 1024 + 5);
        outbox.send(QByteArrayLiteral("head;"));
        outbox.send(large);
        outbox.send(QByteArrayLiteral(";tail"));
        QVERIFY(m_sender->bytesToWrite() < 2 * kSlice);
        QCOMPARE(outbox.queuedBytes() + m_sender->bytesToWrite(), large.size() + 10);
        QCOMPARE(outbox.unsentBytes(), large.size() + 10);

        qint64 mostInSocket = 0;
        connect(m_sender.get(), &QTcpSocket::bytesWritten, this,
                [&] { mostInSocket = std::max(mostInSocket, m_sender->bytesToWrite()); });
        const QByteArray received = receiveAll(large.size() + 10);
        QVERIFY(received == "head;" + large + ";tail");
        QVERIFY(mostInSocket < 2 * kSlice);
        QCOMPARE(outbox.unsentBytes(), 0);
    }

    void aFlushWritesOnlyWhatTheSocketHeld()
    {
        SocketOutbox outbox(m_sender.get(), kSlice);
        connect(m_sender.get(), &QTcpSocket::bytesWritten, this, [&outbox] { outbox.feed(); });
        const QByteArray large = patternBytes(8 * 1024 * 1024);
        outbox.send(large);
        outbox.flush();
        // The slice it held went to the kernel and the next was handed over for the event loop
        // (a flush that fed itself would have written megabytes here).
        QVERIFY(outbox.queuedBytes() >= large.size() - 3 * kSlice);
        QVERIFY(receiveAll(large.size()) == large);
    }

    void aHandOverLeavesEverythingInTheSocket()
    {
        SocketOutbox outbox(m_sender.get(), kSlice);
        const QByteArray large = patternBytes(1024 * 1024);
        outbox.send(large);
        outbox.send(QByteArrayLiteral("after"));
        QVERIFY(outbox.queuedBytes() > 0);
        outbox.handOver();
        QCOMPARE(outbox.queuedBytes(), 0);
        QCOMPARE(m_sender->bytesToWrite(), large.size() + 5);
        outbox.send(QByteArrayLiteral("ignored")); // no socket any more: nothing is written
        QCOMPARE(m_sender->bytesToWrite(), large.size() + 5);
        QVERIFY(receiveAll(large.size() + 5) == large + "after");
    }
};

QTEST_GUILESS_MAIN(TestSocketOutbox)
#include "test_socket_outbox.moc"
