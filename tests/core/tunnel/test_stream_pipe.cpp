// StreamPipe and TcpChannel (core/tunnel): a TCP client, a forward's two pipes joined by a
// tunnel, and a TCP service, all real sockets on loopback. Bytes arrive whole both ways, a
// half-close crosses over (the service answers only after the client's FIN), a reset on one
// end reaches the other, and a reader that does not read holds the writer back.

#include "core/tunnel/stream_pipe.h"
#include "core/tunnel/tcp_channel.h"
#include "core/tunnel/tunnel_session.h"
#include "tests/support/loopback_socket.h"
#include "tunnel_test_support.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QThread>
#include <arpa/inet.h>
#include <cerrno>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace coder::core::tunnel;
using coder::core::tunnel::test::LoopbackTransport;
using coder::test::connectTo;

namespace {

// Hands accepted descriptors over raw: a QTcpSocket would close on the client's FIN.
class RawServer : public QTcpServer
{
public:
    std::function<void(int)> onAccepted;

protected:
    void incomingConnection(qintptr descriptor) override { onAccepted(int(descriptor)); }
};

// Blocking helpers for the client and service threads.
bool sendAll(int fd, const QByteArray &bytes)
{
    qsizetype at = 0;
    while (at < bytes.size()) {
        const ssize_t n =
            ::send(fd, bytes.constData() + at, size_t(bytes.size() - at), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        at += n;
    }
    return true;
}

// Everything until the peer's FIN (or an error).
QByteArray readToEnd(int fd)
{
    QByteArray all;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            return all;
        all.append(buffer, n);
    }
}

// Without blocking: whether the other end closed (FIN or reset).
bool closedByPeer(int fd)
{
    char byte = 0;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

QByteArray pattern(qsizetype n, int seed)
{
    QByteArray bytes(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        bytes[i] = char(i * seed + i / 1000);
    return bytes;
}

} // namespace

class TestStreamPipe : public QObject
{
    Q_OBJECT

    std::unique_ptr<TunnelSession> m_client; // dialer: the forwarding side
    std::unique_ptr<TunnelSession> m_agent;  // listener: connects to the service
    RawServer m_forward;                     // where the client connects
    RawServer m_service;                     // the workspace's service
    QList<QPointer<StreamPipe>> m_pipes;
    QStringList m_pipeErrors;
    std::vector<int> m_serviceFds;  // the service's ends of the connections it accepted
    bool m_smallSendBuffer = false; // for the forward's accepted connections

    // A client connected through the forward, and the service's end of its connection.
    std::pair<int, int> connectThroughForward()
    {
        const int client = connectTo(m_forward.serverPort());
        if (client < 0 || !QTest::qWaitFor([this] { return !m_serviceFds.empty(); }, 10000))
            return {-1, -1};
        return {client, m_serviceFds.front()};
    }

    void track(StreamPipe *pipe)
    {
        m_pipes.append(pipe);
        connect(pipe, &StreamPipe::finished, this,
                [this](const QString &error) { m_pipeErrors.append(error); });
    }

private Q_SLOTS:
    void init()
    {
        auto *clientWire = new LoopbackTransport;
        auto *agentWire = new LoopbackTransport;
        LoopbackTransport::pair(clientWire, agentWire);
        m_client = std::make_unique<TunnelSession>(clientWire, TunnelSession::Side::Dialer);
        m_agent = std::make_unique<TunnelSession>(agentWire, TunnelSession::Side::Listener);
        m_pipes.clear();
        m_pipeErrors.clear();
        QVERIFY(m_service.listen(QHostAddress::LocalHost));
        // The agent's side: each stream is joined to a new connection to the service.
        m_serviceFds.clear();
        m_service.onAccepted = [this](int fd) { m_serviceFds.push_back(fd); };
        connect(m_agent.get(), &TunnelSession::streamRequested, this,
                [this](TunnelStream *stream, const QByteArray &) {
                    const int fd = connectTo(m_service.serverPort());
                    if (fd < 0) {
                        stream->refuse(QStringLiteral("connection refused"));
                        return;
                    }
                    stream->accept();
                    track(new StreamPipe(new TcpChannel(fd), stream, this));
                });
        // The client's side: each connection to the forward gets a stream.
        QVERIFY(m_forward.listen(QHostAddress::LocalHost));
        m_forward.onAccepted = [this](int fd) {
            if (m_smallSendBuffer) {
                const int bytes = 4096;
                ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
            }
            track(new StreamPipe(new TcpChannel(fd), m_client->open("{}"), this));
        };
        m_smallSendBuffer = false;
    }
    void cleanup()
    {
        for (const auto &pipe : m_pipes)
            delete pipe.data();
        m_client.reset();
        m_agent.reset();
        m_forward.close();
        m_service.close();
    }

    // Both ends of a forward send small writes at once: Nagle's algorithm is off on them.
    void aChannelDoesNotDelaySmallWrites()
    {
        const int fd = connectTo(m_service.serverPort());
        QVERIFY(fd >= 0);
        TcpChannel channel(fd);
        int noDelay = 0;
        socklen_t size = sizeof noDelay;
        QCOMPARE(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, &size), 0);
        QCOMPARE(noDelay, 1);
    }

    void theServiceAnswersAfterTheClientsFin()
    {
        // The service reads the whole request (to the client's FIN), then answers with its
        // digest and a large body, then closes: only works if the FIN crossed over alone.
        QThread *service = nullptr;
        const QByteArray request = pattern(6 * 1024 * 1024 + 11, 7);
        const QByteArray body = pattern(5 * 1024 * 1024 + 3, 13);
        QByteArray answer;
        bool requestSent = false;
        QThread *client = QThread::create([&] {
            const int fd = connectTo(m_forward.serverPort());
            requestSent = fd >= 0 && sendAll(fd, request);
            ::shutdown(fd, SHUT_WR);
            answer = readToEnd(fd);
            ::close(fd);
        });
        client->start();
        QTRY_VERIFY(!m_serviceFds.empty());
        service = QThread::create([fd = m_serviceFds.front(), body] {
            const QByteArray got = readToEnd(fd);
            sendAll(fd, QCryptographicHash::hash(got, QCryptographicHash::Sha256) + body);
            ::close(fd);
        });
        service->start();
        QTRY_VERIFY_WITH_TIMEOUT(client->isFinished(), 30000);
        QVERIFY(service->wait(5000));
        delete client;
        delete service;
        QVERIFY(requestSent);
        QCOMPARE(answer.size(), 32 + body.size());
        QCOMPARE(answer.left(32), QCryptographicHash::hash(request, QCryptographicHash::Sha256));
        QVERIFY(answer.mid(32) == body);
        QTRY_COMPARE(m_pipeErrors, (QStringList{QString(), QString()}));
        QCOMPARE(m_client->streamCount(), 0);
        QCOMPARE(m_agent->streamCount(), 0);
    }

    // Both ends have closed while the answer still waits to be written to a client that reads
    // late: the pipe finishes once its last byte went out, not before and not never.
    void aPipeFinishesWhenItsLastBytesAreWritten()
    {
        m_smallSendBuffer = true;
        const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int small = 4096;
        ::setsockopt(client, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_forward.serverPort());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        ::shutdown(client, SHUT_WR); // the request: nothing
        QTRY_VERIFY(!m_serviceFds.empty());
        // A 1 MiB answer fits the stream's window and the channel's queue, not the sockets.
        const QByteArray body = pattern(1024 * 1024, 5);
        bool sent = false;
        QThread *service = QThread::create([&sent, fd = m_serviceFds.front(), &body] {
            sent = sendAll(fd, body);
            ::close(fd);
        });
        service->start();
        QTRY_VERIFY_WITH_TIMEOUT(service->isFinished(), 30000);
        delete service;
        QVERIFY(sent);
        // The agent's side ends once the client's side has taken every byte from the stream:
        // they now wait in the client's side, which has closed both ways too.
        QTRY_COMPARE(m_pipeErrors, QStringList{QString()});
        QCOMPARE(m_pipeErrors.size(), 1);
        QByteArray answer;
        QThread *reader = QThread::create([&answer, client] { answer = readToEnd(client); });
        reader->start();
        QTRY_VERIFY_WITH_TIMEOUT(reader->isFinished(), 30000);
        delete reader;
        ::close(client);
        QVERIFY(answer == body);
        QTRY_COMPARE(m_pipeErrors, (QStringList{QString(), QString()}));
    }

    void aResetConnectionResetsTheOtherEnd()
    {
        const auto [client, serviceFd] = connectThroughForward();
        QVERIFY(client >= 0);
        // The service resets its connection (SO_LINGER 0): the client's is ended too.
        linger hard{1, 0};
        ::setsockopt(serviceFd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        ::close(serviceFd);
        QTRY_COMPARE(m_pipeErrors.size(), 2);
        QVERIFY(!m_pipeErrors.first().isEmpty());
        QTRY_VERIFY(closedByPeer(client)); // closed, not hanging
        ::close(client);
    }

    void stoppingAForwardEndsBothConnections()
    {
        const auto [client, serviceFd] = connectThroughForward();
        QVERIFY(client >= 0);
        QTRY_COMPARE(m_pipes.size(), 2);
        delete m_pipes.first().data(); // the client's side, as `coder port-forward` stopping
        QTRY_COMPARE(m_pipeErrors, QStringList{QStringLiteral("the forward was stopped")});
        QTRY_VERIFY(closedByPeer(client));    // its connection went with it
        QTRY_VERIFY(closedByPeer(serviceFd)); // and the agent closed the service's
        ::close(client);
        ::close(serviceFd);
    }

    void aClientThatDoesNotReadHoldsTheServiceBack()
    {
        const auto [client, serviceFd] = connectThroughForward();
        QVERIFY(client >= 0);
        // The service writes 64 MiB as fast as it can; the client reads nothing.
        std::atomic<qint64> written{0};
        QThread *service = QThread::create([fd = serviceFd, &written] {
            const QByteArray chunk(64 * 1024, 'z');
            for (int i = 0; i < 1024; ++i) {
                if (!sendAll(fd, chunk))
                    break;
                written += chunk.size();
            }
            ::close(fd);
        });
        service->start();
        QTest::qWait(1000);
        // What moved is bounded by the kernel's buffers, the pipes and one window; nowhere
        // near all of it.
        QVERIFY2(written < 24 * 1024 * 1024, qPrintable(QString::number(written.load())));
        ::close(client); // the forward ends, the service's writes fail
        QTRY_VERIFY_WITH_TIMEOUT(service->isFinished(), 10000);
        delete service;
        QTRY_COMPARE(m_pipeErrors.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestStreamPipe)
#include "test_stream_pipe.moc"
