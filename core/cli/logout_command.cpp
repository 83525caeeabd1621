#include "logout_command.h"

#include "core/cli/client_context.h"
#include "core/cli/terminal_prompt.h"

#include <CLI/CLI.hpp>

namespace coder::core::cli {

void LogoutCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<LogoutCommand>(std::move(context));
    CLI::App *logout = root.add_subcommand("logout", "Unauthenticate your local session");
    logout->fallthrough();
    logout->add_flag("-y,--yes", command->m_yes, "Do not ask for confirmation");
    logout->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

LogoutCommand::LogoutCommand(std::shared_ptr<ClientContext> context) : m_context(std::move(context))
{}

void LogoutCommand::run()
{
    if (!m_yes && TerminalPrompt::stdinIsTerminal() &&
        !TerminalPrompt::confirm(QStringLiteral("Are you sure you want to log out?"))) {
        m_context->printError(QStringLiteral("Log out canceled."));
        return m_context->finish(1);
    }
    m_context->withClient([this](ApiClient *client) {
        client->logout([this](Result<Ok, ApiError> result) {
            // A session the server already forgot (401) is as good as ended.
            if (!result && result.error().status != 401)
                return forgetLocally(result.error().message);
            forgetLocally({});
        });
    });
}

void LogoutCommand::forgetLocally(const QString &serverError)
{
    SecretStore *secrets = m_context->secretStore();
    if (!secrets)
        return;
    secrets->remove(ClientContext::sessionKey, [this, serverError](Result<Ok, QString> removed) {
        QStringList errors;
        if (!serverError.isEmpty())
            errors.append(QStringLiteral("cannot end the session on the server: ") + serverError);
        if (!removed)
            errors.append(QStringLiteral("cannot remove the session token: ") + removed.error());
        if (auto url = m_context->config().removeUrl(); !url)
            errors.append(QStringLiteral("cannot remove the stored URL: ") + url.error());
        if (!errors.isEmpty())
            return m_context->fail(errors.join(u'\n'));
        m_context->print(QStringLiteral(
            "You are no longer logged in. You can log in using 'coder login <url>'."));
        m_context->finish(0);
    });
}

} // namespace coder::core::cli
