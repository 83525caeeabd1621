#include "template_pusher.h"

#include "core/api_client.h"
#include "core/job_watcher.h"

namespace coder::core {

TemplatePusher::TemplatePusher(ApiClient *client, Options options, JobLogPrinter::Writer output,
                               std::function<void(const QString &)> warn, QObject *parent)
    : QObject(parent), m_client(client), m_options(std::move(options)), m_output(std::move(output)),
      m_warn(std::move(warn))
{}

void TemplatePusher::push(const QByteArray &archive, Done done)
{
    m_client->templateByName(
        m_options.organization, m_options.name,
        [this, archive, done = std::move(done)](Result<Template, ApiError> found) mutable {
            if (!found && found.error().status != 404) {
                m_done = std::move(done);
                return fail(found.error());
            }
            push(archive, found ? std::optional(found.value()) : std::nullopt, std::move(done));
        });
}

void TemplatePusher::push(const QByteArray &archive, std::optional<Template> existing, Done done)
{
    m_done = std::move(done);
    if (archive.size() > maxArchiveBytes) {
        Failure failure;
        failure.message = tr("the template's archive is %1 MiB; coderd accepts at most %2 MiB")
                              .arg(double(archive.size()) / (1024.0 * 1024.0), 0, 'f', 1)
                              .arg(maxArchiveBytes / (1024 * 1024));
        return finish(failure);
    }
    upload(archive, std::move(existing));
}

void TemplatePusher::fail(const ApiError &error)
{
    Failure failure;
    failure.api = error;
    failure.message = error.describe();
    finish(failure);
}

void TemplatePusher::finish(Result<Pushed, Failure> result)
{
    if (!m_done)
        return;
    Done done = std::exchange(m_done, {});
    done(std::move(result));
}

void TemplatePusher::upload(const QByteArray &archive, std::optional<Template> existing)
{
    const qint64 size = archive.size();
    m_client->uploadFile(archive, [this, existing, size](Result<QUuid, ApiError> file) {
        if (!file)
            return fail(file.error());
        m_output(
            tr("Uploaded the template archive (%1 KiB).").arg(double(size) / 1024.0, 0, 'f', 1));
        CreateTemplateVersionRequest request;
        request.name = m_options.versionName;
        request.message = m_options.message;
        request.templateId = existing ? existing->id : QUuid();
        request.fileId = file.value();
        request.tags = m_options.tags;
        m_client->createTemplateVersion(
            m_options.organization, request,
            [this, existing](Result<TemplateVersion, ApiError> version) {
                if (!version)
                    return fail(version.error());
                const QUuid versionId = version->id;
                auto fetch = [client = m_client,
                              versionId](std::function<void(JobWatcher::JobResult)> done) {
                    if (!client)
                        return;
                    client->templateVersion(versionId,
                                            [done](Result<TemplateVersion, ApiError> current) {
                                                if (!current)
                                                    return done(current.error());
                                                done(current->job);
                                            });
                };
                m_watcher = new JobWatcher(m_client, ApiClient::templateVersionLogsPath(versionId),
                                           fetch, m_output, m_warn, this);
                m_watcher->watch(version->job, [this, version = version.value(),
                                                existing](JobWatcher::JobResult job) {
                    if (!job)
                        return fail(job.error());
                    if (job->status != u"succeeded") {
                        Failure failure;
                        failure.message = m_watcher->failureReport(
                            tr("the import of template %1").arg(m_options.name), job.value());
                        return finish(failure);
                    }
                    imported(version, existing);
                });
            });
    });
}

void TemplatePusher::imported(const TemplateVersion &version, std::optional<Template> existing)
{
    if (existing) {
        if (!m_options.activate)
            return finish(Pushed{version, std::nullopt, false});
        m_client->updateActiveVersion(existing->id, version.id,
                                      [this, version](Result<Ok, ApiError> done) {
                                          if (!done)
                                              return fail(done.error());
                                          finish(Pushed{version, std::nullopt, true});
                                      });
        return;
    }
    if (m_options.confirmCreate && !m_options.confirmCreate(m_options.name)) {
        Failure declined;
        declined.declined = true;
        return finish(declined);
    }
    CreateTemplateRequest request;
    request.name = m_options.name;
    request.versionId = version.id;
    m_client->createTemplate(m_options.organization, request,
                             [this, version](Result<Template, ApiError> created) {
                                 if (!created)
                                     return fail(created.error());
                                 finish(Pushed{version, created.value(), true});
                             });
}

} // namespace coder::core

#include "moc_template_pusher.cpp"
