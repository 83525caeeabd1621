#include "detached_process.h"

#include <QFile>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace coder::server {

namespace {

// What the forked processes tell the parent through a close-on-exec pipe. Each report is
// written at once (smaller than PIPE_BUF, so never interleaved).
enum class Report : int {
    Pid = 1,     // the intermediate child: value = the grandchild's pid (or -1, error = errno)
    Failure = 2, // the grandchild before exec: step failed with error
};
enum class Step : int { Fork = 1, Setsid, Stdio, Chdir, Exec };

struct Message
{
    Report report;
    Step step;
    int value;
    int error;
};

void writeMessage(int fd, const Message &message)
{
    while (::write(fd, &message, sizeof message) < 0 && errno == EINTR) {
    }
}

// Moves fd to a number >= 3 (so dup2 onto 0..2 in the child never clobbers it), close-on-exec.
int highFd(int fd)
{
    if (fd < 0 || fd >= 3)
        return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

struct ChildSetup
{
    const char *program;
    char *const *argv;
    char *const *envp;
    const char *directory;
    int stdinFd;
    int outputFd;
    int reportFd;
};

// The grandchild. Async-signal-safe calls only: the parent may have had other threads holding
// locks (malloc's included) when it forked.
[[noreturn]] void runChild(const ChildSetup &setup)
{
    auto fail = [&](Step step) {
        writeMessage(setup.reportFd, Message{Report::Failure, step, 0, errno});
        ::_exit(127);
    };
    if (::setsid() < 0)
        fail(Step::Setsid);
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal)
        ::sigaction(signal, &action, nullptr); // SIGKILL, SIGSTOP and glibc's own just fail
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(setup.stdinFd, STDIN_FILENO) < 0 || ::dup2(setup.outputFd, STDOUT_FILENO) < 0 ||
        ::dup2(setup.outputFd, STDERR_FILENO) < 0)
        fail(Step::Stdio);
    if (::chdir(setup.directory) < 0)
        fail(Step::Chdir);
    // Whatever the daemon opened without O_CLOEXEC (sockets, database files) stays with it.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(setup.program, setup.argv, setup.envp);
    fail(Step::Exec);
    ::_exit(127); // not reached
}

QString errorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

core::Result<qint64, QString> DetachedProcess::start(const Spec &spec)
{
    if (spec.arguments.isEmpty())
        return QStringLiteral("no command to run");

    // Everything the child needs is made before the fork.
    const QByteArray program = QFile::encodeName(spec.program);
    const QByteArray directory = QFile::encodeName(spec.workingDirectory);
    std::vector<QByteArray> strings;
    strings.reserve(static_cast<size_t>(spec.arguments.size() + spec.environment.size()));
    std::vector<char *> argv;
    for (const QString &argument : spec.arguments) {
        strings.push_back(argument.toLocal8Bit());
        argv.push_back(strings.back().data());
    }
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (const QString &variable : spec.environment) {
        strings.push_back(variable.toLocal8Bit());
        envp.push_back(strings.back().data());
    }
    envp.push_back(nullptr);

    const QByteArray outputPath = QFile::encodeName(spec.outputFile);
    const int outputFd = highFd(::open(
        outputPath.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (outputFd < 0)
        return QStringLiteral("cannot open the log file %1: %2")
            .arg(spec.outputFile, errorText(errno));
    ::fchmod(outputFd, 0600);
    const int nullFd = highFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int reportPipe[2] = {-1, -1};
    if (nullFd < 0 || ::pipe2(reportPipe, O_CLOEXEC) < 0) {
        const int error = errno;
        ::close(outputFd);
        if (nullFd >= 0)
            ::close(nullFd);
        return QStringLiteral("cannot prepare the process: %1").arg(errorText(error));
    }
    reportPipe[0] = highFd(reportPipe[0]);
    reportPipe[1] = highFd(reportPipe[1]);

    const ChildSetup setup{program.constData(),   argv.data(), envp.data(),
                           directory.constData(), nullFd,      outputFd,
                           reportPipe[1]};

    // No signal handler of the daemon may run in the children.
    sigset_t all;
    sigset_t previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t intermediate = ::_Fork();
    if (intermediate == 0) {
        ::close(reportPipe[0]);
        const pid_t child = ::_Fork();
        if (child == 0)
            runChild(setup);
        writeMessage(reportPipe[1], Message{Report::Pid, Step::Fork, child, child < 0 ? errno : 0});
        ::_exit(0);
    }
    const int forkError = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::close(reportPipe[1]);
    ::close(outputFd);
    ::close(nullFd);
    if (intermediate < 0) {
        ::close(reportPipe[0]);
        return QStringLiteral("cannot start a process: %1").arg(errorText(forkError));
    }

    // EOF comes once the intermediate child exited and the grandchild exec'd or gave up.
    QByteArray reports;
    char buffer[256];
    for (;;) {
        const ssize_t n = ::read(reportPipe[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        reports.append(buffer, n);
    }
    ::close(reportPipe[0]);
    while (::waitpid(intermediate, nullptr, 0) < 0 && errno == EINTR) {
    }

    qint64 pid = -1;
    int pidError = 0;
    const Message *failure = nullptr;
    const auto *messages = reinterpret_cast<const Message *>(reports.constData());
    const auto count = static_cast<size_t>(reports.size()) / sizeof(Message);
    for (size_t i = 0; i < count; ++i) {
        if (messages[i].report == Report::Pid) {
            pid = messages[i].value;
            pidError = messages[i].error;
        } else if (messages[i].report == Report::Failure) {
            failure = &messages[i];
        }
    }
    if (pid <= 0)
        return QStringLiteral("cannot start a process: %1")
            .arg(pidError ? errorText(pidError) : QStringLiteral("fork failed"));
    if (failure) {
        const QString reason = errorText(failure->error);
        switch (failure->step) {
        case Step::Setsid:
            return QStringLiteral("cannot start a new session: %1").arg(reason);
        case Step::Stdio:
            return QStringLiteral("cannot redirect its input and output: %1").arg(reason);
        case Step::Chdir:
            return QStringLiteral("cannot change to directory %1: %2")
                .arg(spec.workingDirectory, reason);
        case Step::Exec:
            return QStringLiteral("cannot run %1: %2").arg(spec.program, reason);
        case Step::Fork:
            break;
        }
        return QStringLiteral("cannot start %1: %2").arg(spec.program, reason);
    }
    return pid;
}

} // namespace coder::server
