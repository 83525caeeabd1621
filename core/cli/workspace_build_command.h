#pragma once

#include "core/cli/workspace_runner.h"

#include <QString>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace coder::core {
class ApiClient;
}

namespace coder::core::cli {

class ClientContext;

// `coder start|stop|restart|delete [OWNER/]NAME [-y]`: one build (two for restart: stop, then
// start) with its logs shown live; exit code 1 when a build fails. Only delete asks for
// confirmation (on a terminal, unless --yes); the others accept -y for scripts written for Coder.
class WorkspaceBuildCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    WorkspaceBuildCommand(std::shared_ptr<ClientContext> context, QString action);

private:
    void run();
    void start(ApiClient *client, const Workspace &workspace, const QString &done);
    void stop(ApiClient *client, const Workspace &workspace, std::function<void()> next);

    std::shared_ptr<ClientContext> m_context;
    WorkspaceRunner m_runner;
    QString m_action;
    std::string m_name;
    bool m_yes = false;
};

} // namespace coder::core::cli
