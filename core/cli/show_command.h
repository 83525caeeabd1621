#pragma once

#include "core/cli/workspace_runner.h"
#include "core/workspace_types.h"

#include <QDateTime>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder show [OWNER/]NAME [-o table|json]`: a workspace, its resources, agents and apps.
class ShowCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit ShowCommand(std::shared_ptr<ClientContext> context);

    static QString render(const Workspace &workspace,
                          const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    void run();

    std::shared_ptr<ClientContext> m_context;
    WorkspaceRunner m_runner;
    std::string m_name;
    std::string m_output = "table";
};

} // namespace coder::core::cli
