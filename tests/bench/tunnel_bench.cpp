// The client and service ends of tunnel_bench.sh, with plain blocking sockets (so that the
// measuring side costs the same whatever carries the bytes):
//   tunnel_bench serve PORT              a service: "u" uploads are read to the end and
//                                        answered with their size; "d<N>" downloads get N bytes;
//                                        "e" echoes one byte; anything else closes.
//   tunnel_bench upload PORT BYTES       sends BYTES, waits for the answer; prints MB/s
//   tunnel_bench download PORT BYTES     receives BYTES; prints MB/s
//   tunnel_bench setup PORT COUNT        COUNT sequential connections each echoing one byte;
//                                        prints median and p99 ms per connection
//   tunnel_bench slowread PORT MBPS SECS reads a download at MBPS for SECS
//   tunnel_bench relay PORT TARGET       forwards each connection on PORT to TARGET, copying
//                                        with blocking reads and writes and nothing else: a
//                                        chain of them is a zero-work relay with as many
//                                        loopback hops as the coder path has
//   tunnel_bench agents URL TOKENFILE    opens one agent tunnel per token in TOKENFILE and keeps
//                                        them until killed (simulated agents; Qt's event loop
//                                        answers coderd's pings)
#include "core/tunnel/tunnel_client.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>
#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int connectTo(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        std::perror("connect");
        std::exit(1);
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool sendAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

long long readToEnd(int fd, long long limit = -1)
{
    static char buffer[1 << 16];
    long long total = 0;
    while (limit < 0 || total < limit) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        total += n;
    }
    return total;
}

void serveConnection(int fd)
{
    char command[32] = {};
    ssize_t n = ::recv(fd, command, 1, 0);
    if (n == 1 && command[0] == 'u') {
        const long long got = readToEnd(fd);
        const std::string answer = std::to_string(got);
        sendAll(fd, answer.data(), answer.size());
    } else if (n == 1 && command[0] == 'd') {
        long long remaining = 0;
        char digit = 0;
        while (::recv(fd, &digit, 1, 0) == 1 && digit != '\n')
            remaining = remaining * 10 + (digit - '0');
        static const std::vector<char> block(1 << 16, 'x');
        while (remaining > 0) {
            const size_t size =
                size_t(std::min<long long>(remaining, static_cast<long long>(block.size())));
            if (!sendAll(fd, block.data(), size))
                break;
            remaining -= static_cast<long long>(size);
        }
    } else if (n == 1 && command[0] == 'e') {
        sendAll(fd, "e", 1);
    }
    ::close(fd);
}

int listenOn(int port)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(listener, 512) != 0) {
        std::perror("listen");
        std::exit(1);
    }
    return listener;
}

int serve(int port)
{
    const int listener = listenOn(port);
    for (;;) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd >= 0)
            std::thread(serveConnection, fd).detach();
    }
}

// One direction of a relayed connection, until its end; the FIN is passed on.
void copyUntilEnd(int from, int to)
{
    std::vector<char> buffer(256 * 1024);
    for (;;) {
        const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
        if (n <= 0 || !sendAll(to, buffer.data(), size_t(n)))
            break;
    }
    ::shutdown(to, SHUT_WR);
}

