#include "proc_table.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace coder::server {

namespace {

// /proc files report size 0: read until EOF, at most `limit` bytes.
QByteArray readProcFile(const QByteArray &path, qsizetype limit)
{
    QByteArray data;
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return data;
    char buffer[4096];
    while (data.size() < limit) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        data.append(buffer, n);
    }
    ::close(fd);
    return data;
}

QByteArray procPath(qint64 pid, const char *file)
{
    return "/proc/" + QByteArray::number(pid) + '/' + file;
}

// Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C", so its wrappers do not link
// from C++.
int pidfdOpen(qint64 pid)
{
    return static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
}

bool pidfdSendSignal(int pidfd, int signal)
{
    return ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) == 0;
}

} // namespace

std::optional<ProcInfo> ProcTable::read(qint64 pid)
{
    const QByteArray stat = readProcFile(procPath(pid, "stat"), 4096);
    // The command name (field 2) is in parentheses and may itself hold spaces and ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
    if (fields.size() < 20 || fields[0].isEmpty())
        return std::nullopt;
    ProcInfo info;
    info.pid = pid;
    info.state = fields[0].at(0);
    info.ppid = fields[1].toLongLong();
    info.pgrp = fields[2].toLongLong();
    info.session = fields[3].toLongLong();
    info.startTime = fields[19].toULongLong();
    return info;
}

QList<qint64> ProcTable::pids()
{
    QList<qint64> result;
    DIR *dir = ::opendir("/proc");
    if (!dir)
        return result;
    while (const dirent *entry = ::readdir(dir)) {
        bool ok = false;
        const qint64 pid = QByteArray(entry->d_name).toLongLong(&ok);
        if (ok && pid > 0)
            result.append(pid);
    }
    ::closedir(dir);
    return result;
}

bool ProcTable::environContains(qint64 pid, const QByteArray &entry)
{
    const QByteArray environ = readProcFile(procPath(pid, "environ"), 1 << 20);
    qsizetype start = 0;
    while (start < environ.size()) {
        qsizetype end = environ.indexOf('\0', start);
        if (end < 0)
            end = environ.size();
        if (end - start == entry.size() &&
            std::equal(entry.begin(), entry.end(), environ.begin() + start))
            return true;
        start = end + 1;
    }
    return false;
}

bool ProcTable::signal(qint64 pid, quint64 startTime, int signal)
{
    const int pidfd = pidfdOpen(pid);
    if (pidfd < 0) {
        if (errno != ENOSYS)
            return false; // gone
        // Kernels before 5.3: check, then signal; the window between them is tiny.
        const std::optional<ProcInfo> info = read(pid);
        return info && info->startTime == startTime && ::kill(static_cast<pid_t>(pid), signal) == 0;
    }
    // The pidfd pins the process: if it still has the start time, the signal reaches it.
    const std::optional<ProcInfo> info = read(pid);
    const bool sent = info && info->startTime == startTime && pidfdSendSignal(pidfd, signal);
    ::close(pidfd);
    return sent;
}

} // namespace coder::server
