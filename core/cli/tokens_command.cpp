#include "tokens_command.h"

#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/table_writer.h"
#include "core/duration.h"

#include <CLI/CLI.hpp>
#include <QJsonArray>
#include <QJsonDocument>

namespace coder::core::cli {

namespace {

const QString me = QStringLiteral("me");

QString displayTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QStringLiteral("never");
}

} // namespace

void TokensCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<TokensCommand>(std::move(context));
    CLI::App *tokens = root.add_subcommand("tokens", "Manage personal access tokens");
    tokens->fallthrough();
    tokens->require_subcommand(1);

    CLI::App *create = tokens->add_subcommand("create", "Create a token; prints only the key");
    create->fallthrough();
    create->add_option("-n,--name", command->m_name, "Name of the token (default: generated)");
    create->add_option("--lifetime", command->m_lifetime, "How long the token is valid")
        ->capture_default_str();
    create->callback(
        [command] { ClientContext::runOnEventLoop([command] { command->create(); }); });

    CLI::App *list = tokens->add_subcommand("list", "List your tokens")->alias("ls");
    list->fallthrough();
    list->add_option("-o,--output", command->m_output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    list->callback([command] { ClientContext::runOnEventLoop([command] { command->list(); }); });

    CLI::App *remove = tokens->add_subcommand("remove", "Delete a token")->alias("rm");
    remove->fallthrough();
    remove->add_option("token", command->m_token, "Name or id of the token")->required();
    remove->callback(
        [command] { ClientContext::runOnEventLoop([command] { command->remove(); }); });
}

TokensCommand::TokensCommand(std::shared_ptr<ClientContext> context) : m_context(std::move(context))
{}

QString TokensCommand::renderTable(const QList<ApiKey> &keys)
{
    TableWriter table({QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("last used"),
                       QStringLiteral("expires at"), QStringLiteral("created at")});
    for (const auto &key : keys)
        table.addRow({key.id, key.tokenName, displayTime(key.lastUsed), displayTime(key.expiresAt),
                      displayTime(key.createdAt)});
    return table.render();
}

void TokensCommand::create()
{
    const auto lifetime =
        duration::parseNanoseconds(QString::fromStdString(m_lifetime), duration::Days::Allowed);
    if (!lifetime)
        return m_context->fail(lifetime.error());
    m_context->withClient([this, lifetime = lifetime.value()](ApiClient *client) {
        CreateTokenRequest request;
        request.tokenName = QString::fromStdString(m_name);
        request.lifetimeNanoseconds = lifetime;
        client->createToken(me, request, [this](Result<QString, ApiError> key) {
            if (!key)
                return m_context->fail(key.error());
            m_context->print(key.value());
            m_context->finish(0);
        });
    });
}

void TokensCommand::list()
{
    m_context->withClient([this](ApiClient *client) {
        client->apiKeys(me, [this](Result<QList<ApiKey>, ApiError> keys) {
            if (!keys)
                return m_context->fail(keys.error());
            if (m_output == "json") {
                m_context->print(prettyJson(keys.value()));
            } else {
                m_context->print(renderTable(keys.value()));
            }
            m_context->finish(0);
        });
    });
}

void TokensCommand::remove()
{
    m_context->withClient([this](ApiClient *client) {
        client->apiKeys(me, [this, client](Result<QList<ApiKey>, ApiError> keys) {
            if (!keys)
                return m_context->fail(keys.error());
            const QString wanted = QString::fromStdString(m_token);
            // A name is what users remember; an id is what `tokens list` shows first.
            const ApiKey *found = nullptr;
            for (const auto &key : keys.value())
                if (key.tokenName == wanted)
                    found = &key;
            for (const auto &key : keys.value())
                if (!found && key.id == wanted)
                    found = &key;
            if (!found)
                return m_context->fail(
                    QStringLiteral("no token named or with id \"%1\"").arg(wanted));
            client->deleteApiKey(me, found->id, [this](Result<Ok, ApiError> deleted) {
                if (!deleted)
                    return m_context->fail(deleted.error());
                m_context->print(QStringLiteral("Token has been deleted."));
                m_context->finish(0);
            });
        });
    });
}

} // namespace coder::core::cli
