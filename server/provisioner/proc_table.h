#pragma once

#include <QByteArray>
#include <QList>
#include <QtGlobal>
#include <optional>

namespace coder::server {

// One line of /proc/PID/stat. A pid alone may be reused; pid + startTime (field 22, clock
// ticks since boot) names one process for as long as the machine runs.
struct ProcInfo
{
    qint64 pid = 0;
    qint64 ppid = 0;
    qint64 pgrp = 0;
    qint64 session = 0;
    char state = '?';
    quint64 startTime = 0;

    // A zombie has ended; whoever its parent is will reap it.
    bool ended() const { return state == 'Z' || state == 'X'; }
};

// Reads the Linux process table. Processes of other users whose environment cannot be read
// count as not matching.
class ProcTable
{
public:
    static std::optional<ProcInfo> read(qint64 pid);
    static QList<qint64> pids();
    // True when /proc/PID/environ holds exactly `entry` ("NAME=value") as one of its strings.
    static bool environContains(qint64 pid, const QByteArray &entry);
    // Sends `signal` to pid only while pid still names the process that started at startTime
    // (through a pidfd, so a pid reused between the check and the signal is never hit).
    static bool signal(qint64 pid, quint64 startTime, int signal);
};

} // namespace coder::server
