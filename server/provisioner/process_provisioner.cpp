#include "process_provisioner.h"

#include "detached_process.h"
#include "proc_table.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QThread>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace coder::server {

namespace process_detail {

const QString homeDirectoryType = QStringLiteral("home_directory");
const QString processType = QStringLiteral("process");
const QString bwrapSandbox = QStringLiteral("bwrap");
const QString noSandbox = QStringLiteral("none");
const QString defaultPath =
    QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
constexpr int killWaitMs = 5000;
constexpr qint64 logTailBytes = 4096;

struct Recorded
{
    QString agent;
    qint64 pid = 0;
    quint64 startTime = 0;
    QString sandbox;
};

struct State
{
    QString workspaceDirectory;
    QString home;
    QList<Recorded> processes;

    QByteArray toJson() const
    {
        QJsonArray processArray;
        for (const Recorded &process : processes)
            processArray.append(QJsonObject{
                {QStringLiteral("agent"), process.agent},
                {QStringLiteral("pid"), process.pid},
                // Clock ticks since boot; a string keeps all 64 bits through JSON's doubles.
                {QStringLiteral("start_time"), QString::number(process.startTime)},
                {QStringLiteral("sandbox"), process.sandbox},
            });
        const QJsonObject object{
            {QStringLiteral("version"), 1},
            {QStringLiteral("workspace_dir"), workspaceDirectory},
            {QStringLiteral("home"), home},
            {QStringLiteral("processes"), processArray},
        };
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }

    // The processes a previous build recorded; an error when the state is not ours.
    static core::Result<QList<Recorded>, QString> parseProcesses(const QByteArray &json)
    {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(json, &error);
        if (!document.isObject())
            return QStringLiteral("it is not a JSON object");
        const QJsonObject object = document.object();
        if (object.value(QStringLiteral("version")).toInt() != 1)
            return QStringLiteral("its version is not 1");
        QList<Recorded> processes;
        for (const QJsonValue &value : object.value(QStringLiteral("processes")).toArray()) {
            const QJsonObject process = value.toObject();
            Recorded recorded;
            recorded.agent = process.value(QStringLiteral("agent")).toString();
            recorded.pid = process.value(QStringLiteral("pid")).toInteger();
            const QJsonValue start = process.value(QStringLiteral("start_time"));
            recorded.startTime = start.isString() ? start.toString().toULongLong()
                                                  : static_cast<quint64>(start.toInteger());
            recorded.sandbox = process.value(QStringLiteral("sandbox")).toString();
            if (recorded.pid > 0)
                processes.append(recorded);
        }
        return processes;
    }
};

QString errorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Makes path a directory of mode 0700 (enforce: also when it existed). Never follows a symlink.
QString ensurePrivateDirectory(const QString &path, bool enforce)
{
    const QByteArray native = QFile::encodeName(path);
    const bool created = ::mkdir(native.constData(), 0700) == 0;
    if (!created && errno != EEXIST)
        return QStringLiteral("cannot create the directory %1: %2").arg(path, errorText(errno));
    struct stat info;
    if (::lstat(native.constData(), &info) < 0 || !S_ISDIR(info.st_mode))
        return QStringLiteral("%1 exists and is not a directory").arg(path);
    if ((created || enforce) && (info.st_mode & 07777) != 0700 &&
        ::chmod(native.constData(), 0700) < 0)
        return QStringLiteral("cannot make %1 private (mode 0700): %2").arg(path, errorText(errno));
    return {};
}

// Removes everything in the directory dirFd (at path, for messages) without following a
// symlink or leaving the file system; directories a user made read-only are made writable
// first. Keeps going after an error; returns the first.
QString removeContents(int dirFd, const QString &path, dev_t device)
{
    QString firstError;
    auto note = [&](const QString &error) {
        if (firstError.isEmpty())
            firstError = error;
    };
    std::vector<QByteArray> names;
    const int listFd = ::dup(dirFd);
    DIR *dir = listFd >= 0 ? ::fdopendir(listFd) : nullptr;
    if (!dir) {
        if (listFd >= 0)
            ::close(listFd);
        return QStringLiteral("cannot read %1: %2").arg(path, errorText(errno));
    }
    while (const dirent *entry = ::readdir(dir)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            names.emplace_back(entry->d_name);
    }
    ::closedir(dir);

    for (const QByteArray &name : names) {
        const QString childPath = path + QLatin1Char('/') + QFile::decodeName(name);
        struct stat info;
        if (::fstatat(dirFd, name.constData(), &info, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT)
                note(QStringLiteral("cannot inspect %1: %2").arg(childPath, errorText(errno)));
            continue;
        }
        if (!S_ISDIR(info.st_mode)) {
            if (::unlinkat(dirFd, name.constData(), 0) < 0 && errno != ENOENT)
                note(QStringLiteral("cannot remove %1: %2").arg(childPath, errorText(errno)));
            continue;
        }
        if (info.st_dev != device) {
            note(QStringLiteral("%1 is a mount point; unmount it first").arg(childPath));
            continue;
        }
        if ((info.st_mode & 0700) != 0700)
            ::fchmodat(dirFd, name.constData(), (info.st_mode & 07777) | 0700, 0);
        const int childFd =
            ::openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (childFd < 0) {
            note(QStringLiteral("cannot open %1: %2").arg(childPath, errorText(errno)));
            continue;
        }
        note(removeContents(childFd, childPath, device));
        ::close(childFd);
        if (::unlinkat(dirFd, name.constData(), AT_REMOVEDIR) < 0 && errno != ENOENT)
            note(QStringLiteral("cannot remove %1: %2").arg(childPath, errorText(errno)));
    }
    return firstError;
}

QString removeTree(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? QString()
                               : QStringLiteral("cannot open %1: %2").arg(path, errorText(errno));
    struct stat info;
    ::fstat(fd, &info);
    ::fchmod(fd, 0700);
    QString error = removeContents(fd, path, info.st_dev);
    ::close(fd);
    if (error.isEmpty() && ::rmdir(native.constData()) < 0)
        error = QStringLiteral("cannot remove %1: %2").arg(path, errorText(errno));
    return error;
}

QString newAgentToken()
{
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(words), sizeof words)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

struct Account
{
    QString user;
    QString shell;
};

Account currentAccount()
{
    Account account;
    std::vector<char> buffer(16384);
    struct passwd entry;
    struct passwd *found = nullptr;
    if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
        account.user = QString::fromLocal8Bit(found->pw_name);
        account.shell = QString::fromLocal8Bit(found->pw_shell);
    }
    if (account.user.isEmpty())
        account.user = QString::number(::geteuid());
    if (account.shell.isEmpty())
        account.shell = QStringLiteral("/bin/sh");
    return account;
}

