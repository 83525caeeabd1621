#pragma once

#include "core/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace coder::server {

// The project's template format (resources/templates/README.md): a `template.json` manifest at
// the root of the template archive, and an optional README.md.

struct TemplateParameterOption
{
    QString name;
    QString description;
    QString value;
    QString icon;
};

struct TemplateParameter
{
    QString name; // [a-z0-9_-], unique within the template
    QString displayName;
    QString description;
    QString type = QStringLiteral("string"); // string | number | bool | list(string)
    QString defaultValue;                    // as text; list(string): a JSON array
    bool hasDefault = false;                 // no default: the parameter is required
    bool isMutable = false;                  // may change after the workspace was created
    bool ephemeral = false;                  // applies to one build only
    QString icon;
    QList<TemplateParameterOption> options; // set: the value must be one of them
    QString validationRegex;                // string: the whole value must match
    QString validationError;                // shown instead of the generic message
    std::optional<qint64> validationMin;    // number
    std::optional<qint64> validationMax;
    QString validationMonotonic; // number: "increasing" | "decreasing" | ""

    // Empty when value is valid; otherwise the reason, fit for the user.
    QString validate(const QString &value) const;
    // Coder's TemplateVersionParameter object.
    QJsonObject toApiJson() const;
    static core::Result<TemplateParameter, QString> fromApiJson(const QJsonObject &json);
};

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
    QList<TemplateApp> apps;
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
    QList<TemplateParameter> parameters;
    QList<TemplateResource> resources;

    // Parses and checks template.json: a clear message naming the field on error.
    static core::Result<TemplateManifest, QString> parse(const QByteArray &json,
                                                         const QString &readme = {});
    // Reads template.json (and README.md) from an extracted template directory.
    static core::Result<TemplateManifest, QString> load(const QString &directory);
    QJsonObject toJson() const;

    // The manifest with ${parameter.NAME}, ${workspace.name}, ${workspace.owner},
    // ${workspace.id} and ${workspace.transition} replaced in every string of the resources.
    TemplateManifest render(const QMap<QString, QString> &variables) const;
};

struct ParameterValue
{
    QString name;
    QString value;
};

struct ParameterError
{
    QString field; // the parameter's name
    QString detail;
};

// The values a build uses: requested values first, then the previous build's (for mutable and
// immutable ones alike), then defaults. Unknown names, invalid values, a required parameter
// without value, and (when !creating) a change of an immutable one are errors, one per field.
core::Result<QList<ParameterValue>, QList<ParameterError>>
resolveParameters(const QList<TemplateParameter> &parameters,
                  const QList<ParameterValue> &requested, const QList<ParameterValue> &previous,
                  bool creating);

} // namespace coder::server
