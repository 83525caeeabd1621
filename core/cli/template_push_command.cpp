#include "template_push_command.h"

#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/job_watcher.h"
#include "core/cli/templates_command.h"
#include "core/cli/terminal_prompt.h"
#include "core/template_archive.h"

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
    if (archive->size() > maxArchiveBytes)
        return m_context->fail(
            QStringLiteral("the archive of %1 is %2 MiB; coderd accepts at most %3 MiB")
                .arg(path)
                .arg(archive->size() / (1024.0 * 1024.0), 0, 'f', 1)
                .arg(maxArchiveBytes / (1024 * 1024)));

    m_context->withClient([this, archive = archive.value()](ApiClient *client) {
        client->templateByName(
            QString::fromStdString(m_organization), m_templateName,
            [this, client, archive](Result<Template, ApiError> found) {
                if (found)
                    return upload(client, archive, found.value());
                if (found.error().status != 404)
                    return m_context->fail(found.error());
                // Asked only after the import succeeded; without a terminal, fail before any
                // work is done.
                if (!m_yes && !TerminalPrompt::stdinIsTerminal())
                    return m_context->fail(
                        QStringLiteral("template %1 does not exist; pass --yes (-y) to create it "
                                       "(stdin is not a terminal to ask)")
                            .arg(m_templateName));
                upload(client, archive, std::nullopt);
            });
    });
}

void TemplatePushCommand::upload(ApiClient *client, const QByteArray &archive,
                                 std::optional<Template> existing)
{
    const qint64 size = archive.size();
    client->uploadFile(archive, [this, client, existing, size](Result<QUuid, ApiError> file) {
        if (!file)
            return m_context->fail(file.error());
        m_context->print(QStringLiteral("Uploaded the template archive (%1 KiB).")
                             .arg(size / 1024.0, 0, 'f', 1));
        CreateTemplateVersionRequest request;
        request.name = QString::fromStdString(m_versionName);
        request.message = QString::fromStdString(m_message);
        request.templateId = existing ? existing->id : QUuid();
        request.fileId = file.value();
        request.tags = m_tagValues;
        client->createTemplateVersion(
            QString::fromStdString(m_organization), request,
            [this, client, existing](Result<TemplateVersion, ApiError> version) {
                if (!version)
                    return m_context->fail(version.error());
                const QUuid versionId = version->id;
                auto fetch = [client, versionId](std::function<void(JobWatcher::JobResult)> done) {
                    client->templateVersion(versionId,
                                            [done](Result<TemplateVersion, ApiError> current) {
                                                if (!current)
                                                    return done(current.error());
                                                done(current->job);
                                            });
                };
                m_watcher = new JobWatcher(
                    client, ApiClient::templateVersionLogsPath(versionId), fetch,
                    [this](const QString &line) { m_context->print(line); },
                    [this](const QString &line) { m_context->printError(line); }, m_context.get());
                m_watcher->watch(version->job, [this, client, version = version.value(),
                                                existing](JobWatcher::JobResult job) {
                    if (!job)
                        return m_context->fail(job.error());
                    if (job->status != u"succeeded")
                        return m_context->fail(m_watcher->failureReport(
                            QStringLiteral("the import of template %1").arg(m_templateName),
                            job.value()));
                    imported(client, version, existing);
                });
            });
    });
}

void TemplatePushCommand::imported(ApiClient *client, const TemplateVersion &version,
                                   std::optional<Template> existing)
{
    if (existing) {
        if (!m_activate) {
            m_context->print(QStringLiteral("Template %1 has a new version %2 (uploaded at %3, "
                                            "not active).")
                                 .arg(m_templateName, version.name, CliFormat::timestamp()));
            return m_context->finish(0);
        }
        client->updateActiveVersion(existing->id, version.id, [this](Result<Ok, ApiError> done) {
            if (!done)
                return m_context->fail(done.error());
            m_context->print(QStringLiteral("Template %1 has been updated at %2!")
                                 .arg(m_templateName, CliFormat::timestamp()));
            m_context->finish(0);
        });
        return;
    }
    if (!m_context->confirm(QStringLiteral("Create template %1?").arg(m_templateName), m_yes))
        return;
    CreateTemplateRequest request;
    request.name = m_templateName;
    request.versionId = version.id;
    client->createTemplate(QString::fromStdString(m_organization), request,
                           [this](Result<Template, ApiError> created) {
                               if (!created)
                                   return m_context->fail(created.error());
                               m_context->print(
                                   QStringLiteral("Template %1 has been created at %2!")
                                       .arg(created->name, CliFormat::timestamp()));
                               m_context->finish(0);
                           });
}

} // namespace coder::core::cli