// Output a process wrote to its log since offset (its last logTailBytes).
QString logTail(const QString &file, qint64 offset)
{
    QFile log(file);
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = log.size();
    log.seek(qMax(offset, size - logTailBytes));
    return QString::fromUtf8(log.readAll()).trimmed();
}

bool isAlive(const Recorded &process)
{
    const std::optional<ProcInfo> info = ProcTable::read(process.pid);
    return info && !info->ended() && info->startTime == process.startTime;
}

} // namespace process_detail

using namespace process_detail;
using namespace Qt::StringLiterals;

struct ProcessProvisioner::Job
{
    const BuildRequest &request;
    const JobContext &context;
    QString id; // the workspace's id, no braces
    QString root;
    QString workspaceDirectory;
    QString home;
    QString logs;
    QList<Recorded> processes;       // what runs (or may run): the prior state's, then ours
    QHash<QString, qint64> logStart; // agent -> size of its log before this start

    void log(const QString &level, const QString &stage, const QString &output) const
    {
        if (context.log)
            context.log(level, stage, output);
    }
    bool canceled() const { return context.canceled && context.canceled(); }
    QByteArray state() const
    {
        if (processes.isEmpty() && !QFileInfo::exists(workspaceDirectory))
            return {};
        return State{workspaceDirectory, home, processes}.toJson();
    }
    void checkpoint() const
    {
        if (context.checkpoint)
            context.checkpoint(state());
    }
    BuildFailure failure(const QString &stage, const QString &message) const
    {
        log(QStringLiteral("error"), stage, message);
        return BuildFailure{message, state()};
    }
    QString logFile(const QString &agent) const
    {
        return logs + QLatin1Char('/') + agent + QStringLiteral(".log");
    }
};

