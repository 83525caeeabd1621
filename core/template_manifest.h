#pragma once

#include "core/result.h"
#include "core/workspace_types.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace coder::core {

// The project's template format (resources/templates/README.md): a `template.json` manifest at
// the root of the template archive, and an optional README.md. In core, so that coderd, the
// provisioners, the CLI and the desktop read templates with one implementation. A parameter is
// the API's TemplateVersionParameter (required: it has no default); its rules are in
// template_parameters.h.

struct TemplateAppHealthcheck
{
    QString url;
    int intervalSeconds = 5;
    int threshold = 6;
};

struct TemplateApp
{
    QString slug; // [a-z0-9-], unique within the agent
    QString displayName;
    QString icon;
    QString url;     // http://localhost:PORT/... inside the workspace; or
    QString command; // a command run in a terminal
    QString sharingLevel = QStringLiteral("owner"); // owner | authenticated | public
    bool subdomain = false;
    std::optional<TemplateAppHealthcheck> healthcheck;
};

// A value the agent measures on an interval (CPU, memory, disk...) and coderd shows with the
// agent: the script's output, trimmed.
struct TemplateAgentMetadata
{
    QString key; // [a-z0-9_-], unique within the agent
    QString displayName;
    QString script;
    int intervalSeconds = 10;
    int timeoutSeconds = 5;
};

struct TemplateAgent
{
    QString name = QStringLiteral("main");
    QString os = QStringLiteral("linux");
    QString arch; // empty: the provisioner's machine's
    QString directory;
    QMap<QString, QString> env;
    QStringList command; // how the provisioner starts the agent (argv); empty: the coder agent
    QString startupScript;
    int startupScriptTimeoutSeconds = 300;
    QString shutdownScript; // run when the workspace stops, before the agent ends
    int shutdownScriptTimeoutSeconds = 300;
    // How long the agent may take to connect before it shows "timeout" (Coder's default); 0: never.
    int connectionTimeoutSeconds = 120;
    QList<TemplateAgentMetadata> metadata;
    QList<TemplateApp> apps;

    // As template.json writes it; fromJson is the manifest's own reader (every problem named).
    QJsonObject toJson() const;
    static Result<TemplateAgent, QString> fromJson(const QJsonObject &json);
};

struct TemplateResource
{
    QString name;
    // process provisioner: "home_directory" (persistent), "process" (ephemeral, runs agents)
    // docker provisioner:  "docker_volume" (persistent), "docker_container" (ephemeral, runs
    // agents)
    QString type;
    bool persistent = false;
    QString image; // docker_container: the image to run
    QList<TemplateAgent> agents;
};

struct TemplateManifest
{
    QString provisioner = QStringLiteral("process"); // process | docker
    QString readme;                                  // README.md beside template.json
    QList<TemplateVersionParameter> parameters;
    QList<TemplateResource> resources;

    // Parses and checks template.json: a clear message naming the field on error.
    static Result<TemplateManifest, QString> parse(const QByteArray &json,
                                                   const QString &readme = {});
    // Reads template.json (and README.md) from an extracted template directory.
    static Result<TemplateManifest, QString> load(const QString &directory);
    QJsonObject toJson() const;

    // The manifest with ${parameter.NAME}, ${workspace.name}, ${workspace.owner},
    // ${workspace.id} and ${workspace.transition} replaced in every string of the resources.
    TemplateManifest render(const QMap<QString, QString> &variables) const;
};

} // namespace coder::core
