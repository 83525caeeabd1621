#pragma once

#include "core/workspace_types.h"

#include <QDateTime>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder list [-a] [--search Q] [-o table|json]`: the caller's workspaces (or everyone's).
class WorkspaceListCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit WorkspaceListCommand(std::shared_ptr<ClientContext> context);

    // The search sent as ?q=: "owner:me" unless all, then the user's own filter.
    static QString query(bool all, const QString &search);
    static QString renderTable(const QList<Workspace> &workspaces,
                               const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    void run();

    std::shared_ptr<ClientContext> m_context;
    std::string m_output = "table";
    std::string m_search;
    bool m_all = false;
};

} // namespace coder::core::cli