ProcessProvisioner::ProcessProvisioner(ProcessProvisionerOptions options)
    : m_options(std::move(options))
{}

QString ProcessProvisioner::name() const
{
    return QStringLiteral("process");
}

QString ProcessProvisioner::findBubblewrap()
{
    const QString inPath = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    if (!inPath.isEmpty())
        return inPath;
    const QString usual = QStringLiteral("/usr/bin/bwrap");
    return QFileInfo(usual).isExecutable() ? usual : QString();
}

QString ProcessProvisioner::check(const core::TemplateManifest &manifest) const
{
    if (!manifest.provisioner.isEmpty() && manifest.provisioner != name())
        return QStringLiteral("the template is for the %1 provisioner, not the process provisioner")
            .arg(manifest.provisioner);
    int homes = 0;
    QSet<QString> agentNames;
    for (const core::TemplateResource &resource : manifest.resources) {
        if (resource.type == homeDirectoryType) {
            ++homes;
            if (!resource.persistent)
                return QStringLiteral("resource %1: a home_directory is persistent; set "
                                      "\"persistent\": true")
                    .arg(resource.name);
            if (!resource.agents.isEmpty())
                return QStringLiteral("resource %1: a home_directory runs no agents; declare "
                                      "them on a resource of type process")
                    .arg(resource.name);
        } else if (resource.type == processType) {
            if (resource.persistent)
                return QStringLiteral("resource %1: a process is ephemeral (it ends when the "
                                      "workspace stops); remove \"persistent\": true")
                    .arg(resource.name);
        } else {
            return QStringLiteral("resource %1 has type \"%2\", which the process provisioner "
                                  "cannot create; use home_directory or process")
                .arg(resource.name, resource.type);
        }
        for (const core::TemplateAgent &agent : resource.agents) {
            if (agentNames.contains(agent.name))
                return QStringLiteral("agent name %1 is used twice").arg(agent.name);
            agentNames.insert(agent.name);
        }
    }
    if (homes > 1)
        return QStringLiteral("the process provisioner gives a workspace one home directory; "
                              "declare one resource of type home_directory");
    if (m_options.sandbox == bwrapSandbox && findBubblewrap().isEmpty())
        return QStringLiteral("this server runs workspaces in a bubblewrap sandbox, but bwrap is "
                              "not installed (Debian package bubblewrap)");
    return {};
}

core::Result<BuildResult, BuildFailure> ProcessProvisioner::apply(const BuildRequest &request,
                                                                  const JobContext &context)
{
    if (request.workspace.id.isNull())
        return BuildFailure{QStringLiteral("the build names no workspace"), request.priorState};
    if (m_options.workspacesRoot.isEmpty())
        return BuildFailure{QStringLiteral("the process provisioner has no workspaces directory"),
                            request.priorState};
    if (m_options.sandbox != noSandbox && m_options.sandbox != bwrapSandbox)
        return BuildFailure{
            QStringLiteral("unknown sandbox \"%1\" (use none or bwrap)").arg(m_options.sandbox),
            request.priorState};

    Job job{request, context, {}, {}, {}, {}, {}, {}, {}};
    job.id = request.workspace.id.toString(QUuid::WithoutBraces);
    job.root = QDir::cleanPath(QDir(m_options.workspacesRoot).absolutePath());
    job.workspaceDirectory = job.root + QLatin1Char('/') + job.id;
    job.home = job.workspaceDirectory + QStringLiteral("/home");
    job.logs = job.workspaceDirectory + QStringLiteral("/logs");
    if (!request.priorState.isEmpty()) {
        auto processes = State::parseProcesses(request.priorState);
        if (processes)
            job.processes = *processes;
        else
            job.log(QStringLiteral("warn"), QStringLiteral("Setting up"),
                    QStringLiteral("The previous build's state cannot be read (%1); the "
                                   "workspace's processes are found by their environment")
                        .arg(processes.error()));
    }

    if (request.transition == QStringLiteral("start"))
        return start(job);
    if (request.transition == QStringLiteral("stop"))
        return stop(job);
    if (request.transition == QStringLiteral("delete"))
        return remove(job);
    return BuildFailure{QStringLiteral("unknown transition \"%1\"").arg(request.transition),
                        request.priorState};
}

