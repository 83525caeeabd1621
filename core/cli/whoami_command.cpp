#include "whoami_command.h"

#include "core/cli/client_context.h"

#include <CLI/CLI.hpp>

namespace coder::core::cli {

void WhoamiCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<WhoamiCommand>(std::move(context));
    CLI::App *whoami = root.add_subcommand("whoami", "Show which user you are logged in as");
    whoami->fallthrough();
    whoami->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

WhoamiCommand::WhoamiCommand(std::shared_ptr<ClientContext> context) : m_context(std::move(context))
{}

void WhoamiCommand::run()
{
    m_context->withClient([this](ApiClient *client) {
        client->user(QStringLiteral("me"), [this, client](Result<User, ApiError> me) {
            if (!me)
                return m_context->fail(me.error());
            m_context->print(
                QStringLiteral("Coder is running at %1, You're authenticated as %2 !")
                    .arg(client->baseUrl().toString(QUrl::RemoveUserInfo), me->username));
            m_context->finish(0);
        });
    });
}

} // namespace coder::core::cli
