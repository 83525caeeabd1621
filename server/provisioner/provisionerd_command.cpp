#include "provisionerd_command.h"

#include "agent_program.h"
#include "core/unix_signal_watcher.h"
#include "docker_provisioner.h"
#include "job_daemons.h"
#include "process_provisioner.h"
#include "process_sandbox.h"
#include "remote_job_source.h"

#include <CLI/CLI.hpp>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QSysInfo>
#include <csignal>
#include <cstdio>

namespace coder::server {

namespace {

struct Options
{
    std::string url;
    std::string psk;
    std::vector<std::string> tags;
    std::string name;
    std::vector<std::string> provisioners{"process", "docker"};
    std::string dataDir;
    std::string processSandbox = "auto";
    bool allowUnsandboxedRoot = false;
    std::string dockerHost;
    double heartbeatSeconds = 5;
};

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "error: %s\n", qPrintable(message));
    return 1;
}

int runDaemon(const Options &options)
{
    const QUrl url(q(options.url));
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return fail(
            QStringLiteral("--url must be coderd's http(s) URL, got \"%1\"").arg(q(options.url)));
    if (options.psk.empty())
        return fail(QStringLiteral("--psk is required: the key coderd was started with "
                                   "(--provisioner-daemon-psk)"));
    RemoteJobSource::Options source;
    source.url = url;
    source.psk = q(options.psk);
    source.name = options.name.empty() ? QSysInfo::machineHostName() : q(options.name);
    for (const std::string &tag : options.tags) {
        const QString text = q(tag);
        const qsizetype equals = text.indexOf(u'=');
        if (equals <= 0)
            return fail(QStringLiteral("--tag must be key=value, got \"%1\"").arg(text));
        source.tags.insert(text.left(equals), text.mid(equals + 1));
    }

    const QString dataDir =
        options.dataDir.empty()
            ? QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                  QStringLiteral("/coder/provisionerd")
            : q(options.dataDir);
    if (!QDir().mkpath(dataDir))
        return fail(QStringLiteral("cannot create the data directory %1").arg(dataDir));
    QFile::setPermissions(dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

    std::vector<std::unique_ptr<Provisioner>> provisioners;
    for (const std::string &type : options.provisioners) {
        if (type == "process") {
            ProcessProvisionerOptions process;
            process.workspacesRoot = dataDir + QStringLiteral("/workspaces");
            const auto sandbox =
                ProcessSandbox::resolve(q(options.processSandbox), options.allowUnsandboxedRoot);
            if (!sandbox.error.isEmpty())
                return fail(sandbox.error);
            if (sandbox.name == QLatin1String("none"))
                std::fprintf(stderr, "%s\n",
                             qPrintable(ProcessSandbox::unsandboxedWarning(dataDir)));
            process.sandbox = sandbox.name;
            process.sandboxHiddenPaths = {dataDir};
            process.agentCommand = AgentProgram::installed().command();
            provisioners.push_back(std::make_unique<ProcessProvisioner>(process));
        } else if (type == "docker") {
            DockerProvisionerOptions docker;
            QString host = q(options.dockerHost);
            docker.socketPath = host.startsWith(QLatin1String("unix://")) ? host.mid(7) : host;
            provisioners.push_back(std::make_unique<DockerProvisioner>(docker));
        } else {
            return fail(
                QStringLiteral("unknown provisioner type \"%1\" (process, docker)").arg(q(type)));
        }
        source.provisioners.append(q(type));
    }
    QHash<QString, Provisioner *> byName;
    for (const auto &provisioner : provisioners)
        byName.insert(provisioner->name(), provisioner.get());

    std::signal(SIGPIPE, SIG_IGN);
    core::UnixSignalWatcher watcher({SIGINT, SIGTERM});
    RemoteJobSource remote(source);
    const QString connected = remote.waitUntilConnected(30000);
    if (connected.contains(QLatin1String("401")))
        return fail(QStringLiteral("coderd at %1 refused the pre-shared key (401 Unauthorized): "
                                   "check --psk against coderd's --provisioner-daemon-psk")
                        .arg(url.toString()));
    if (!connected.isEmpty())
        std::fprintf(stderr, "warning: cannot reach coderd yet (%s); retrying\n",
                     qPrintable(connected));

    JobDaemons::Options daemon;
    daemon.runner.workDirectory = dataDir;
    daemon.runner.heartbeatIntervalMs = int(options.heartbeatSeconds * 1000);
    daemon.acquireWaitMs = 10000; // coderd answers at once when a job comes: a long poll
    JobDaemons daemons({&remote}, byName, daemon);
    daemons.start();
    std::printf("Provisioner daemon %s started (provisioners: %s; tags: %d)\n",
                qPrintable(source.name), qPrintable(source.provisioners.join(u',')),
                int(source.tags.size()));
    std::fflush(stdout);
    QObject::connect(&watcher, &core::UnixSignalWatcher::received, &watcher, [&daemons](int) {
        std::printf("Shutting down: finishing the running job...\n");
        std::fflush(stdout);
        daemons.stop();
    });
    QObject::connect(&daemons, &JobDaemons::stopped, &daemons, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace

void registerProvisionerdCommand(CLI::App &app)
{
    auto options = std::make_shared<Options>();
    CLI::App *group = app.add_subcommand("provisionerd", "Run provisioner daemons");
    group->require_subcommand(1);
    CLI::App *start = group->add_subcommand("start", "Run an external provisioner daemon");
    start->add_option("--url", options->url, "URL of the deployment (coderd)")
        ->envname("CODER_URL")
        ->required();
    start
        ->add_option("--psk", options->psk,
                     "Pre-shared key of the deployment (coderd --provisioner-daemon-psk)")
        ->envname("CODER_PROVISIONER_DAEMON_PSK");
    start
        ->add_option("--tag,-t", options->tags,
                     "key=value tags: the daemon runs only jobs whose tags it has (repeatable)")
        ->envname("CODER_PROVISIONERD_TAGS")
        ->delimiter(',');
    start->add_option("--name", options->name, "Name of this daemon (default: the host name)")
        ->envname("CODER_PROVISIONER_DAEMON_NAME");
    start
        ->add_option("--provisioner-types", options->provisioners,
                     "Provisioners to offer: process, docker")
        ->envname("CODER_PROVISIONER_TYPES")
        ->delimiter(',')
        ->capture_default_str();
    start
        ->add_option("--data-dir", options->dataDir,
                     "Where workspaces and unpacked templates live (default: "
                     "$XDG_DATA_HOME/coder/provisionerd)")
        ->envname("CODER_PROVISIONERD_DATA_DIR");
    start
        ->add_option("--process-sandbox", options->processSandbox,
                     "auto (bwrap where installed), bwrap or none")
        ->envname("CODER_PROCESS_SANDBOX")
        ->check(CLI::IsMember({"auto", "none", "bwrap"}))
        ->capture_default_str();
    start
        ->add_flag("--allow-unsandboxed-root", options->allowUnsandboxedRoot,
                   "Run workspaces without a sandbox even when this daemon runs as root")
        ->envname("CODER_ALLOW_UNSANDBOXED_ROOT");
    start->add_option("--docker-host", options->dockerHost, "Docker daemon socket")
        ->envname("DOCKER_HOST");
    start
        ->add_option("--heartbeat-interval", options->heartbeatSeconds,
                     "Seconds between heartbeats of a running job")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    start->callback([options] { throw CLI::RuntimeError(runDaemon(*options)); });
}

} // namespace coder::server