core::Result<BuildResult, BuildFailure> ProcessProvisioner::start(Job &job) const
{
    const QString setup = QStringLiteral("Setting up");
    const QString starting = QStringLiteral("Starting workspace");
    const QString info = QStringLiteral("info");
    if (const QString problem = check(job.request.manifest); !problem.isEmpty())
        return job.failure(setup, problem);

    // A start after a failed stop, or after a daemon died mid-build: end what still runs.
    if (const QString error = terminate(job, setup); !error.isEmpty())
        return job.failure(setup, error);

    job.log(info, setup, QStringLiteral("Workspace directory %1").arg(job.workspaceDirectory));
    if (!QDir().mkpath(job.root))
        return job.failure(
            setup, QStringLiteral("cannot create the workspaces directory %1").arg(job.root));
    for (const auto &[path, enforce] :
         {std::pair{job.root, true}, std::pair{job.workspaceDirectory, true},
          std::pair{job.home, false}, std::pair{job.logs, true}}) {
        if (const QString error = ensurePrivateDirectory(path, enforce); !error.isEmpty())
            return job.failure(setup, error);
    }
    job.checkpoint();

    auto cancel = [&]() -> core::Result<BuildResult, BuildFailure> {
        job.log(QStringLiteral("warn"), starting,
                QStringLiteral("The build was canceled; stopping what it started"));
        const QString error = terminate(job, starting);
        return job.failure(starting, error.isEmpty()
                                         ? QStringLiteral("the build was canceled")
                                         : QStringLiteral("the build was canceled; ") + error);
    };
    auto failStarted = [&](const QString &message) -> core::Result<BuildResult, BuildFailure> {
        const QString error = terminate(job, starting);
        return job.failure(starting, error.isEmpty() ? message : message + u"; "_s + error);
    };

    BuildResult result;
    for (const core::TemplateResource &resource : job.request.manifest.resources) {
        ProvisionedResource provisioned{resource.name, resource.type, resource.persistent, {}};
        if (resource.type == processType) {
            for (const core::TemplateAgent &agent : resource.agents) {
                if (job.canceled())
                    return cancel();
                const QString token = newAgentToken();
                if (const QString error = startAgent(job, agent, token); !error.isEmpty())
                    return failStarted(error);
                provisioned.agents.append(ProvisionedAgent{agent, token});
            }
        }
        result.resources.append(provisioned);
    }

    // A command that fails at once (not found in the sandbox, bad arguments) fails the build
    // rather than leaving a workspace whose agent never connects.
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        std::optional<Recorded> ended;
        for (const Recorded &process : std::as_const(job.processes)) {
            if (!isAlive(process)) {
                ended = process;
                break;
            }
        }
        if (ended) {
            const QString tail =
                logTail(job.logFile(ended->agent), job.logStart.value(ended->agent));
            return failStarted(
                QStringLiteral("agent %1 ended right after it started; %2")
                    .arg(ended->agent, tail.isEmpty()
                                           ? QStringLiteral("it wrote nothing to its log")
                                           : QStringLiteral("the end of its log:\n") + tail));
        }
        if (job.canceled())
            return cancel();
        if (waited.elapsed() >= m_options.startupCheckMs)
            break;
        QThread::msleep(25);
    }
    job.log(info, starting, QStringLiteral("Workspace started"));
    result.state = job.state();
    return result;
}

core::Result<BuildResult, BuildFailure> ProcessProvisioner::stop(Job &job) const
{
    const QString stage = QStringLiteral("Stopping workspace");
    if (const QString error = terminate(job, stage); !error.isEmpty())
        return job.failure(stage, error);
    BuildResult result;
    for (const core::TemplateResource &resource : job.request.manifest.resources) {
        if (resource.persistent)
            result.resources.append(
                ProvisionedResource{resource.name, resource.type, resource.persistent, {}});
    }
    job.log(QStringLiteral("info"), stage, QStringLiteral("Workspace stopped; its home is kept"));
    result.state = job.state();
    return result;
}

