#pragma once

#include "core/api_types.h"
#include "core/result.h"

#include <QString>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder tokens create|list|remove`: long-lived API tokens of the logged-in user.
class TokensCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit TokensCommand(std::shared_ptr<ClientContext> context);

    static QString renderTable(const QList<ApiKey> &keys);

private:
    void create();
    void list();
    void remove();

    std::shared_ptr<ClientContext> m_context;
    std::string m_output = "table";
    std::string m_name;
    std::string m_lifetime = "720h";
    std::string m_token;
};

} // namespace coder::core::cli
