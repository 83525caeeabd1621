#pragma once

#include "core/workspace_types.h"

#include <QString>
#include <functional>
#include <memory>

namespace coder::core {
class ApiClient;
}

namespace coder::core::cli {

class ClientContext;

// What the workspace commands share: finding a workspace by "name" or "owner/name", and
// running a build (start, stop, delete) while showing its logs live. Failures are printed
// through the context, which ends the command with exit code 1; `next` runs only on success.
class WorkspaceRunner
{
public:
    explicit WorkspaceRunner(std::shared_ptr<ClientContext> context);

    void find(ApiClient *client, const QString &name, std::function<void(Workspace)> next);
    // Starts a build of `transition` (the workspace's current template version) and follows it.
    void build(ApiClient *client, const Workspace &workspace, const QString &transition,
               std::function<void(WorkspaceBuild)> next);
    // Follows a build that was already started; `next` gets the finished build.
    void follow(ApiClient *client, const WorkspaceBuild &build,
                std::function<void(WorkspaceBuild)> next);

private:
    std::shared_ptr<ClientContext> m_context;
};

} // namespace coder::core::cli
