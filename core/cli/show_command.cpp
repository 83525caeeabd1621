#include "show_command.h"

#include "core/api_client.h"
#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/table_writer.h"
#include "core/duration.h"
#include "core/workspace_schedule.h"

#include <CLI/CLI.hpp>
#include <QJsonDocument>

namespace coder::core::cli {

void ShowCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<ShowCommand>(std::move(context));
    CLI::App *show = root.add_subcommand("show", "Show a workspace's resources and agents");
    show->fallthrough();
    show->add_option("workspace", command->m_name, "[OWNER/]NAME of the workspace")->required();
    show->add_option("-o,--output", command->m_output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    show->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

ShowCommand::ShowCommand(std::shared_ptr<ClientContext> context)
    : m_context(context), m_runner(context)
{}

QString ShowCommand::render(const Workspace &workspace, const QDateTime &now)
{
    const WorkspaceBuild &build = workspace.latestBuild;
    QString autostart = QStringLiteral("manual");
    if (workspace.autostartSchedule) {
        const auto schedule = WorkspaceSchedule::parseCron(*workspace.autostartSchedule);
        autostart = schedule ? schedule->toHuman() : *workspace.autostartSchedule;
    }
    const QString autostop =
        workspace.ttlMs ? QStringLiteral("%1 after start").arg(duration::format(*workspace.ttlMs))
                        : QStringLiteral("manual");
    QStringList lines{
        QStringLiteral("Workspace:  %1").arg(workspace.fullName()),
        QStringLiteral("Template:   %1 (version %2%3)")
            .arg(workspace.templateName,
                 build.templateVersionName.isEmpty() ? idText(build.templateVersionId)
                                                     : build.templateVersionName,
                 workspace.outdated ? QStringLiteral(", outdated") : QString()),
        QStringLiteral("Status:     %1 (build #%2, %3 by %4, %5)")
            .arg(CliFormat::status(build.status))
            .arg(build.buildNumber)
            .arg(build.transition, build.initiatorName, CliFormat::ago(build.createdAt, now)),
        QStringLiteral("Autostart:  %1").arg(autostart),
        QStringLiteral("Autostop:   %1").arg(autostop),
    };
    if (build.status == u"running" && build.deadline.isValid())
        lines.append(QStringLiteral("Stops at:   %1").arg(CliFormat::timestamp(build.deadline)));
    if (build.job.status == u"failed" && !build.job.error.isEmpty())
        lines.append(QStringLiteral("Error:      %1").arg(build.job.error));

    TableWriter table(
        {QStringLiteral("resource"), QStringLiteral("status"), QStringLiteral("access")});
    for (const auto &resource : build.resources) {
        if (resource.hide)
            continue;
        table.addRow({QStringLiteral("%1.%2").arg(resource.type, resource.name)});
        for (qsizetype a = 0; a < resource.agents.size(); ++a) {
            const WorkspaceAgent &agent = resource.agents[a];
            const bool lastAgent = a + 1 == resource.agents.size();
            QString platform = agent.operatingSystem;
            if (!agent.architecture.isEmpty())
                platform += u'/' + agent.architecture;
            table.addRow(
                {QStringLiteral("%1 agent %2%3")
                     .arg(lastAgent ? QStringLiteral("└─") : QStringLiteral("├─"), agent.name,
                          platform.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(platform)),
                 agent.status, QStringLiteral("coder ssh %1").arg(workspace.fullName())});
            for (qsizetype i = 0; i < agent.apps.size(); ++i) {
                const WorkspaceApp &app = agent.apps[i];
                if (app.hidden)
                    continue;
                table.addRow({QStringLiteral("%1  %2 app %3")
                                  .arg(lastAgent ? QStringLiteral(" ") : QStringLiteral("│"),
                                       i + 1 == agent.apps.size() ? QStringLiteral("└─")
                                                                  : QStringLiteral("├─"),
                                       app.displayName.isEmpty() ? app.slug : app.displayName),
                              app.health, app.url.isEmpty() ? app.command : app.url});
            }
        }
    }
    lines.append(QString());
    lines.append(build.resources.isEmpty() ? QStringLiteral("No resources.") : table.render());
    return lines.join(u'\n');
}

void ShowCommand::run()
{
    m_context->withClient([this](ApiClient *client) {
        m_runner.find(client, QString::fromStdString(m_name), [this](Workspace workspace) {
            if (m_output == "json")
                m_context->print(prettyJson(workspace));
            else
                m_context->print(render(workspace));
            m_context->finish(0);
        });
    });
}

} // namespace coder::core::cli
