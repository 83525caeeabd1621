#pragma once

#include <memory>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder whoami`: which deployment and which user the stored (or given) session belongs to.
class WhoamiCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit WhoamiCommand(std::shared_ptr<ClientContext> context);

private:
    void run();

    std::shared_ptr<ClientContext> m_context;
};

} // namespace coder::core::cli
