#include "workspace_build_command.h"

#include "core/api_client.h"
#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"

#include <CLI/CLI.hpp>

namespace coder::core::cli {

void WorkspaceBuildCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    const struct
    {
        const char *name;
        const char *description;
    } actions[] = {
        {"start", "Start a workspace"},
        {"stop", "Stop a workspace (its persistent resources are kept)"},
        {"restart", "Restart a workspace: stop, then start"},
        {"delete", "Delete a workspace and everything it consists of"},
    };
    for (const auto &action : actions) {
        auto command =
            std::make_shared<WorkspaceBuildCommand>(context, QString::fromLatin1(action.name));
        CLI::App *sub = root.add_subcommand(action.name, action.description);
        if (command->m_action == u"delete")
            sub->alias("rm");
        sub->fallthrough();
        sub->add_option("workspace", command->m_name, "[OWNER/]NAME of the workspace")->required();
        sub->add_flag("-y,--yes", command->m_yes,
                      command->m_action == u"delete" ? "Do not ask for confirmation"
                                                     : "Accepted for compatibility; never asks");
        sub->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
    }
}

WorkspaceBuildCommand::WorkspaceBuildCommand(std::shared_ptr<ClientContext> context, QString action)
    : m_context(context), m_runner(context), m_action(std::move(action))
{}

void WorkspaceBuildCommand::run()
{
    m_context->withClient([this](ApiClient *client) {
        m_runner.find(client, QString::fromStdString(m_name), [this, client](Workspace workspace) {
            const QString status = workspace.latestBuild.status;
            if (m_action == u"start") {
                if (status == u"running") {
                    m_context->print(
                        QStringLiteral("Workspace %1 is already running.").arg(workspace.name));
                    return m_context->finish(0);
                }
                return start(client, workspace, QStringLiteral("started"));
            }
            if (m_action == u"stop") {
                if (status == u"stopped") {
                    m_context->print(
                        QStringLiteral("Workspace %1 is already stopped.").arg(workspace.name));
                    return m_context->finish(0);
                }
                return stop(client, workspace, [this, workspace] {
                    m_context->print(QStringLiteral("\nThe %1 workspace has been stopped at %2!")
                                         .arg(workspace.name, CliFormat::timestamp()));
                    m_context->finish(0);
                });
            }
            if (m_action == u"restart") {
                return stop(client, workspace, [this, client, workspace] {
                    start(client, workspace, QStringLiteral("restarted"));
                });
            }
            if (!m_context->confirm(
                    QStringLiteral("Confirm delete workspace %1?").arg(workspace.fullName()),
                    m_yes))
                return;
            m_runner.build(
                client, workspace, QStringLiteral("delete"), [this, workspace](WorkspaceBuild) {
                    m_context->print(QStringLiteral("\nThe %1 workspace has been deleted at %2!")
                                         .arg(workspace.name, CliFormat::timestamp()));
                    m_context->finish(0);
                });
        });
    });
}

void WorkspaceBuildCommand::start(ApiClient *client, const Workspace &workspace,
                                  const QString &done)
{
    m_runner.build(client, workspace, QStringLiteral("start"),
                   [this, workspace, done](WorkspaceBuild) {
                       m_context->print(QStringLiteral("\nThe %1 workspace has been %2 at %3!")
                                            .arg(workspace.name, done, CliFormat::timestamp()));
                       m_context->finish(0);
                   });
}

void WorkspaceBuildCommand::stop(ApiClient *client, const Workspace &workspace,
                                 std::function<void()> next)
{
    // A stopped workspace (restart) needs no stop build.
    if (workspace.latestBuild.status == u"stopped")
        return next();
    m_runner.build(client, workspace, QStringLiteral("stop"),
                   [next = std::move(next)](WorkspaceBuild) { next(); });
}

} // namespace coder::core::cli
