#pragma once

// The service and client ends of the tunnel tests, with plain blocking sockets on threads of the
// test's own (so that the measuring side never depends on the code under test): an echo service
// for TCP and one for UDP, and transfers through a forward checked by SHA-256.

#include "tests/support/loopback_socket.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCryptographicHash>
#include <QList>
#include <QString>
#include <QTcpServer>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace coder::test {

using namespace Qt::StringLiterals;

// ---- blocking sockets (threads of the test only) ----

inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Deterministic bytes: chunk i of a transfer.
inline QByteArray chunk(qint64 index, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    quint64 x = quint64(index) * 0x9E3779B97F4A7C15ull + 1;
    for (qsizetype i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes[i] = char(x);
    }
    return bytes;
}

// A TCP echo service, as the workspace's: every connection gets back what it sends, and the
// service's FIN after the client's.
class EchoService
{
public:
    EchoService()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
        ::listen(m_fd, 256);
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_acceptor = std::thread([this] { acceptLoop(); });
    }
    ~EchoService()
    {
        m_stopping = true;
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_acceptor.join();
        for (std::thread &t : m_connections)
            t.join();
    }
    quint16 port() const { return m_port; }

private:
    void acceptLoop()
    {
        for (;;) {
            const int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0 || m_stopping) {
                if (client >= 0)
                    ::close(client);
                return;
            }
            m_connections.emplace_back([client] {
                char buffer[65536];
                for (;;) {
                    const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
                    if (n <= 0)
                        break;
                    for (ssize_t at = 0; at < n;) {
                        const ssize_t sent =
                            ::send(client, buffer + at, size_t(n - at), MSG_NOSIGNAL);
                        if (sent <= 0) {
                            ::close(client);
                            return;
                        }
                        at += sent;
                    }
                }
                ::shutdown(client, SHUT_WR);
                ::close(client);
            });
        }
    }

    int m_fd = -1;
    quint16 m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_acceptor;
    std::vector<std::thread> m_connections;
};

// A UDP echo service: every datagram goes back to its sender.
class UdpEchoService
{
public:
    UdpEchoService()
    {
        m_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] {
            char buffer[65536];
            for (;;) {
                sockaddr_in from{};
                socklen_t fromLength = sizeof from;
                const ssize_t n = ::recvfrom(m_fd, buffer, sizeof buffer, 0,
                                             reinterpret_cast<sockaddr *>(&from), &fromLength);
                if (n < 0 || m_stopping)
                    return;
                ::sendto(m_fd, buffer, size_t(n), 0, reinterpret_cast<sockaddr *>(&from),
                         fromLength);
            }
        });
    }
    ~UdpEchoService()
    {
        m_stopping = true;
        ::shutdown(m_fd, SHUT_RDWR);
        const int wake = ::socket(AF_INET, SOCK_DGRAM, 0); // recvfrom does not end on shutdown
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::sendto(wake, "x", 1, 0, reinterpret_cast<sockaddr *>(&address), sizeof address);
        ::close(wake);
        m_thread.join();
        ::close(m_fd);
    }
    quint16 port() const { return m_port; }

private:
    int m_fd = -1;
    quint16 m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

// Sends each datagram through port and waits for its echo (2 s each): the indexes of those that
// did not come back whole (empty: all did).
inline QList<int> udpEchoes(quint16 port, const QList<QByteArray> &datagrams)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    QList<int> lost;
    char buffer[65536];
    for (int i = 0; i < datagrams.size(); ++i) {
        const QByteArray &datagram = datagrams[i];
        ::send(fd, datagram.constData(), size_t(datagram.size()), 0);
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n != datagram.size() || QByteArrayView(buffer, n) != datagram)
            lost.append(i);
    }
    ::close(fd);
    return lost;
}

struct Transfer
{
    bool ok = false;
    qint64 sent = 0;
    qint64 received = 0;
    QByteArray sentHash;
    QByteArray receivedHash;
    QString error;
};

// Sends bytes through port (chunks of 64 KiB), half-closes, and reads everything back until the
// other side's FIN: both directions at once, SHA-256 of each.
inline Transfer echoThrough(quint16 port, qint64 bytes)
{
    Transfer result;
    const int fd = connectTo(port);
    if (fd < 0) {
        result.error = u"cannot connect to the forward"_s;
        return result;
    }
    std::thread writer([&] {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        constexpr qsizetype kChunk = 64 * 1024;
        for (qint64 i = 0; result.sent < bytes; ++i) {
            const QByteArray data =
                chunk(i, qsizetype(std::min<qint64>(kChunk, bytes - result.sent)));
            hash.addData(data);
            for (qsizetype at = 0; at < data.size();) {
                const ssize_t n =
                    ::send(fd, data.constData() + at, size_t(data.size() - at), MSG_NOSIGNAL);
                if (n <= 0)
                    return;
                at += n;
            }
            result.sent += data.size();
        }
        result.sentHash = hash.result();
        ::shutdown(fd, SHUT_WR);
    });
    QCryptographicHash hash(QCryptographicHash::Sha256);
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            if (n < 0)
                result.error = QString::fromLocal8Bit(strerror(errno));
            break;
        }
        hash.addData(QByteArrayView(buffer, n));
        result.received += n;
    }
    writer.join();
    ::close(fd);
    result.receivedHash = hash.result();
    result.ok = result.error.isEmpty() && result.sent == bytes && result.received == bytes &&
                result.sentHash == result.receivedHash;
    if (!result.ok && result.error.isEmpty())
        result.error = u"sent %1, echoed back %2"_s.arg(result.sent).arg(result.received);
    return result;
}

} // namespace coder::test