core::Result<BuildResult, BuildFailure> ProcessProvisioner::remove(Job &job) const
{
    const QString stage = QStringLiteral("Deleting workspace");
    if (const QString error = terminate(job, stage); !error.isEmpty())
        return job.failure(stage, error);

    const QFileInfo directory(job.workspaceDirectory);
    if (!directory.exists() && !directory.isSymLink()) {
        job.log(QStringLiteral("info"), stage, QStringLiteral("No workspace directory to remove"));
        return BuildResult{};
    }
    // Only ever <root>/<id> itself: not a symlink, nothing a path trick leads elsewhere.
    const QString canonicalRoot = QFileInfo(job.root).canonicalFilePath();
    if (directory.isSymLink() || canonicalRoot.isEmpty() ||
        directory.canonicalFilePath() != canonicalRoot + QLatin1Char('/') + job.id)
        return job.failure(stage, QStringLiteral("refusing to remove %1: it is not a directory "
                                                 "inside the workspaces directory %2")
                                      .arg(job.workspaceDirectory, job.root));
    job.log(QStringLiteral("info"), stage,
            QStringLiteral("Removing %1").arg(job.workspaceDirectory));
    if (const QString error = removeTree(job.workspaceDirectory); !error.isEmpty())
        return job.failure(stage, error);
    return BuildResult{};
}

QString ProcessProvisioner::terminate(Job &job, const QString &stage) const
{
    const QString info = QStringLiteral("info");
    const QByteArray tag = "CODER_WORKSPACE_ID=" + job.id.toUtf8();
    const qint64 self = ::getpid();

    // Sessions (== process groups == pid of the leader) that are ours: the recorded leaders that
    // are still the processes recorded. A recorded pid that now names another process is left
    // alone, and so is its session.
    QHash<qint64, quint64> sessions;
    for (const Recorded &process : std::as_const(job.processes)) {
        const std::optional<ProcInfo> current = ProcTable::read(process.pid);
        if (current && !current->ended() && current->startTime == process.startTime) {
            sessions.insert(process.pid, process.startTime);
            job.log(info, stage,
                    QStringLiteral("Stopping agent %1 (pid %2) and every process it started")
                        .arg(process.agent)
                        .arg(process.pid));
        } else if (current && current->startTime != process.startTime) {
            job.log(info, stage,
                    QStringLiteral("Agent %1 (pid %2) has ended; pid %2 now belongs to another "
                                   "process, which is left alone")
                        .arg(process.agent)
                        .arg(process.pid));
        } else {
            job.log(info, stage,
                    QStringLiteral("Agent %1 (pid %2) is no longer running")
                        .arg(process.agent)
                        .arg(process.pid));
        }
    }

    auto collect = [&]() {
        // A session id stays ours while its number is in use; once its leader's pid names a
        // new process, it is not.
        for (auto it = sessions.begin(); it != sessions.end();) {
            const std::optional<ProcInfo> leader = ProcTable::read(it.key());
            if (leader && leader->startTime != it.value())
                it = sessions.erase(it);
            else
                ++it;
        }
        QList<ProcInfo> found;
        for (const qint64 pid : ProcTable::pids()) {
            if (pid == self)
                continue;
            const std::optional<ProcInfo> process = ProcTable::read(pid);
            if (!process || process->ended())
                continue;
            if (sessions.contains(pid) || sessions.contains(process->session) ||
                sessions.contains(process->pgrp) || ProcTable::environContains(pid, tag))
                found.append(*process);
        }
        return found;
    };
    auto signalAll = [](const QList<ProcInfo> &processes, int signal) {
        for (const ProcInfo &process : processes) {
            ProcTable::signal(process.pid, process.startTime, signal);
            if (signal == SIGTERM) // a stopped process handles SIGTERM only once continued
                ProcTable::signal(process.pid, process.startTime, SIGCONT);
        }
    };

    QList<ProcInfo> found = collect();
    if (found.isEmpty()) {
        job.log(QStringLiteral("debug"), stage, QStringLiteral("No process of the workspace runs"));
        job.processes.clear();
        return {};
    }
    job.log(info, stage,
            QStringLiteral("Sending SIGTERM to %1 process(es) of the workspace").arg(found.size()));
    QSet<QPair<qint64, quint64>> terminated;
    for (const ProcInfo &process : std::as_const(found))
        terminated.insert({process.pid, process.startTime});
    signalAll(found, SIGTERM);

    QElapsedTimer timer;
    timer.start();
    while (!found.isEmpty() && timer.elapsed() < m_options.stopGraceMs) {
        if (job.canceled()) {
            job.log(QStringLiteral("warn"), stage,
                    QStringLiteral("The build was canceled; not waiting for processes to exit"));
            break;
        }
        QThread::msleep(100);
        found = collect();
        // Children forked while their parents were exiting get the same chance.
        QList<ProcInfo> fresh;
        for (const ProcInfo &process : std::as_const(found)) {
            if (!terminated.contains({process.pid, process.startTime})) {
                terminated.insert({process.pid, process.startTime});
                fresh.append(process);
            }
        }
        signalAll(fresh, SIGTERM);
    }
    if (!found.isEmpty()) {
        job.log(QStringLiteral("warn"), stage,
                QStringLiteral("%1 process(es) still running after SIGTERM; sending SIGKILL")
                    .arg(found.size()));
        timer.restart();
        while (!found.isEmpty() && timer.elapsed() < killWaitMs) {
            signalAll(found, SIGKILL);
            QThread::msleep(50);
            found = collect();
        }
    }
    if (!found.isEmpty()) {
        QStringList pids;
        QList<Recorded> remaining;
        for (const ProcInfo &process : std::as_const(found)) {
            pids.append(QString::number(process.pid));
            remaining.append(Recorded{{}, process.pid, process.startTime, {}});
        }
        job.processes = remaining;
        return QStringLiteral("could not stop every process of the workspace; still running: %1")
            .arg(pids.join(u", "_s));
    }
    job.processes.clear();
    job.log(info, stage, QStringLiteral("Every process of the workspace has ended"));
    return {};
}

