#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace coder::server {

// Starts a process that outlives its starter: a double fork, so the process is never the
// daemon's child (no zombie to reap, none of the daemon's QProcess bookkeeping disturbed), in a
// session of its own (setsid: pid == process group == session), stdin on /dev/null, stdout and
// stderr appended to a file, no descriptor of the daemon inherited, default signal dispositions
// and an empty signal mask. The child runs only async-signal-safe calls between fork and exec, so
// starting from a multi-threaded daemon is safe.
class DetachedProcess
{
public:
    struct Spec
    {
        QString program;          // the file executed: a path (no PATH lookup here)
        QStringList arguments;    // argv, argv[0] included
        QStringList environment;  // "NAME=value", the whole environment
        QString workingDirectory; // must exist
        QString outputFile;       // created 0600 when missing; appended to
    };

    // The new process's pid, or why it could not be started (cannot fork, no such directory,
    // exec failed: "cannot run "/x": No such file or directory").
    static core::Result<qint64, QString> start(const Spec &spec);
};

} // namespace coder::server
