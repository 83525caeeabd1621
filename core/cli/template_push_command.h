#pragma once

#include "core/result.h"
#include "core/workspace_types.h"

#include <QByteArray>
#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace coder::core {
class ApiClient;
}

namespace coder::core::cli {

class ClientContext;

// `coder templates push [NAME]`: archives a template directory, uploads it, imports it as a new
// template version while showing the import's logs live, then creates the template (asking
// first unless --yes) or makes the version its active one.
class TemplatePushCommand
{
public:
    static void add(CLI::App &templates, std::shared_ptr<ClientContext> context);

    explicit TemplatePushCommand(std::shared_ptr<ClientContext> context);

private:
    void run();
    void push(ApiClient *client, const QByteArray &archive, std::optional<Template> existing);

    std::shared_ptr<ClientContext> m_context;
    std::string m_name;
    std::string m_directory = ".";
    std::string m_message;
    std::string m_versionName;
    std::string m_organization = "default";
    std::vector<std::string> m_tags;
    bool m_yes = false;
    bool m_activate = true;
    QString m_templateName;
    QMap<QString, QString> m_tagValues;
};

} // namespace coder::core::cli
