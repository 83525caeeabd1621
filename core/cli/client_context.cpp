#include "client_context.h"

#include "core/cli/terminal_prompt.h"

#include <CLI/CLI.hpp>
#include <QCoreApplication>
#include <QDir>
#include <QTimer>
#include <cstdio>

namespace coder::core::cli {

const QString ClientContext::sessionKey = QStringLiteral("session");
const QString ClientContext::loginHint =
    QStringLiteral("Try logging in using 'coder login <url>'.");

ClientContext::ClientContext(QObject *parent) : QObject(parent) {}

ClientContext::~ClientContext() = default;

void ClientContext::addGlobalOptions(CLI::App &root)
{
    root.add_option("--url", m_url, "URL to a deployment (overrides the stored one)")
        ->envname("CODER_URL");
    root.add_option("--token", m_token, "Session token (overrides the stored one)")
        ->envname("CODER_SESSION_TOKEN");
}

ClientConfig ClientContext::config() const
{
    return ClientConfig(ClientConfig::defaultDirectory());
}

SecretStore *ClientContext::secretStore()
{
    if (m_secretStore)
        return m_secretStore;
    const auto mode = SecretStore::modeFromEnvironment();
    if (!mode) {
        fail(mode.error());
        return nullptr;
    }
    SecretStore::Options options;
    const QString directory = config().directory();
    // One keychain entry per config directory, as the file backend has one file per directory.
    options.service = QStringLiteral("coder:%1").arg(QDir(directory).absolutePath());
    options.fileDirectory = directory;
    options.mode = mode.value();
    m_secretStore = new SecretStore(options, this);
    return m_secretStore;
}

void ClientContext::withClient(std::function<void(ApiClient *)> ready)
{
    QUrl url;
    if (!urlFlag().isEmpty()) {
        auto parsed = ClientConfig::normalizeUrl(urlFlag());
        if (!parsed)
            return fail(parsed.error());
        url = parsed.value();
    } else {
        auto stored = config().url();
        if (!stored)
            return fail(stored.error());
        if (!stored.value())
            return failNotLoggedIn();
        url = *stored.value();
    }
    if (!tokenFlag().isEmpty()) {
        ApiClient *client = clientFor(url);
        client->setSessionToken(tokenFlag());
        return ready(client);
    }
    SecretStore *store = secretStore();
    if (!store)
        return;
    store->read(sessionKey, [this, url, ready](Result<std::optional<QByteArray>, QString> token) {
        if (!token)
            return fail(QStringLiteral("cannot read the session token: %1").arg(token.error()));
        if (!token.value() || token.value()->trimmed().isEmpty())
            return failNotLoggedIn();
        ApiClient *client = clientFor(url);
        client->setSessionToken(QString::fromUtf8(token.value()->trimmed()));
        ready(client);
    });
}

ApiClient *ClientContext::clientFor(const QUrl &url)
{
    if (m_client && m_client->baseUrl() == url)
        return m_client;
    if (m_client)
        m_client->deleteLater();
    m_client = new ApiClient(url, this);
    return m_client;
}

void ClientContext::print(const QString &text)
{
    std::fputs((text + u'\n').toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void ClientContext::printError(const QString &text)
{
    std::fputs((text + u'\n').toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

void ClientContext::fail(const ApiError &error, bool withLoginHint)
{
    printError(QStringLiteral("error: ") + error.message);
    if (!error.detail.isEmpty())
        printError(error.detail);
    for (const auto &validation : error.validations)
        printError(QStringLiteral("  %1: %2").arg(validation.field, validation.detail));
    if (error.status == 401 && withLoginHint) {
        QString hint = loginHint;
        if (m_client)
            hint.replace(QStringLiteral("<url>"),
                         m_client->baseUrl().toString(QUrl::RemoveUserInfo));
        printError(hint);
    }
    finish(1);
}

void ClientContext::fail(const QString &message)
{
    printError(QStringLiteral("error: ") + message);
    finish(1);
}

void ClientContext::failNotLoggedIn()
{
    printError(QStringLiteral("You are not logged in. ") + loginHint);
    finish(1);
}

void ClientContext::finish(int code)
{
    std::fflush(stdout);
    std::fflush(stderr);
    QCoreApplication::exit(code);
}

bool ClientContext::confirm(const QString &question, bool yes)
{
    if (yes)
        return true;
    if (!TerminalPrompt::stdinIsTerminal()) {
        fail(QStringLiteral("\"%1\" needs an answer, but stdin is not a terminal: pass --yes (-y) "
                            "to confirm")
                 .arg(question));
        return false;
    }
    if (TerminalPrompt::confirm(question))
        return true;
    fail(QStringLiteral("canceled"));
    return false;
}

void ClientContext::runOnEventLoop(std::function<void()> body)
{
    QTimer::singleShot(0, QCoreApplication::instance(), std::move(body));
    throw CLI::RuntimeError(QCoreApplication::exec());
}

} // namespace coder::core::cli
