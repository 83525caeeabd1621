#include "workspace_list_command.h"

#include "core/api_client.h"
#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/table_writer.h"
#include "core/duration.h"
#include "core/workspace_schedule.h"

#include <CLI/CLI.hpp>
#include <QJsonArray>
#include <QJsonDocument>

namespace coder::core::cli {

namespace {

constexpr int pageSize = 100;

} // namespace

void WorkspaceListCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<WorkspaceListCommand>(std::move(context));
    CLI::App *list = root.add_subcommand("list", "List workspaces")->alias("ls");
    list->fallthrough();
    list->add_flag("-a,--all", command->m_all, "Everyone's workspaces, not only yours");
    list->add_option("--search", command->m_search,
                     "Filter, e.g. \"template:T status:running name:N owner:U\"");
    list->add_option("-o,--output", command->m_output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    list->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

WorkspaceListCommand::WorkspaceListCommand(std::shared_ptr<ClientContext> context)
    : m_context(std::move(context))
{}

QString WorkspaceListCommand::query(bool all, const QString &search)
{
    const QString trimmed = search.trimmed();
    if (all || trimmed.contains(QStringLiteral("owner:")))
        return trimmed;
    return trimmed.isEmpty() ? QStringLiteral("owner:me") : QStringLiteral("owner:me ") + trimmed;
}

QString WorkspaceListCommand::renderTable(const QList<Workspace> &workspaces, const QDateTime &now)
{
    TableWriter table({QStringLiteral("workspace"), QStringLiteral("template"),
                       QStringLiteral("status"), QStringLiteral("healthy"),
                       QStringLiteral("last built"), QStringLiteral("outdated"),
                       QStringLiteral("starts at"), QStringLiteral("stops after")});
    for (const auto &workspace : workspaces) {
        const WorkspaceBuild &build = workspace.latestBuild;
        QString startsAt;
        if (workspace.autostartSchedule) {
            const auto schedule = WorkspaceSchedule::parseCron(*workspace.autostartSchedule);
            startsAt = schedule ? schedule->toHuman() : *workspace.autostartSchedule;
        }
        table.addRow(
            {workspace.fullName(), workspace.templateName, CliFormat::status(build.status),
             build.status == u"running"
                 ? (workspace.health.healthy ? QStringLiteral("true") : QStringLiteral("false"))
                 : QString(),
             CliFormat::ago(build.createdAt, now),
             workspace.outdated ? QStringLiteral("true") : QStringLiteral("false"), startsAt,
             workspace.ttlMs ? duration::format(*workspace.ttlMs) : QString()});
    }
    return table.render();
}

void WorkspaceListCommand::run()
{
    m_context->withClient([this](ApiClient *client) {
        const QString q = query(m_all, QString::fromStdString(m_search));
        auto collected = std::make_shared<QList<Workspace>>();
        auto fetch = std::make_shared<std::function<void()>>();
        *fetch = [this, client, q, collected, weak = std::weak_ptr(fetch)] {
            client->workspaces(
                q,
                [this, collected, next = weak.lock()](Result<WorkspacesPage, ApiError> page) {
                    if (!page)
                        return m_context->fail(page.error());
                    collected->append(page->workspaces);
                    if (page->workspaces.size() == pageSize && collected->size() < page->count)
                        return (*next)();
                    if (m_output == "json") {
                        m_context->print(prettyJson(*collected));
                    } else if (collected->isEmpty()) {
                        m_context->printError(QStringLiteral(
                            "No workspaces found! Create one:\n\n  coder create <name> "
                            "--template <template>"));
                    } else {
                        m_context->print(renderTable(*collected));
                    }
                    m_context->finish(0);
                },
                pageSize, static_cast<int>(collected->size()));
        };
        (*fetch)();
    });
}

} // namespace coder::core::cli
