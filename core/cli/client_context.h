#pragma once

#include "core/api_client.h"
#include "core/api_error.h"
#include "core/client_config.h"
#include "core/secret_store.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace coder::core::cli {

// What every client command shares: the global flags (--url, --token), the config directory,
// the secret store holding the session token, an ApiClient, output and the way a command
// ends (QCoreApplication::exit with its code once its last callback ran).
class ClientContext : public QObject
{
    Q_OBJECT

public:
    static const QString sessionKey;
    static const QString loginHint;

    explicit ClientContext(QObject *parent = nullptr);
    ~ClientContext() override;

    // --url (CODER_URL) and --token (CODER_SESSION_TOKEN) on the root command.
    void addGlobalOptions(CLI::App &root);
    QString urlFlag() const { return QString::fromStdString(m_url); }
    QString tokenFlag() const { return QString::fromStdString(m_token); }

    ClientConfig config() const;
    // Created on first use with the mode CODER_SECRET_STORE asks for; nullptr (after
    // printing why and exiting) when that variable is invalid.
    SecretStore *secretStore();

    // Resolves URL and token (flags first, then the stored ones) and hands over a client
    // ready to call; when not logged in, prints the login hint and exits 1.
    void withClient(std::function<void(ApiClient *)> ready);
    // A client without a token, for login.
    ApiClient *clientFor(const QUrl &url);

    void print(const QString &text);      // stdout, with a newline
    void printError(const QString &text); // stderr, with a newline

    // Prints the server's message, its detail and validations to stderr, adds the login hint
    // on 401 (unless the command is the login itself), then exits 1.
    void fail(const ApiError &error, bool withLoginHint = true);
    void fail(const QString &message);
    // "You are not logged in. Try logging in using 'coder login <url>'.", exit 1.
    void failNotLoggedIn();
    void finish(int code = 0);
    // True when `yes` (the command's --yes) or when the user answers yes on the terminal;
    // otherwise prints why (canceled, or no terminal to ask: pass --yes), exits 1 and is false.
    bool confirm(const QString &question, bool yes);

    // Runs a command body on the event loop until it calls finish(); then ends the CLI11
    // parse with that exit code (a silent CLI::RuntimeError, as `coder server` does).
    [[noreturn]] static void runOnEventLoop(std::function<void()> body);

private:
    std::string m_url;
    std::string m_token;
    SecretStore *m_secretStore = nullptr;
    ApiClient *m_client = nullptr;
};

} // namespace coder::core::cli
