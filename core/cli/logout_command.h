#pragma once

#include <QString>
#include <memory>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder logout`: ends the session on the server, then forgets the stored token and URL.
class LogoutCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit LogoutCommand(std::shared_ptr<ClientContext> context);

private:
    void run();
    void forgetLocally(const QString &serverError);

    std::shared_ptr<ClientContext> m_context;
    bool m_yes = false;
};

} // namespace coder::core::cli