QString ProcessProvisioner::startAgent(Job &job, const core::TemplateAgent &agent,
                                       const QString &token) const
{
    const QString stage = QStringLiteral("Starting workspace");
    static const QRegularExpression fileSafeName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
    if (!fileSafeName.match(agent.name).hasMatch())
        return QStringLiteral("agent name \"%1\" may hold only letters, digits, '-', '_' and '.'")
            .arg(agent.name);
    const QStringList argv = agent.command.isEmpty() ? m_options.agentCommand : agent.command;
    if (argv.isEmpty())
        return QStringLiteral("agent %1 has no command").arg(agent.name);

    QString directory = agent.directory.trimmed();
    if (directory.isEmpty() || directory == QStringLiteral("~"))
        directory = job.home;
    else if (directory.startsWith(QStringLiteral("~/")))
        directory = job.home + directory.mid(1);
    else if (QDir::isRelativePath(directory))
        directory = job.home + QLatin1Char('/') + directory;
    directory = QDir::cleanPath(directory);
    if (!QFileInfo(directory).isDir()) {
        if (!directory.startsWith(job.home + QLatin1Char('/')) || !QDir().mkpath(directory))
            return QStringLiteral("agent %1: its directory %2 does not exist")
                .arg(agent.name, directory);
    }

    // A clean environment: nothing of the daemon's leaks into the workspace but these.
    const Account account = currentAccount();
    const QString path = qEnvironmentVariable("PATH", defaultPath);
    QMap<QString, QString> environment{
        {QStringLiteral("PATH"), path},
        {QStringLiteral("LANG"), qEnvironmentVariable("LANG", QStringLiteral("C.UTF-8"))},
        {QStringLiteral("TERM"), QStringLiteral("xterm-256color")},
        {QStringLiteral("USER"), account.user},
        {QStringLiteral("LOGNAME"), account.user},
        {QStringLiteral("SHELL"), account.shell},
        {QStringLiteral("HOME"), job.home},
        {QStringLiteral("CODER_AGENT_TOKEN"), token},
        {QStringLiteral("CODER_AGENT_URL"), job.request.workspace.accessUrl},
        {QStringLiteral("CODER_WORKSPACE_ID"), job.id},
        {QStringLiteral("CODER_WORKSPACE_NAME"), job.request.workspace.name},
        {QStringLiteral("CODER_WORKSPACE_OWNER"), job.request.workspace.ownerName},
        {QStringLiteral("CODER_WORKSPACE_AGENT_NAME"), agent.name},
    };
    for (const core::WorkspaceBuildParameter &parameter : job.request.parameters) {
        const QString name = QStringLiteral("CODER_PARAMETER_") +
                             parameter.name.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
        environment.insert(name, parameter.value);
    }
    for (auto it = agent.env.cbegin(); it != agent.env.cend(); ++it) {
        // CODER_WORKSPACE_ID is how stop finds every process of the workspace.
        if (it.key().isEmpty() || it.key().contains(QLatin1Char('=')) ||
            it.key() == QStringLiteral("CODER_WORKSPACE_ID")) {
            job.log(QStringLiteral("warn"), stage,
                    QStringLiteral("Agent %1: environment variable \"%2\" ignored")
                        .arg(agent.name, it.key()));
            continue;
        }
        environment.insert(it.key(), it.value());
    }
    QStringList variables;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        variables.append(it.key() + QLatin1Char('=') + it.value());

    const QString command = argv.first();
    QString program = command;
    if (!command.contains(QLatin1Char('/'))) {
        program = QStandardPaths::findExecutable(command, path.split(QLatin1Char(':')));
        if (program.isEmpty())
            return QStringLiteral("agent %1: the command \"%2\" was not found in PATH (%3)")
                .arg(agent.name, command, path);
    }

    DetachedProcess::Spec spec;
    spec.environment = variables;
    spec.workingDirectory = directory;
    spec.outputFile = job.logFile(agent.name);
    const QString sandbox = m_options.sandbox;
    if (sandbox == bwrapSandbox) {
        spec.program = findBubblewrap();
        if (spec.program.isEmpty())
            return QStringLiteral("bwrap is not installed (Debian package bubblewrap)");
        spec.arguments = QStringList{spec.program} + sandboxArguments(job, directory, program);
        spec.arguments.append(QStringLiteral("--"));
        spec.arguments.append(program);
    } else {
        spec.program = program;
        spec.arguments = QStringList{command};
    }
    spec.arguments.append(argv.mid(1));

    job.logStart.insert(agent.name, QFileInfo(spec.outputFile).size());
    job.log(QStringLiteral("info"), stage,
            QStringLiteral("Starting agent %1: %2%3")
                .arg(agent.name, QFileInfo(command).fileName(),
                     sandbox == bwrapSandbox ? QStringLiteral(" (in a bubblewrap sandbox)")
                                             : QString()));
    const auto pid = DetachedProcess::start(spec);
    if (!pid)
        return QStringLiteral("agent %1: %2").arg(agent.name, pid.error());
    // If it is gone already, start time 0 matches nothing; the startup check reports it.
    const std::optional<ProcInfo> started = ProcTable::read(*pid);
    job.processes.append(Recorded{agent.name, *pid, started ? started->startTime : 0, sandbox});
    job.checkpoint();
    job.log(QStringLiteral("info"), stage,
            QStringLiteral("Agent %1 runs as pid %2; its output goes to %3")
                .arg(agent.name)
                .arg(*pid)
                .arg(spec.outputFile));
    return {};
}

