#include "login_command.h"

#include "core/cli/client_context.h"
#include "core/cli/terminal_prompt.h"

#include <CLI/CLI.hpp>

namespace coder::core::cli {

namespace {

QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

void LoginCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<LoginCommand>(std::move(context));
    CLI::App *login = root.add_subcommand("login", "Authenticate with a Coder deployment");
    login->fallthrough();
    login->add_option("url", command->m_url, "Deployment URL (default: --url or the stored one)");
    login->add_option("--email", command->m_email, "Email of the account to log in with")
        ->envname("CODER_EMAIL");
    login->add_option("--password", command->m_password, "Password of the account")
        ->envname("CODER_PASSWORD");
    login
        ->add_option("--first-user-username", command->m_firstUserUsername,
                     "Username of the first user, when the deployment has none yet")
        ->envname("CODER_FIRST_USER_USERNAME");
    login->add_option("--first-user-email", command->m_firstUserEmail, "Email of the first user")
        ->envname("CODER_FIRST_USER_EMAIL");
    login
        ->add_option("--first-user-password", command->m_firstUserPassword,
                     "Password of the first user")
        ->envname("CODER_FIRST_USER_PASSWORD");
    login
        ->add_option("--first-user-full-name", command->m_firstUserFullName,
                     "Full name of the first user")
        ->envname("CODER_FIRST_USER_FULL_NAME");
    login->callback([command] { ClientContext::runOnEventLoop([command] { command->run(); }); });
}

LoginCommand::LoginCommand(std::shared_ptr<ClientContext> context) : m_context(std::move(context))
{}

void LoginCommand::run()
{
    QString urlText = fromStd(m_url);
    if (urlText.isEmpty())
        urlText = m_context->urlFlag();
    if (urlText.isEmpty()) {
        auto stored = m_context->config().url();
        if (!stored)
            return m_context->fail(stored.error());
        if (!stored.value())
            return m_context->fail(
                QStringLiteral("no deployment URL given: use 'coder login <url>'"));
        urlText = stored.value()->toString();
    }
    auto url = ClientConfig::normalizeUrl(urlText);
    if (!url)
        return m_context->fail(url.error());

    ApiClient *client = m_context->clientFor(url.value());
    client->hasFirstUser([this, client](Result<bool, ApiError> exists) {
        if (!exists)
            return m_context->fail(exists.error());
        if (!exists.value())
            return setUpFirstUser(client);

        // Scripts that set up a deployment pass the first-user flags on every run; once that
        // user exists, they log in as it.
        QString email = fromStd(m_email.empty() ? m_firstUserEmail : m_email);
        QString password = fromStd(m_password.empty() ? m_firstUserPassword : m_password);
        if (email.isEmpty() && password.isEmpty() && !m_context->tokenFlag().isEmpty())
            return logInWithToken(client, m_context->tokenFlag());
        if (email.isEmpty() || password.isEmpty()) {
            if (!TerminalPrompt::stdinIsTerminal())
                return m_context->fail(QStringLiteral(
                    "missing --email and --password (or --token), and stdin is not a terminal "
                    "to ask for them"));
            if (email.isEmpty()) {
                const auto answer = TerminalPrompt::ask(QStringLiteral("Email"));
                if (!answer || answer->isEmpty())
                    return m_context->fail(QStringLiteral("an email is required to log in"));
                email = *answer;
            }
            if (password.isEmpty()) {
                const auto answer = TerminalPrompt::askSecret(QStringLiteral("Password"));
                if (!answer || answer->isEmpty())
                    return m_context->fail(QStringLiteral("a password is required to log in"));
                password = *answer;
            }
        }
        logInWithPassword(client, email, password);
    });
}

void LoginCommand::setUpFirstUser(ApiClient *client)
{
    CreateFirstUserRequest request{fromStd(m_firstUserEmail), fromStd(m_firstUserUsername),
                                   fromStd(m_firstUserFullName), fromStd(m_firstUserPassword)};
    const bool interactive = TerminalPrompt::stdinIsTerminal();
    if (!interactive) {
        QStringList missing;
        if (request.username.isEmpty())
            missing.append(QStringLiteral("--first-user-username"));
        if (request.email.isEmpty())
            missing.append(QStringLiteral("--first-user-email"));
        if (request.password.isEmpty())
            missing.append(QStringLiteral("--first-user-password"));
        if (!missing.isEmpty())
            return m_context->fail(
                QStringLiteral("this deployment has no user yet; to create the first one, "
                               "pass %1 (stdin is not a terminal to ask for them)")
                    .arg(missing.join(QStringLiteral(", "))));
    } else {
        m_context->printError(
            QStringLiteral("Your Coder deployment has no user yet: let's create the first one."));
        if (request.username.isEmpty()) {
            const auto answer =
                TerminalPrompt::ask(QStringLiteral("Username"), qEnvironmentVariable("USER"));
            if (!answer || answer->isEmpty())
                return m_context->fail(QStringLiteral("a username is required"));
            request.username = *answer;
        }
        if (request.name.isEmpty()) {
            const auto answer = TerminalPrompt::ask(QStringLiteral("Full name (optional)"));
            if (!answer)
                return m_context->fail(QStringLiteral("input ended"));
            request.name = *answer;
        }
        if (request.email.isEmpty()) {
            const auto answer = TerminalPrompt::ask(QStringLiteral("Email"));
            if (!answer || answer->isEmpty())
                return m_context->fail(QStringLiteral("an email is required"));
            request.email = *answer;
        }
        if (request.password.isEmpty()) {
            const auto password = TerminalPrompt::askSecret(QStringLiteral("Password"));
            if (!password || password->isEmpty())
                return m_context->fail(QStringLiteral("a password is required"));
            const auto confirmation = TerminalPrompt::askSecret(QStringLiteral("Confirm password"));
            if (!confirmation || *confirmation != *password)
                return m_context->fail(QStringLiteral("the passwords do not match"));
            request.password = *password;
        }
    }
    client->createFirstUser(
        request, [this, client, request](Result<CreateFirstUserResponse, ApiError> created) {
            if (!created)
                return m_context->fail(created.error());
            logInWithPassword(client, request.email, request.password);
        });
}

void LoginCommand::logInWithPassword(ApiClient *client, const QString &email,
                                     const QString &password)
{
    client->login(email, password, [this, client](Result<QString, ApiError> token) {
        if (!token)
            return m_context->fail(token.error(), false);
        logInWithToken(client, token.value());
    });
}

void LoginCommand::logInWithToken(ApiClient *client, const QString &token)
{
    client->setSessionToken(token);
    client->user(QStringLiteral("me"), [this, client, token](Result<User, ApiError> me) {
        if (!me)
            return m_context->fail(me.error(), false);
        store(client->baseUrl(), token, me->username);
    });
}

void LoginCommand::store(const QUrl &url, const QString &token, const QString &username)
{
    if (auto saved = m_context->config().setUrl(url); !saved)
        return m_context->fail(QStringLiteral("cannot store the URL: %1").arg(saved.error()));
    SecretStore *secrets = m_context->secretStore();
    if (!secrets)
        return;
    secrets->write(
        ClientContext::sessionKey, token.toUtf8(),
        [this, username](Result<SecretStore::Location, QString> stored) {
            if (!stored)
                return m_context->fail(
                    QStringLiteral("cannot store the session token: %1").arg(stored.error()));
            m_context->print(
                QStringLiteral("Welcome to Coder, %1! You're authenticated.").arg(username));
            QString where = QStringLiteral("Session token stored in %1").arg(stored->description);
            if (!stored->fallbackReason.isEmpty())
                where += QStringLiteral(" (%1)").arg(stored->fallbackReason);
            m_context->print(where + u'.');
            m_context->finish(0);
        });
}

} // namespace coder::core::cli
