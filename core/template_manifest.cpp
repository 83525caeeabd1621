#include "template_manifest.h"

#include "template_manifest_parser.h"
#include "template_parameters.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace coder::core {

namespace {

// The default as template.json writes it: a JSON number, bool or array where that is exact.
QJsonValue manifestValue(const TemplateVersionParameter &parameter, const QString &text)
{
    if (parameter.type == "number"_L1) {
        const auto number = parseInteger(text);
        if (number && *number >= -9007199254740992LL && *number <= 9007199254740992LL)
            return double(*number);
    } else if (parameter.type == "bool"_L1) {
        if (text == "true"_L1 || text == "false"_L1)
            return text == "true"_L1;
    } else if (parameter.type == "list(string)"_L1) {
        if (const auto items = parseStringList(text))
            return QJsonArray::fromStringList(*items);
    }
    return text;
}

QString substitute(const QString &text, const QMap<QString, QString> &variables)
{
    qsizetype start = text.indexOf(u"${"_s);
    if (start < 0)
        return text;
    QString out;
    qsizetype done = 0;
    while (start >= 0) {
        const qsizetype end = text.indexOf(u'}', start + 2);
        if (end < 0)
            break;
        const auto found = variables.constFind(text.mid(start + 2, end - start - 2));
        if (found == variables.constEnd()) {
            // Unknown: left as written (shell scripts use ${HOME}); an inner ${...} still counts.
            start = text.indexOf(u"${"_s, start + 2);
            continue;
        }
        out += QStringView(text).mid(done, start - done);
        out += found.value();
        done = end + 1;
        start = text.indexOf(u"${"_s, done);
    }
    out += QStringView(text).mid(done);
    return out;
}

QJsonObject appToJson(const TemplateApp &app)
{
    QJsonObject json{{u"slug"_s, app.slug}};
    if (!app.displayName.isEmpty())
        json.insert(u"display_name"_s, app.displayName);
    if (!app.icon.isEmpty())
        json.insert(u"icon"_s, app.icon);
    if (!app.url.isEmpty())
        json.insert(u"url"_s, app.url);
    if (!app.command.isEmpty())
        json.insert(u"command"_s, app.command);
    json.insert(u"share"_s, app.sharingLevel);
    if (app.subdomain)
        json.insert(u"subdomain"_s, true);
    if (app.healthcheck)
        json.insert(u"healthcheck"_s, QJsonObject{{u"url"_s, app.healthcheck->url},
                                                  {u"interval"_s, app.healthcheck->intervalSeconds},
                                                  {u"threshold"_s, app.healthcheck->threshold}});
    return json;
}

} // namespace

QJsonObject TemplateAgent::toJson() const
{
    const TemplateAgent &agent = *this;
    QJsonObject json{{u"name"_s, agent.name}, {u"os"_s, agent.os}};
    if (!agent.arch.isEmpty())
        json.insert(u"arch"_s, agent.arch);
    if (!agent.directory.isEmpty())
        json.insert(u"dir"_s, agent.directory);
    if (!agent.env.isEmpty()) {
        QJsonObject env;
        for (auto it = agent.env.begin(); it != agent.env.end(); ++it)
            env.insert(it.key(), it.value());
        json.insert(u"env"_s, env);
    }
    if (!agent.command.isEmpty())
        json.insert(u"command"_s, QJsonArray::fromStringList(agent.command));
    if (!agent.startupScript.isEmpty())
        json.insert(u"startup_script"_s, agent.startupScript);
    json.insert(u"startup_script_timeout"_s, agent.startupScriptTimeoutSeconds);
    if (!agent.shutdownScript.isEmpty())
        json.insert(u"shutdown_script"_s, agent.shutdownScript);
    json.insert(u"shutdown_script_timeout"_s, agent.shutdownScriptTimeoutSeconds);
    json.insert(u"connection_timeout"_s, agent.connectionTimeoutSeconds);
    if (!agent.metadata.isEmpty()) {
        QJsonArray items;
        for (const TemplateAgentMetadata &item : agent.metadata) {
            QJsonObject object{{u"key"_s, item.key},
                               {u"script"_s, item.script},
                               {u"interval"_s, item.intervalSeconds},
                               {u"timeout"_s, item.timeoutSeconds}};
            if (!item.displayName.isEmpty())
                object.insert(u"display_name"_s, item.displayName);
            items << object;
        }
        json.insert(u"metadata"_s, items);
    }
    if (!agent.apps.isEmpty()) {
        QJsonArray apps;
        for (const TemplateApp &app : agent.apps)
            apps << appToJson(app);
        json.insert(u"apps"_s, apps);
    }
    return json;
}