int relay(int port, int target)
{
    const int listener = listenOn(port);
    for (;;) {
        const int in = ::accept(listener, nullptr, nullptr);
        if (in < 0)
            continue;
        const int one = 1;
        ::setsockopt(in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::thread([in, target] {
            const int out = connectTo(target);
            std::thread back(copyUntilEnd, out, in);
            copyUntilEnd(in, out);
            back.join();
            ::close(in);
            ::close(out);
        }).detach();
    }
}

int upload(int port, long long bytes)
{
    static const std::vector<char> block(1 << 16, 'u');
    const auto start = Clock::now();
    const int fd = connectTo(port);
    sendAll(fd, "u", 1);
    for (long long sent = 0; sent < bytes;) {
        const size_t size =
            size_t(std::min<long long>(bytes - sent, static_cast<long long>(block.size())));
        if (!sendAll(fd, block.data(), size))
            return 1;
        sent += static_cast<long long>(size);
    }
    ::shutdown(fd, SHUT_WR);
    char answer[32] = {};
    const ssize_t n = ::recv(fd, answer, sizeof answer - 1, MSG_WAITALL);
    ::close(fd);
    if (n <= 0 || std::atoll(answer) != bytes) {
        std::fprintf(stderr, "upload: the service got %s of %lld bytes\n", answer, bytes);
        return 1;
    }
    std::printf("%.1f\n", double(bytes) / 1e6 / secondsSince(start));
    return 0;
}

int download(int port, long long bytes)
{
    const auto start = Clock::now();
    const int fd = connectTo(port);
    const std::string command = "d" + std::to_string(bytes) + "\n";
    sendAll(fd, command.data(), command.size());
    const long long got = readToEnd(fd);
    ::close(fd);
    if (got != bytes) {
        std::fprintf(stderr, "download: got %lld of %lld bytes\n", got, bytes);
        return 1;
    }
    std::printf("%.1f\n", double(bytes) / 1e6 / secondsSince(start));
    return 0;
}

int setup(int port, int count)
{
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        const int fd = connectTo(port);
        char reply = 0;
        if (!sendAll(fd, "e", 1) || ::recv(fd, &reply, 1, MSG_WAITALL) != 1) {
            std::fprintf(stderr, "setup: connection %d got no echo\n", i);
            return 1;
        }
        ::close(fd);
        ms.push_back(secondsSince(start) * 1000);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%.3f %.3f\n", ms[ms.size() / 2], ms[size_t(double(ms.size()) * 0.99)]);
    return 0;
}

int slowRead(int port, double mbps, double seconds)
{
    const int fd = connectTo(port);
    const int small = 64 * 1024; // a reader that drains slowly, not the kernel's buffers
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    const std::string command = "d" + std::to_string(1ll << 40) + "\n";
    sendAll(fd, command.data(), command.size());
    static char buffer[16 * 1024];
    const auto start = Clock::now();
    long long total = 0;
    while (secondsSince(start) < seconds) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            return 1;
        total += n;
        const double due = double(total) / (mbps * 1e6);
        const double ahead = due - secondsSince(start);
        if (ahead > 0)
            std::this_thread::sleep_for(std::chrono::duration<double>(ahead));
    }
    ::close(fd);
    std::printf("%.1f\n", double(total) / 1e6 / secondsSince(start));
    return 0;
}

int agents(int argc, char **argv, const QString &url, const QString &tokenFile)
{
    QCoreApplication app(argc, argv);
    QFile file(tokenFile);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(tokenFile));
        return 1;
    }
    QUrl tunnel(url);
    tunnel.setPath(QStringLiteral("/api/v2/workspaceagents/me/tunnel"));
    // Each agent's tunnel as the agent keeps it: core's client, its keepalive pings included.
    std::vector<coder::core::tunnel::TunnelClient *> clients;
    int connected = 0;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QByteArray token = line.trimmed();
        if (token.isEmpty())
            continue;
        auto *client = new coder::core::tunnel::TunnelClient(
            tunnel, QString::fromUtf8(token), coder::core::tunnel::TunnelSession::Side::Listener,
            &app);
        QObject::connect(client, &coder::core::tunnel::TunnelClient::connected,
                         [&connected, &clients] {
                             if (++connected == int(clients.size())) {
                                 std::printf("%d\n", connected);
                                 std::fflush(stdout);
                             }
                         });
        clients.push_back(client);
    }
    for (coder::core::tunnel::TunnelClient *client : clients)
        client->start();
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "serve" && argc == 3)
        return serve(std::atoi(argv[2]));
    if (mode == "upload" && argc == 4)
        return upload(std::atoi(argv[2]), std::atoll(argv[3]));
    if (mode == "download" && argc == 4)
        return download(std::atoi(argv[2]), std::atoll(argv[3]));
    if (mode == "setup" && argc == 4)
        return setup(std::atoi(argv[2]), std::atoi(argv[3]));
    if (mode == "slowread" && argc == 5)
        return slowRead(std::atoi(argv[2]), std::atof(argv[3]), std::atof(argv[4]));
    if (mode == "relay" && argc == 4)
        return relay(std::atoi(argv[2]), std::atoi(argv[3]));
    if (mode == "agents" && argc == 4)
        return agents(argc, argv, QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    std::fprintf(stderr, "usage: tunnel_bench serve PORT | upload PORT BYTES | download PORT "
                         "BYTES | setup PORT COUNT | slowread PORT MBPS SECS | relay PORT "
                         "TARGET | agents URL TOKENFILE\n");
    return 2;
}
