#include "users_command.h"

#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/table_writer.h"

#include <CLI/CLI.hpp>
#include <QJsonArray>
#include <QJsonDocument>

namespace coder::core::cli {

namespace {

QString displayTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QStringLiteral("never");
}

QString roleNames(const User &user)
{
    QStringList names;
    for (const auto &role : user.roles)
        names.append(role.displayName.isEmpty() ? role.name : role.displayName);
    return names.isEmpty() ? QStringLiteral("(none)") : names.join(QStringLiteral(", "));
}

void addOutputOption(CLI::App *command, std::string &output)
{
    command->add_option("-o,--output", output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
}

} // namespace

void UsersCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<UsersCommand>(std::move(context));
    CLI::App *users = root.add_subcommand("users", "Manage users");
    users->fallthrough();
    users->require_subcommand(1);
    auto schedule = [command](void (UsersCommand::*body)()) {
        return [command, body] {
            ClientContext::runOnEventLoop([command, body] { (*command.*body)(); });
        };
    };

    CLI::App *list = users->add_subcommand("list", "List users")->alias("ls");
    list->fallthrough();
    addOutputOption(list, command->m_output);
    list->add_option("--search", command->m_search, "Filter users (username, email, status:...)");
    list->callback(schedule(&UsersCommand::list));

    CLI::App *create = users->add_subcommand("create", "Create a user with a password");
    create->fallthrough();
    create->add_option("-e,--email", command->m_email, "Email of the new user")->required();
    create->add_option("-u,--username", command->m_username, "Username of the new user")
        ->required();
    create->add_option("-n,--full-name", command->m_fullName, "Full name of the new user");
    create->add_option("-p,--password", command->m_password, "Password of the new user")
        ->required();
    create->callback(schedule(&UsersCommand::create));

    CLI::App *show = users->add_subcommand("show", "Show a user (\"me\" for yourself)");
    show->fallthrough();
    show->add_option("user", command->m_user, "Username, id or \"me\"")->required();
    addOutputOption(show, command->m_output);
    show->callback(schedule(&UsersCommand::show));

    CLI::App *suspend =
        users->add_subcommand("suspend", "Suspend a user: they can no longer log in");
    suspend->fallthrough();
    suspend->add_option("user", command->m_user, "Username or id")->required();
    suspend->callback(
        [command] { ClientContext::runOnEventLoop([command] { command->setSuspended(true); }); });

    CLI::App *activate = users->add_subcommand("activate", "Activate a suspended user");
    activate->fallthrough();
    activate->add_option("user", command->m_user, "Username or id")->required();
    activate->callback(
        [command] { ClientContext::runOnEventLoop([command] { command->setSuspended(false); }); });
}

UsersCommand::UsersCommand(std::shared_ptr<ClientContext> context) : m_context(std::move(context))
{}

QString UsersCommand::renderTable(const QList<User> &users)
{
    TableWriter table({QStringLiteral("username"), QStringLiteral("email"),
                       QStringLiteral("created at"), QStringLiteral("status")});
    for (const auto &user : users)
        table.addRow({user.username, user.email, displayTime(user.createdAt), user.status});
    return table.render();
}

QString UsersCommand::renderCard(const User &user)
{
    TableWriter card({QStringLiteral("field"), QStringLiteral("value")});
    card.addRow({QStringLiteral("Username"), user.username});
    card.addRow({QStringLiteral("Name"), user.name});
    card.addRow({QStringLiteral("Email"), user.email});
    card.addRow({QStringLiteral("ID"), idText(user.id)});
    card.addRow({QStringLiteral("Status"), user.status});
    card.addRow({QStringLiteral("Roles"), roleNames(user)});
    card.addRow({QStringLiteral("Created at"), displayTime(user.createdAt)});
    card.addRow({QStringLiteral("Last seen at"), displayTime(user.lastSeenAt)});
    // The header row is noise for a single record.
    const QString rendered = card.render();
    return rendered.mid(rendered.indexOf(u'\n') + 1);
}

void UsersCommand::list()
{
    m_context->withClient([this](ApiClient *client) {
        client->allUsers(QString::fromStdString(m_search),
                         [this](Result<QList<User>, ApiError> users) {
                             if (!users)
                                 return m_context->fail(users.error());
                             if (m_output == "json") {
                                 m_context->print(prettyJson(users.value()));
                             } else {
                                 m_context->print(renderTable(users.value()));
                             }
                             m_context->finish(0);
                         });
    });
}

void UsersCommand::create()
{
    m_context->withClient([this](ApiClient *client) {
        const CreateUserRequest request{
            QString::fromStdString(m_email), QString::fromStdString(m_username),
            QString::fromStdString(m_fullName), QString::fromStdString(m_password)};
        client->createUser(request, [this](Result<User, ApiError> user) {
            if (!user)
                return m_context->fail(user.error());
            m_context->print(QStringLiteral("Created user %1 (%2), id %3.")
                                 .arg(user->username, user->email, idText(user->id)));
            m_context->finish(0);
        });
    });
}

void UsersCommand::show()
{
    m_context->withClient([this](ApiClient *client) {
        client->user(QString::fromStdString(m_user), [this](Result<User, ApiError> user) {
            if (!user)
                return m_context->fail(user.error());
            if (m_output == "json")
                m_context->print(prettyJson(user.value()));
            else
                m_context->print(renderCard(user.value()));
            m_context->finish(0);
        });
    });
}

void UsersCommand::setSuspended(bool suspended)
{
    m_context->withClient([this, suspended](ApiClient *client) {
        client->setUserSuspended(
            QString::fromStdString(m_user), suspended,
            [this, suspended](Result<User, ApiError> user) {
                if (!user)
                    return m_context->fail(user.error());
                m_context->print(QStringLiteral("User %1 has been %2!")
                                     .arg(user->username, suspended ? QStringLiteral("suspended")
                                                                    : QStringLiteral("activated")));
                m_context->finish(0);
            });
    });
}

} // namespace coder::core::cli
