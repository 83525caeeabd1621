#pragma once

#include "core/api_client.h"

#include <QString>
#include <QUrl>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder login [URL]`: creates the first user when the deployment has none, else logs in
// with email and password (or verifies --token), then stores the URL in the client config
// and the session token in the secret store.
class LoginCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit LoginCommand(std::shared_ptr<ClientContext> context);

private:
    void run();
    void setUpFirstUser(ApiClient *client);
    void logInWithPassword(ApiClient *client, const QString &email, const QString &password);
    void logInWithToken(ApiClient *client, const QString &token);
    void store(const QUrl &url, const QString &token, const QString &username);

    std::shared_ptr<ClientContext> m_context;
    std::string m_url;
    std::string m_email;
    std::string m_password;
    std::string m_firstUserUsername;
    std::string m_firstUserEmail;
    std::string m_firstUserPassword;
    std::string m_firstUserFullName;
};

} // namespace coder::core::cli