namespace {

QJsonObject parameterToManifestJson(const TemplateVersionParameter &parameter)
{
    QJsonObject json{{u"name"_s, parameter.name}, {u"type"_s, parameter.type}};
    if (!parameter.displayName.isEmpty())
        json.insert(u"display_name"_s, parameter.displayName);
    if (!parameter.description.isEmpty())
        json.insert(u"description"_s, parameter.description);
    if (!parameter.required)
        json.insert(u"default"_s, manifestValue(parameter, parameter.defaultValue));
    json.insert(u"mutable"_s, parameter.isMutable);
    if (parameter.ephemeral)
        json.insert(u"ephemeral"_s, true);
    if (!parameter.icon.isEmpty())
        json.insert(u"icon"_s, parameter.icon);
    if (!parameter.options.isEmpty()) {
        QJsonArray options;
        for (const TemplateVersionParameterOption &option : parameter.options) {
            QJsonObject item{{u"name"_s, option.name}, {u"value"_s, option.value}};
            if (!option.description.isEmpty())
                item.insert(u"description"_s, option.description);
            if (!option.icon.isEmpty())
                item.insert(u"icon"_s, option.icon);
            options << item;
        }
        json.insert(u"options"_s, options);
    }
    QJsonObject validation;
    if (!parameter.validationRegex.isEmpty())
        validation.insert(u"regex"_s, parameter.validationRegex);
    if (!parameter.validationError.isEmpty())
        validation.insert(u"error"_s, parameter.validationError);
    if (parameter.validationMin)
        validation.insert(u"min"_s, double(*parameter.validationMin));
    if (parameter.validationMax)
        validation.insert(u"max"_s, double(*parameter.validationMax));
    if (!parameter.validationMonotonic.isEmpty())
        validation.insert(u"monotonic"_s, parameter.validationMonotonic);
    if (!validation.isEmpty())
        json.insert(u"validation"_s, validation);
    return json;
}

} // namespace

Result<TemplateManifest, QString> TemplateManifest::parse(const QByteArray &json,
                                                          const QString &readme)
{
    return TemplateManifestParser::parse(json, readme);
}

Result<TemplateManifest, QString> TemplateManifest::load(const QString &directory)
{
    const QDir root(directory);
    const QFileInfo manifestInfo(root.filePath(u"template.json"_s));
    if (!manifestInfo.exists())
        return u"template.json is missing at the root of the template (%1)"_s.arg(directory);
    if (!manifestInfo.isFile())
        return u"template.json is not a regular file"_s;
    if (manifestInfo.size() > TemplateManifestParser::maxManifestBytes)
        return u"template.json: larger than the 1 MiB limit (%1 bytes)"_s.arg(manifestInfo.size());
    QFile manifestFile(manifestInfo.filePath());
    if (!manifestFile.open(QIODevice::ReadOnly))
        return u"template.json: cannot be read: %1"_s.arg(manifestFile.errorString());
    const QByteArray json = manifestFile.read(TemplateManifestParser::maxManifestBytes + 1);

    QString readme;
    const QFileInfo readmeInfo(root.filePath(u"README.md"_s));
    if (readmeInfo.exists()) {
        if (!readmeInfo.isFile())
            return u"README.md is not a regular file"_s;
        if (readmeInfo.size() > TemplateManifestParser::maxReadmeBytes)
            return u"README.md: larger than the 256 KiB limit (%1 bytes)"_s.arg(readmeInfo.size());
        QFile readmeFile(readmeInfo.filePath());
        if (!readmeFile.open(QIODevice::ReadOnly))
            return u"README.md: cannot be read: %1"_s.arg(readmeFile.errorString());
        readme = QString::fromUtf8(readmeFile.read(TemplateManifestParser::maxReadmeBytes + 1));
    }
    return parse(json, readme);
}

QJsonObject TemplateManifest::toJson() const
{
    QJsonArray parameterArray;
    for (const TemplateVersionParameter &parameter : parameters)
        parameterArray << parameterToManifestJson(parameter);
    QJsonArray resourceArray;
    for (const TemplateResource &resource : resources) {
        QJsonObject json{{u"name"_s, resource.name},
                         {u"type"_s, resource.type},
                         {u"persistent"_s, resource.persistent}};
        if (!resource.image.isEmpty())
            json.insert(u"image"_s, resource.image);
        if (!resource.agents.isEmpty()) {
            QJsonArray agents;
            for (const TemplateAgent &agent : resource.agents)
                agents << agent.toJson();
            json.insert(u"agents"_s, agents);
        }
        resourceArray << json;
    }
    return QJsonObject{{u"provisioner"_s, provisioner},
                       {u"parameters"_s, parameterArray},
                       {u"resources"_s, resourceArray}};
}

TemplateManifest TemplateManifest::render(const QMap<QString, QString> &variables) const
{
    TemplateManifest rendered = *this;
    for (TemplateResource &resource : rendered.resources) {
        resource.image = substitute(resource.image, variables);
        for (TemplateAgent &agent : resource.agents) {
            agent.directory = substitute(agent.directory, variables);
            for (auto it = agent.env.begin(); it != agent.env.end(); ++it)
                it.value() = substitute(it.value(), variables);
            for (QString &argument : agent.command)
                argument = substitute(argument, variables);
            agent.startupScript = substitute(agent.startupScript, variables);
            agent.shutdownScript = substitute(agent.shutdownScript, variables);
            for (TemplateAgentMetadata &item : agent.metadata)
                item.script = substitute(item.script, variables);
            for (TemplateApp &app : agent.apps) {
                app.displayName = substitute(app.displayName, variables);
                app.url = substitute(app.url, variables);
                app.command = substitute(app.command, variables);
                if (app.healthcheck)
                    app.healthcheck->url = substitute(app.healthcheck->url, variables);
            }
        }
    }
    return rendered;
}

} // namespace coder::core
