#pragma once

#include "core/api_types.h"

#include <QString>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace coder::core::cli {

class ClientContext;

// `coder users list|create|show|suspend|activate`.
class UsersCommand
{
public:
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit UsersCommand(std::shared_ptr<ClientContext> context);

    // The `-o table` renderings, public so they can be checked without a server.
    static QString renderTable(const QList<User> &users);
    static QString renderCard(const User &user);

private:
    void list();
    void create();
    void show();
    void setSuspended(bool suspended);

    std::shared_ptr<ClientContext> m_context;
    std::string m_output = "table";
    std::string m_search;
    std::string m_email;
    std::string m_username;
    std::string m_fullName;
    std::string m_password;
    std::string m_user;
};

} // namespace coder::core::cli
