#include "port_scanner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QMap>
#include <QSet>
#include <cstdlib>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace coder::server::agent {

namespace {

// Listening sockets of one /proc/net/tcp* table: inode -> port.
void readTable(const QString &path, QMap<quint64, quint16> &listening)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    file.readLine(); // the header
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().simplified().split(' ');
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        if (fields.size() < 10 || fields[3] != "0A") // TCP_LISTEN
            continue;
        const QByteArray &local = fields[1];
        const qsizetype colon = local.lastIndexOf(':');
        bool ok = false;
        const uint port = local.mid(colon + 1).toUInt(&ok, 16);
        const quint64 inode = fields[9].toULongLong();
        if (ok && inode != 0)
            listening.insert(inode, quint16(port));
    }
}

// Listening sockets of one address family from the kernel's sock_diag netlink interface:
// inode -> port. Asked for listeners only, the kernel walks its listening table alone, where a
// read of /proc/net/tcp walks every bucket of the established table (about 11 ms of kernel time
// per read on a machine here: half a percent of a core at one scan every 2 s). False when the
// interface is not there (a kernel without it, a sandbox that denies netlink).
bool dumpListening(int fd, int family, QMap<quint64, quint16> &listening)
{
    struct
    {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } query{};
    query.header.nlmsg_len = sizeof query;
    query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    query.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    query.request.sdiag_family = quint8(family);
    query.request.sdiag_protocol = IPPROTO_TCP;
    query.request.idiag_states = 1U << TCP_LISTEN;
    if (::send(fd, &query, sizeof query, 0) != ssize_t(sizeof query))
        return false;
    // Walked by hand: the NLMSG_* macros cast the C way, and libmnl would be one more library
    // copied into every Docker workspace's agent bundle for one dump of fixed-size records.
    constexpr qsizetype kHeader = (sizeof(nlmsghdr) + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
    char buffer[32 * 1024];
    for (;;) {
        const ssize_t length = ::recv(fd, buffer, sizeof buffer, 0);
        if (length <= 0)
            return false;
        for (qsizetype at = 0; at + qsizetype(sizeof(nlmsghdr)) <= length;) {
            nlmsghdr message;
            std::memcpy(&message, buffer + at, sizeof message);
            if (message.nlmsg_len < sizeof message || at + qsizetype(message.nlmsg_len) > length)
                return false;
            if (message.nlmsg_type == NLMSG_DONE)
                return true;
            if (message.nlmsg_type == NLMSG_ERROR)
                return false;
            if (message.nlmsg_len >= kHeader + sizeof(inet_diag_msg)) {
                inet_diag_msg socket;
                std::memcpy(&socket, buffer + at + kHeader, sizeof socket);
                if (socket.idiag_inode != 0)
                    listening.insert(socket.idiag_inode, ntohs(socket.id.idiag_sport));
            }
            at +=
                (qsizetype(message.nlmsg_len) + NLMSG_ALIGNTO - 1) & ~qsizetype(NLMSG_ALIGNTO - 1);
        }
    }
}

// Every listening TCP socket (IPv4 and IPv6): through sock_diag, else the /proc tables. The
// kernel's answer describes this machine, so another proc tree (a test's) is always read.
QMap<quint64, quint16> listeningSockets(const QString &procRoot)
{
    QMap<quint64, quint16> listening;
    const int fd = procRoot == QLatin1String("/proc")
                       ? ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)
                       : -1;
    if (fd >= 0) {
        const bool dumped =
            dumpListening(fd, AF_INET, listening) && dumpListening(fd, AF_INET6, listening);
        ::close(fd);
        if (dumped)
            return listening;
        listening.clear();
    }
    readTable(procRoot + QStringLiteral("/net/tcp"), listening);
    readTable(procRoot + QStringLiteral("/net/tcp6"), listening);
    return listening;
}

} // namespace

QList<core::WorkspaceAgentListeningPort> PortScanner::scan()
{
    const QString &procRoot = m_procRoot;
    const QMap<quint64, quint16> listening = listeningSockets(procRoot);
    if (listening == m_lastListening)
        return m_lastPorts;
    m_lastListening = listening;
    m_lastPorts.clear();
    if (listening.isEmpty())
        return {};

    // Which process holds each socket: a readlink per descriptor of every process this user
    // may look into. Sockets of processes it may not see keep an empty name.
    const QString self = QString::number(QCoreApplication::applicationPid());
    QHash<quint64, QString> owners;
    QSet<quint64> own;
    const QStringList pids = QDir(procRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        if (pid.isEmpty() || !pid.at(0).isDigit())
            continue;
        const QString fdDir = procRoot + u'/' + pid + QStringLiteral("/fd");
        const QFileInfoList fds = QDir(fdDir).entryInfoList(QDir::Files | QDir::System);
        QString name;
        for (const QFileInfo &fd : fds) {
            // "socket:[12345]" is no path: readlink, as QFileInfo would make it one.
            char target[64] = {};
            const ssize_t length = ::readlink(QFile::encodeName(fd.absoluteFilePath()).constData(),
                                              target, sizeof target - 1);
            if (length <= 8 || std::strncmp(target, "socket:[", 8) != 0)
                continue;
            const quint64 inode = std::strtoull(target + 8, nullptr, 10);
            if (!listening.contains(inode))
                continue;
            if (pid == self) {
                own.insert(inode);
                continue;
            }
            if (name.isEmpty()) {
                QFile comm(procRoot + u'/' + pid + QStringLiteral("/comm"));
                if (comm.open(QIODevice::ReadOnly))
                    name = QString::fromUtf8(comm.readAll().trimmed());
            }
            owners.insert(inode, name);
        }
    }

    QMap<quint16, core::WorkspaceAgentListeningPort> ports; // one entry per port, in order
    for (auto it = listening.cbegin(); it != listening.cend(); ++it) {
        if (it.value() < 9 || own.contains(it.key()))
            continue;
        core::WorkspaceAgentListeningPort &port = ports[it.value()];
        port.port = it.value();
        if (port.processName.isEmpty())
            port.processName = owners.value(it.key());
    }
    m_lastPorts = ports.values();
    return m_lastPorts;
}

} // namespace coder::server::agent
