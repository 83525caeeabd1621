#pragma once

#include "core/cli/workspace_runner.h"
#include "core/workspace_types.h"

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace coder::core {
class ApiClient;
}

namespace coder::core::cli {

class ClientContext;

// `coder create [OWNER/]NAME --template T [--parameter K=V]... [--start-at S] [--stop-after D]
// [-y]`: creates a workspace from a template's active version and shows its first build live.
class CreateCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit CreateCommand(std::shared_ptr<ClientContext> context);

private:
    void run();
    void withTemplate(ApiClient *client, const Template &chosen);

    std::shared_ptr<ClientContext> m_context;
    WorkspaceRunner m_runner;
    std::string m_name;
    std::string m_template;
    std::string m_organization = "default";
    std::vector<std::string> m_parameters;
    std::string m_startAt;
    std::string m_stopAfter;
    bool m_yes = false;
    QString m_owner;
    QString m_workspaceName;
    std::optional<QString> m_schedule;
    std::optional<qint64> m_ttlMs;
};

} // namespace coder::core::cli
