#include "template_push_command.h"

#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/templates_command.h"
#include "core/cli/terminal_prompt.h"
#include "core/template_archive.h"
#include "core/template_pusher.h"

#include <CLI/CLI.hpp>
#include <QDir>
#include <QFileInfo>

namespace coder::core::cli {

void TemplatePushCommand::add(CLI::App &templates, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<TemplatePushCommand>(std::move(context));
    CLI::App *push = templates.add_subcommand(
        "push", "Create or update a template from a directory: upload, import, activate");
    push->fallthrough();
    push->add_option("name", command->m_name,
                     "Name of the template (default: the directory's name)");
    push->add_option("-d,--directory", command->m_directory, "The template's directory")
        ->capture_default_str();
    push->add_flag("-y,--yes", command->m_yes, "Create a new template without asking");
    push->add_option("-m,--message", command->m_message, "A message describing the version");
    push->add_option("--name", command->m_versionName,
                     "Name of the new version (default: generated)");
    push->add_flag("--activate,!--no-activate", command->m_activate,
                   "Make the new version the template's active one (--activate=false: do not)")
        ->capture_default_str();
    push->add_option("-t,--provisioner-tag", command->m_tags,
                     "Tags (KEY=VALUE) choosing the provisioners that may import it");
    TemplatesCommand::addOrganizationOption(push, command->m_organization);
    push->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

TemplatePushCommand::TemplatePushCommand(std::shared_ptr<ClientContext> context)
    : m_context(std::move(context))
{}

void TemplatePushCommand::run()
{
    const QFileInfo directory(QString::fromStdString(m_directory));
    if (!directory.isDir())
        return m_context->fail(
            QStringLiteral("template directory %1 does not exist").arg(directory.filePath()));
    const QString path = directory.canonicalFilePath();
    m_templateName = m_name.empty() ? QFileInfo(path).fileName() : QString::fromStdString(m_name);
    auto tags = CliFormat::keyValues(m_tags, QStringLiteral("--provisioner-tag"));
    if (!tags)
        return m_context->fail(tags.error());
    m_tagValues = tags.value();

    auto archive = TemplateArchive::pack(path);
    if (!archive)
        return m_context->fail(
            QStringLiteral("cannot archive template directory %1: %2").arg(path, archive.error()));
    m_context->withClient([this, archive = archive.value()](ApiClient *client) {
        client->templateByName(
            QString::fromStdString(m_organization), m_templateName,
            [this, client, archive](Result<Template, ApiError> found) {
                if (!found && found.error().status != 404)
                    return m_context->fail(found.error());
                // Asked only after the import succeeded; without a terminal, fail before any
                // work is done.
                if (!found && !m_yes && !TerminalPrompt::stdinIsTerminal())
                    return m_context->fail(
                        QStringLiteral("template %1 does not exist; pass --yes (-y) to create it "
                                       "(stdin is not a terminal to ask)")
                            .arg(m_templateName));
                push(client, archive,
                     found ? std::optional<Template>(found.value()) : std::nullopt);
            });
    });
}

void TemplatePushCommand::push(ApiClient *client, const QByteArray &archive,
                               std::optional<Template> existing)
{
    TemplatePusher::Options options;
    options.organization = QString::fromStdString(m_organization);
    options.name = m_templateName;
    options.message = QString::fromStdString(m_message);
    options.versionName = QString::fromStdString(m_versionName);
    options.tags = m_tagValues;
    options.activate = m_activate;
    options.confirmCreate = [this](const QString &name) {
        return m_context->confirm(QStringLiteral("Create template %1?").arg(name), m_yes);
    };
    auto *pusher = new TemplatePusher(
        client, options, [this](const QString &line) { m_context->print(line); },
        [this](const QString &line) { m_context->printError(line); }, m_context.get());
    pusher->push(
        archive, std::move(existing),
        [this](Result<TemplatePusher::Pushed, TemplatePusher::Failure> pushed) {
            if (!pushed) {
                if (pushed.error().declined)
                    return; // confirm() said why and ended the command
                if (pushed.error().api)
                    return m_context->fail(*pushed.error().api);
                return m_context->fail(pushed.error().message);
            }
            if (pushed->created)
                m_context->print(QStringLiteral("Template %1 has been created at %2!")
                                     .arg(pushed->created->name, CliFormat::timestamp()));
            else if (pushed->activated)
                m_context->print(QStringLiteral("Template %1 has been updated at %2!")
                                     .arg(m_templateName, CliFormat::timestamp()));
            else
                m_context->print(
                    QStringLiteral("Template %1 has a new version %2 (uploaded at %3, "
                                   "not active).")
                        .arg(m_templateName, pushed->version.name, CliFormat::timestamp()));
            m_context->finish(0);
        });
}

} // namespace coder::core::cli
