#pragma once

#include "core/workspace_types.h"

#include <QString>
#include <memory>
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

// `coder templates init|list|versions list|delete` (and `push`, see TemplatePushCommand).
class TemplatesCommand
{
public:
    // Adds the `templates` command.
    static void add(CLI::App &root, std::shared_ptr<ClientContext> context);

    explicit TemplatesCommand(std::shared_ptr<ClientContext> context);

    // -o table renderings (public so they can be checked without a server).
    static QString renderTemplates(const QList<Template> &templates,
                                   const QDateTime &now = QDateTime::currentDateTimeUtc());
    static QString renderVersions(const QList<TemplateVersion> &versions,
                                  const QUuid &activeVersionId);

    // Adds -O/--org (CODER_ORGANIZATION, default "default") to a command.
    static void addOrganizationOption(CLI::App *command, std::string &organization);

private:
    void init();
    void list();
    void listVersions();
    void remove();
    void removeNext(ApiClient *client, std::shared_ptr<QList<Template>> remaining);

    std::shared_ptr<ClientContext> m_context;
    std::string m_output = "table";
    std::string m_organization = "default";
    std::string m_directory;
    std::string m_exampleId;
    std::string m_template;
    std::vector<std::string> m_names;
    bool m_yes = false;
};

} // namespace coder::core::cli