QStringList ProcessProvisioner::sandboxArguments(const Job &job, const QString &directory,
                                                 const QString &program) const
{
    // The host read-only, a private /dev, /proc, /tmp, pid, IPC and UTS namespace; the network is
    // shared so the agent reaches coderd. No --die-with-parent: the workspace outlives the daemon.
    QStringList arguments{
        QStringLiteral("--ro-bind"), QStringLiteral("/"),       QStringLiteral("/"),
        QStringLiteral("--dev"),     QStringLiteral("/dev"),    QStringLiteral("--proc"),
        QStringLiteral("/proc"),     QStringLiteral("--tmpfs"), QStringLiteral("/tmp"),
    };
    QStringList hidden = m_options.sandboxHiddenPaths;
    hidden.append(job.root); // other workspaces' homes
    for (const QString &path : std::as_const(hidden)) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (!canonical.isEmpty())
            arguments << QStringLiteral("--tmpfs") << canonical;
    }
    const QString home = QFileInfo(job.home).canonicalFilePath();
    arguments << QStringLiteral("--bind") << home << home;
    // The program itself, read-only, over whatever hid its folder (/tmp is a fresh tmpfs).
    const QString binary = QFileInfo(program).canonicalFilePath();
    if (!binary.isEmpty())
        arguments << QStringLiteral("--ro-bind") << binary << program;
    arguments << QStringLiteral("--unshare-pid") << QStringLiteral("--unshare-ipc")
              << QStringLiteral("--unshare-uts") << QStringLiteral("--chdir") << directory;
    return arguments;
}

} // namespace coder::server
