#include "workspace_runner.h"

#include "core/api_client.h"
#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/job_watcher.h"

namespace coder::core::cli {

namespace {

QString describe(const QString &transition)
{
    if (transition == u"start")
        return QStringLiteral("starting");
    if (transition == u"stop")
        return QStringLiteral("stopping");
    if (transition == u"delete")
        return QStringLiteral("deleting");
    return transition;
}

} // namespace

WorkspaceRunner::WorkspaceRunner(std::shared_ptr<ClientContext> context)
    : m_context(std::move(context))
{}

void WorkspaceRunner::find(ApiClient *client, const QString &name,
                           std::function<void(Workspace)> next)
{
    const auto parts = CliFormat::workspaceName(name);
    if (!parts)
        return m_context->fail(parts.error());
    const auto [owner, workspaceName] = parts.value();
    client->workspaceByOwnerAndName(
        owner, workspaceName,
        [this, name, next = std::move(next)](Result<Workspace, ApiError> workspace) {
            if (workspace)
                return next(workspace.value());
            if (workspace.error().status == 404)
                return m_context->fail(
                    QStringLiteral("workspace \"%1\" does not exist (see: coder list)").arg(name));
            m_context->fail(workspace.error());
        });
}

void WorkspaceRunner::build(ApiClient *client, const Workspace &workspace,
                            const QString &transition, std::function<void(WorkspaceBuild)> next)
{
    CreateWorkspaceBuildRequest request;
    request.transition = transition;
    client->createWorkspaceBuild(
        workspace.id, request,
        [this, client, next = std::move(next)](Result<WorkspaceBuild, ApiError> build) {
            if (!build)
                return m_context->fail(build.error());
            follow(client, build.value(), next);
        });
}

void WorkspaceRunner::follow(ApiClient *client, const WorkspaceBuild &build,
                             std::function<void(WorkspaceBuild)> next)
{
    const QUuid buildId = build.id;
    auto fetch = [client, buildId](std::function<void(JobWatcher::JobResult)> done) {
        client->workspaceBuild(buildId, [done](Result<WorkspaceBuild, ApiError> current) {
            if (!current)
                return done(current.error());
            done(current->job);
        });
    };
    auto *watcher = new JobWatcher(
        client, ApiClient::workspaceBuildLogsPath(buildId), fetch,
        [this](const QString &line) { m_context->print(line); },
        [this](const QString &line) { m_context->printError(line); }, m_context.get());
    const QString what =
        QStringLiteral("%1 workspace %2/%3")
            .arg(describe(build.transition), build.workspaceOwnerName, build.workspaceName);
    watcher->watch(build.job, [this, client, watcher, buildId, what,
                               next = std::move(next)](JobWatcher::JobResult job) {
        if (!job)
            return m_context->fail(job.error());
        if (job->status != u"succeeded")
            return m_context->fail(watcher->failureReport(what, job.value()));
        client->workspaceBuild(buildId, [this, next](Result<WorkspaceBuild, ApiError> finished) {
            if (!finished)
                return m_context->fail(finished.error());
            next(finished.value());
        });
    });
}

} // namespace coder::core::cli
