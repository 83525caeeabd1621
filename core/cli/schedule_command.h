#pragma once

#include "core/cli/workspace_runner.h"
#include "core/workspace_types.h"

#include <QDateTime>
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

// `coder schedule show|start|stop|extend`: when a workspace starts and stops by itself.
//   start NAME "9:30AM Mon-Fri Europe/Paris" | manual    (autostart schedule)
//   stop NAME 8h | manual                                 (stop this long after a start)
//   extend NAME 2h                                        (the running build stops 2h from now)
class ScheduleCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit ScheduleCommand(std::shared_ptr<ClientContext> context);

    static QString renderTable(const Workspace &workspace,
                               const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    void show();
    void setStart();
    void setStop();
    void extend();
    // Prints the schedule as it is now on the server, then ends the command.
    void showAfterChange(ApiClient *client, const QUuid &workspaceId);

    std::shared_ptr<ClientContext> m_context;
    WorkspaceRunner m_runner;
    std::string m_name;
    std::vector<std::string> m_words;
    std::string m_output = "table";
};

} // namespace coder::core::cli
