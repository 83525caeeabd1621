#include "templates_command.h"

#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/table_writer.h"
#include "core/cli/template_push_command.h"
#include "core/cli/terminal_prompt.h"
#include "core/template_examples.h"

#include <CLI/CLI.hpp>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace coder::core::cli {

namespace {

void addOutputOption(CLI::App *command, std::string &output)
{
    command->add_option("-o,--output", output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
}

} // namespace

void TemplatesCommand::addOrganizationOption(CLI::App *command, std::string &organization)
{
    command
        ->add_option("-O,--org", organization, "Organization (name or id) the templates belong to")
        ->envname("CODER_ORGANIZATION")
        ->capture_default_str();
}

void TemplatesCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<TemplatesCommand>(context);
    CLI::App *templates = root.add_subcommand("templates", "Manage templates")->alias("template");
    templates->fallthrough();
    templates->require_subcommand(1);
    auto schedule = [command](void (TemplatesCommand::*body)()) {
        return [command, body] {
            ClientContext::runOnEventLoop([command, body] { (*command.*body)(); });
        };
    };

    CLI::App *init = templates->add_subcommand(
        "init", "Get started with a template: writes an example into a directory");
    init->fallthrough();
    init->add_option("directory", command->m_directory,
                     "Where to write the example (default: ./<example>)");
    init->add_option("--id", command->m_exampleId, "The example to start from")
        ->check([](const std::string &value) -> std::string {
            const QStringList names = TemplateExamples::names();
            if (names.contains(QString::fromStdString(value)))
                return {};
            return "unknown example \"" + value +
                   "\"; examples: " + names.join(QStringLiteral(", ")).toStdString();
        });
    init->callback(schedule(&TemplatesCommand::init));

    TemplatePushCommand::add(*templates, context);

    CLI::App *list = templates->add_subcommand("list", "List templates")->alias("ls");
    list->fallthrough();
    addOutputOption(list, command->m_output);
    addOrganizationOption(list, command->m_organization);
    list->callback(schedule(&TemplatesCommand::list));

    CLI::App *versions = templates->add_subcommand("versions", "Manage the versions of a template");
    versions->fallthrough();
    versions->require_subcommand(1);
    CLI::App *versionList =
        versions->add_subcommand("list", "List the versions of a template")->alias("ls");
    versionList->fallthrough();
    versionList->add_option("template", command->m_template, "Name of the template")->required();
    addOutputOption(versionList, command->m_output);
    addOrganizationOption(versionList, command->m_organization);
    versionList->callback(schedule(&TemplatesCommand::listVersions));

    CLI::App *remove =
        templates->add_subcommand("delete", "Delete templates (none may have workspaces)")
            ->alias("rm");
    remove->fallthrough();
    remove->add_option("name", command->m_names, "Names of the templates")->required();
    remove->add_flag("-y,--yes", command->m_yes, "Do not ask for confirmation");
    addOrganizationOption(remove, command->m_organization);
    remove->callback(schedule(&TemplatesCommand::remove));
}

TemplatesCommand::TemplatesCommand(std::shared_ptr<ClientContext> context)
    : m_context(std::move(context))
{}

QString TemplatesCommand::renderTemplates(const QList<Template> &templates, const QDateTime &now)
{
    TableWriter table({QStringLiteral("name"), QStringLiteral("organization"),
                       QStringLiteral("provisioner"), QStringLiteral("last updated"),
                       QStringLiteral("used by")});
    for (const auto &item : templates) {
        const QString usedBy = item.activeUserCount == 1
                                   ? QStringLiteral("1 developer")
                                   : QStringLiteral("%1 developers").arg(item.activeUserCount);
        table.addRow(
            {item.name,
             item.organizationName.isEmpty() ? idText(item.organizationId) : item.organizationName,
             item.provisioner, CliFormat::ago(item.updatedAt, now), usedBy});
    }
    return table.render();
}

QString TemplatesCommand::renderVersions(const QList<TemplateVersion> &versions,
                                         const QUuid &activeVersionId)
{
    TableWriter table({QStringLiteral("name"), QStringLiteral("created at"),
                       QStringLiteral("created by"), QStringLiteral("status"),
                       QStringLiteral("active")});
    for (const auto &version : versions)
        table.addRow(
            {version.name,
             version.createdAt.isValid() ? version.createdAt.toString(Qt::ISODate) : QString(),
             version.createdBy.username, CliFormat::status(version.job.status),
             version.id == activeVersionId ? QStringLiteral("Active") : QString()});
    return table.render();
}

