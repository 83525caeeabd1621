#pragma once

#include "provisioner.h"

#include <QString>
#include <QStringList>

namespace coder::server {

struct ProcessProvisionerOptions
{
    QString workspacesRoot;                   // <data dir>/workspaces; made 0700
    QString sandbox = QStringLiteral("none"); // none | bwrap (resolveSandbox() made it)
    // bwrap: paths hidden behind an empty tmpfs inside the sandbox (the daemon's data dir, so no
    // workspace reads the database). The workspaces root is always hidden but for the
    // workspace's own home.
    QStringList sandboxHiddenPaths;
    // How an agent without a command of its own starts: the `coder` binary's `agent` command
    // (argv). Empty: such an agent fails the build.
    QStringList agentCommand;
    int stopGraceMs = 5000;   // SIGTERM, then this long, then SIGKILL
    int startupCheckMs = 300; // an agent that ends this soon after its start failed the build
};

// The single-machine provisioner (server/provisioner/README.md): a workspace is the directory
// <root>/<workspace id>/ with a persistent home/ and agents run as detached local process trees,
// optionally inside a bubblewrap sandbox.
class ProcessProvisioner : public Provisioner
{
public:
    explicit ProcessProvisioner(ProcessProvisionerOptions options);

    QString name() const override;
    QString check(const core::TemplateManifest &manifest) const override;
    core::Result<BuildResult, BuildFailure> apply(const BuildRequest &request,
                                                  const JobContext &context) override;

    // bwrap's path, or empty when it is not installed.
    static QString findBubblewrap();

private:
    struct Job; // one apply() call: its request, context, paths and state

    core::Result<BuildResult, BuildFailure> start(Job &job) const;
    core::Result<BuildResult, BuildFailure> stop(Job &job) const;
    core::Result<BuildResult, BuildFailure> remove(Job &job) const;

    // Ends every process of the workspace: the recorded session leaders (when they are still
    // the processes recorded), their sessions and process groups, and every process whose
    // environment carries CODER_WORKSPACE_ID=<id>. Empty on success; otherwise what remains
    // (also left in job.state.processes).
    QString terminate(Job &job, const QString &stage) const;
    // Starts one agent and records it in job.state (checkpointed at once).
    QString startAgent(Job &job, const core::TemplateAgent &agent, const QString &token) const;
    // program: what runs inside, kept visible even under a hidden path (the coder binary of a
    // build tree in /tmp, say).
    QStringList sandboxArguments(const Job &job, const QString &directory,
                                 const QString &program) const;

    ProcessProvisionerOptions m_options;
};

} // namespace coder::server
