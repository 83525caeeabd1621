#include "create_command.h"

#include "core/api_client.h"
#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/parameter_resolver.h"
#include "core/cli/templates_command.h"
#include "core/cli/terminal_prompt.h"
#include "core/duration.h"
#include "core/workspace_schedule.h"

#include <CLI/CLI.hpp>

namespace coder::core::cli {

void CreateCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<CreateCommand>(std::move(context));
    CLI::App *create = root.add_subcommand("create", "Create a workspace from a template");
    create->fallthrough();
    create->add_option("name", command->m_name, "Name of the workspace ([OWNER/]NAME)");
    create->add_option("-t,--template", command->m_template, "Template to create it from")
        ->envname("CODER_TEMPLATE_NAME");
    create
        ->add_option("--parameter", command->m_parameters,
                     "A rich parameter value NAME=VALUE (repeatable)")
        ->envname("CODER_RICH_PARAMETER");
    create
        ->add_option("--start-at", command->m_startAt,
                     "Autostart schedule, e.g. \"9:30AM Mon-Fri Europe/Paris\"")
        ->envname("CODER_WORKSPACE_START_AT");
    create
        ->add_option("--stop-after", command->m_stopAfter,
                     "Stop the workspace this long after it started, e.g. 8h")
        ->envname("CODER_WORKSPACE_STOP_AFTER");
    create->add_flag("-y,--yes", command->m_yes, "Do not ask for confirmation");
    TemplatesCommand::addOrganizationOption(create, command->m_organization);
    create->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

CreateCommand::CreateCommand(std::shared_ptr<ClientContext> context)
    : m_context(context), m_runner(context)
{}

void CreateCommand::run()
{
    const bool interactive = TerminalPrompt::stdinIsTerminal();
    QString name = QString::fromStdString(m_name);
    if (name.isEmpty()) {
        if (!interactive)
            return m_context->fail(
                QStringLiteral("a workspace name is required: coder create NAME --template T"));
        const auto answer =
            TerminalPrompt::ask(QStringLiteral("Specify a name for your workspace"));
        if (!answer || answer->isEmpty())
            return m_context->fail(QStringLiteral("canceled"));
        name = *answer;
    }
    const auto parts = CliFormat::workspaceName(name);
    if (!parts)
        return m_context->fail(parts.error());
    m_owner = parts->first;
    m_workspaceName = parts->second;

    if (!m_startAt.empty()) {
        const auto schedule = WorkspaceSchedule::parseHuman(QString::fromStdString(m_startAt));
        if (!schedule)
            return m_context->fail(QStringLiteral("--start-at: ") + schedule.error());
        m_schedule = schedule->toCron();
    }
    if (!m_stopAfter.empty()) {
        const auto ttl = duration::parse(QString::fromStdString(m_stopAfter));
        if (!ttl)
            return m_context->fail(QStringLiteral("--stop-after: ") + ttl.error());
        m_ttlMs = ttl.value();
    }
    const auto given = CliFormat::keyValues(m_parameters, QStringLiteral("--parameter"));
    if (!given)
        return m_context->fail(given.error());

    m_context->withClient([this, interactive](ApiClient *client) {
        const QString org = QString::fromStdString(m_organization);
        QString templateName = QString::fromStdString(m_template);
        if (templateName.isEmpty()) {
            if (!interactive)
                return m_context->fail(
                    QStringLiteral("--template is required (see: coder templates list)"));
            const auto answer = TerminalPrompt::ask(QStringLiteral("Template"));
            if (!answer || answer->isEmpty())
                return m_context->fail(QStringLiteral("canceled"));
            templateName = *answer;
        }
        client->templateByName(
            org, templateName, [this, client, templateName](Result<Template, ApiError> found) {
                if (found)
                    return withTemplate(client, found.value());
                if (found.error().status == 404)
                    return m_context->fail(QStringLiteral("template \"%1\" does not exist (see: "
                                                          "coder templates list)")
                                               .arg(templateName));
                m_context->fail(found.error());
            });
    });
}

void CreateCommand::withTemplate(ApiClient *client, const Template &chosen)
{
    client->templateVersionRichParameters(
        chosen.activeVersionId,
        [this, client, chosen](Result<QList<TemplateVersionParameter>, ApiError> parameters) {
            if (!parameters)
                return m_context->fail(parameters.error());
            const auto given = CliFormat::keyValues(m_parameters, QStringLiteral("--parameter"));
            const ParameterResolver::Prompt prompt = TerminalPrompt::stdinIsTerminal()
                                                         ? &ParameterResolver::askOnTerminal
                                                         : ParameterResolver::Prompt{};
            auto values = ParameterResolver::resolve(parameters.value(), given.value(), prompt);
            if (!values)
                return m_context->fail(values.error());
            if (!m_context->confirm(QStringLiteral("Confirm create?"), m_yes))
                return;

            CreateWorkspaceRequest request;
            request.templateId = chosen.id;
            request.name = m_workspaceName;
            request.autostartSchedule = m_schedule;
            request.ttlMs = m_ttlMs;
            request.richParameterValues = values.value();
            client->createWorkspace(
                m_owner, request, [this, client](Result<Workspace, ApiError> workspace) {
                    if (!workspace)
                        return m_context->fail(workspace.error());
                    const QString name = workspace->name;
                    m_runner.follow(client, workspace->latestBuild, [this, name](WorkspaceBuild) {
                        m_context->print(
                            QStringLiteral("\nThe %1 workspace has been created at %2!")
                                .arg(name, CliFormat::timestamp()));
                        m_context->finish(0);
                    });
                });
        });
}

} // namespace coder::core::cli