void TemplatesCommand::init()
{
    const QStringList names = TemplateExamples::names();
    QString example = QString::fromStdString(m_exampleId);
    if (example.isEmpty()) {
        if (!TerminalPrompt::stdinIsTerminal())
            return m_context->fail(
                QStringLiteral("pass --id to choose an example (stdin is not a terminal); "
                               "examples: %1")
                    .arg(names.join(QStringLiteral(", "))));
        m_context->printError(QStringLiteral("A template defines the infrastructure of "
                                             "workspaces. Start from one of these examples:"));
        for (const auto &name : names)
            m_context->printError(QStringLiteral("  ") + name);
        while (!names.contains(example)) {
            const auto answer = TerminalPrompt::ask(QStringLiteral("Example"), names.value(0));
            if (!answer)
                return m_context->fail(QStringLiteral("canceled"));
            example = *answer;
            if (!names.contains(example))
                m_context->printError(QStringLiteral("There is no example \"%1\".").arg(example));
        }
    }
    const QString directory = m_directory.empty() ? QDir::current().filePath(example)
                                                  : QString::fromStdString(m_directory);
    const QFileInfo info(directory);
    if (info.exists() &&
        (!info.isDir() ||
         !QDir(directory).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)))
        return m_context->fail(
            QStringLiteral("%1 already exists and is not an empty directory").arg(directory));
    m_context->print(QStringLiteral("Extracting %1 to %2...").arg(example, directory));
    const auto written = TemplateExamples::write(example, directory);
    if (!written)
        return m_context->fail(written.error());
    const QString shown = QDir::current().relativeFilePath(directory);
    m_context->print(QStringLiteral("Create your template by running:\n\n  cd %1 && coder "
                                    "templates push\n")
                         .arg(shown.startsWith(QStringLiteral("..")) ? directory : shown));
    m_context->finish(0);
}

void TemplatesCommand::list()
{
    m_context->withClient([this](ApiClient *client) {
        const QString org = QString::fromStdString(m_organization);
        client->templates(org, [this, org](Result<QList<Template>, ApiError> templates) {
            if (!templates)
                return m_context->fail(templates.error());
            if (m_output == "json") {
                m_context->print(prettyJson(templates.value()));
            } else if (templates->isEmpty()) {
                m_context->printError(
                    QStringLiteral("No templates found in %1! Create one:\n\n  coder templates "
                                   "init\n  coder templates push <directory>")
                        .arg(org == u"default" ? QStringLiteral("the default organization") : org));
            } else {
                m_context->print(renderTemplates(templates.value()));
            }
            m_context->finish(0);
        });
    });
}

void TemplatesCommand::listVersions()
{
    m_context->withClient([this](ApiClient *client) {
        client->templateByName(
            QString::fromStdString(m_organization), QString::fromStdString(m_template),
            [this, client](Result<Template, ApiError> found) {
                if (!found)
                    return m_context->fail(found.error());
                const QUuid active = found->activeVersionId;
                client->templateVersions(
                    found->id, [this, active](Result<QList<TemplateVersion>, ApiError> versions) {
                        if (!versions)
                            return m_context->fail(versions.error());
                        m_context->print(m_output == "json"
                                             ? prettyJson(versions.value())
                                             : renderVersions(versions.value(), active));
                        m_context->finish(0);
                    });
            });
    });
}

void TemplatesCommand::remove()
{
    m_context->withClient([this](ApiClient *client) {
        // Every name is looked up first: a typo deletes nothing.
        auto found = std::make_shared<QList<Template>>();
        auto lookUp = std::make_shared<std::function<void(size_t)>>();
        *lookUp = [this, client, found, weak = std::weak_ptr(lookUp)](size_t index) {
            if (index == m_names.size()) {
                QStringList names;
                for (const auto &item : *found)
                    names.append(item.name);
                if (!m_context->confirm(QStringLiteral("Delete these templates: %1?")
                                            .arg(names.join(QStringLiteral(", "))),
                                        m_yes))
                    return;
                return removeNext(client, found);
            }
            client->templateByName(
                QString::fromStdString(m_organization), QString::fromStdString(m_names[index]),
                [this, found, index, next = weak.lock()](Result<Template, ApiError> item) {
                    if (!item)
                        return m_context->fail(item.error());
                    found->append(item.value());
                    (*next)(index + 1);
                });
        };
        (*lookUp)(0);
    });
}

void TemplatesCommand::removeNext(ApiClient *client, std::shared_ptr<QList<Template>> remaining)
{
    if (remaining->isEmpty())
        return m_context->finish(0);
    const Template item = remaining->takeFirst();
    client->deleteTemplate(item.id, [this, client, item, remaining](Result<Ok, ApiError> deleted) {
        if (!deleted)
            return m_context->fail(deleted.error());
        m_context->print(
            QStringLiteral("Deleted template %1 at %2!").arg(item.name, CliFormat::timestamp()));
        removeNext(client, remaining);
    });
}

} // namespace coder::core::cli
