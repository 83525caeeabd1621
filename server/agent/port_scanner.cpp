#include "port_scanner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QMap>
#include <QSet>
#include <cstdlib>
#include <cstring>
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

} // namespace

QList<core::WorkspaceAgentListeningPort> PortScanner::scan()
{
    const QString &procRoot = m_procRoot;
    QMap<quint64, quint16> listening;
    readTable(procRoot + QStringLiteral("/net/tcp"), listening);
    readTable(procRoot + QStringLiteral("/net/tcp6"), listening);
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
