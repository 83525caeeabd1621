// PortScanner over a proc tree the test writes (the /proc tables path, which a kernel without
// sock_diag takes): listeners only, ports below 9 and the agent's own sockets left out, each port
// named after the process holding it, a socket nobody visible holds unnamed, and the walk redone
// only when the set of listeners changed.
#include "server/agent/port_scanner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace coder::server::agent;
using namespace Qt::StringLiterals;

namespace {

// One /proc/net/tcp line: local port (hex), state (0A: listen), inode.
QByteArray tcpLine(int slot, quint16 port, const char *state, quint64 inode)
{
    return QStringLiteral("%1: 0100007F:%2 00000000:0000 %3 00000000:00000000 00:00000000 "
                          "00000000  1000        0 %4 1 0000000000000000 100 0 0 10 0\n")
        .arg(slot)
        .arg(port, 4, 16, QLatin1Char('0'))
        .arg(QLatin1String(state))
        .arg(inode)
        .toUpper()
        .toLatin1();
}

} // namespace

class TestPortScanner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString root() const { return m_dir.path(); }
    void write(const QString &path, const QByteArray &content)
    {
        QVERIFY(QDir().mkpath(QFileInfo(root() + path).path()));
        QFile file(root() + path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
    }
    void holds(const QString &pid, int fd, quint64 inode, const QByteArray &comm)
    {
        QVERIFY(QDir().mkpath(root() + u"/%1/fd"_s.arg(pid)));
        QVERIFY(QFile::link(u"socket:[%1]"_s.arg(inode), root() + u"/%1/fd/%2"_s.arg(pid).arg(fd)));
        write(u"/%1/comm"_s.arg(pid), comm + '\n');
    }

private Q_SLOTS:
    void listenersWithTheirProcesses()
    {
        const QByteArray header = "  sl  local_address rem_address   st tx_queue rx_queue ...\n";
        write(u"/net/tcp"_s, header + tcpLine(0, 8080, "0A", 1001) + tcpLine(1, 22, "0A", 1002) +
                                 tcpLine(2, 5432, "01", 1003) // established: not a listener
                                 + tcpLine(3, 7, "0A", 1004)  // below 9: left out
                                 + tcpLine(4, 9090, "0A", 1005) + tcpLine(5, 3000, "0A", 1006));
        write(u"/net/tcp6"_s, header + tcpLine(0, 8080, "0A", 1007));
        holds(u"100"_s, 3, 1001, "python3");
        holds(u"100"_s, 4, 1007, "python3");
        holds(u"200"_s, 5, 1002, "sshd");
        // The agent's own listener is not the workspace's.
        holds(QString::number(QCoreApplication::applicationPid()), 6, 1005, "coder-agent");
        // 3000 (inode 1006): held by a process the agent may not look into.

        PortScanner scanner(root());
        const auto ports = scanner.scan();
        QCOMPARE(ports.size(), 3);
        QCOMPARE(ports[0].port, quint16(22));
        QCOMPARE(ports[0].processName, u"sshd"_s);
        QCOMPARE(ports[1].port, quint16(3000));
        QCOMPARE(ports[1].processName, QString());
        QCOMPARE(ports[2].port, quint16(8080)); // IPv4 and IPv6: one entry
        QCOMPARE(ports[2].processName, u"python3"_s);

        // Same listeners: the last answer, without a walk (a renamed process is not seen).
        write(u"/200/comm"_s, "renamed\n");
        QCOMPARE(scanner.scan()[0].processName, u"sshd"_s);
        // A listener gone: walked again.
        write(u"/net/tcp6"_s, header);
        const auto after = scanner.scan();
        QCOMPARE(after.size(), 3);
        QCOMPARE(after[0].processName, u"renamed"_s);
        write(u"/net/tcp"_s, header);
        write(u"/net/tcp6"_s, header);
        QVERIFY(scanner.scan().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPortScanner)
#include "test_port_scanner.moc"
