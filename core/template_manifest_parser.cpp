#include "template_manifest_parser.h"

#include "template_parameters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace coder::core {

namespace {

const auto kParameterNamePattern = "[a-z0-9_-]+"_L1;
const auto kResourceNamePattern = "[a-z0-9][a-z0-9_-]*"_L1;
const auto kSlugPattern = "[a-z0-9](-?[a-z0-9])*"_L1;
const auto kEnvNamePattern = "[A-Za-z_][A-Za-z0-9_]*"_L1;
constexpr int kMaxErrors = 50;

bool matchesWhole(const QString &pattern, const QString &value)
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    return re.match(value).hasMatch();
}

QString join(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + u'.' + key;
}

QString at(const QString &path, qsizetype index)
{
    return path + u'[' + QString::number(index) + u']';
}

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

// What each provisioner can build: resource type -> persistent.
QMap<QString, bool> resourceTypes(const QString &provisioner)
{
    if (provisioner == "process"_L1)
        return {{u"home_directory"_s, true}, {u"process"_s, false}};
    if (provisioner == "docker"_L1)
        return {{u"docker_volume"_s, true}, {u"docker_container"_s, false}};
    return {};
}

bool runsAgents(const QString &type)
{
    return type == "process"_L1 || type == "docker_container"_L1;
}

const QStringList &parameterTypes()
{
    static const QStringList types{u"string"_s, u"number"_s, u"bool"_s, u"list(string)"_s};
    return types;
}

} // namespace

Result<TemplateManifest, QString> TemplateManifestParser::parse(const QByteArray &json,
                                                                const QString &readme)
{
    if (json.size() > maxManifestBytes)
        return u"template.json: larger than the 1 MiB limit (%1 bytes)"_s.arg(json.size());
    if (readme.toUtf8().size() > maxReadmeBytes)
        return u"README.md: larger than the 256 KiB limit"_s;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return u"template.json: invalid JSON at offset %1: %2"_s.arg(parseError.offset)
            .arg(parseError.errorString());
    if (!document.isObject())
        return u"template.json: must be a JSON object"_s;
    TemplateManifestParser parser;
    TemplateManifest manifest = parser.run(document.object());
    if (!parser.m_errors.isEmpty()) {
        QStringList shown = parser.m_errors.mid(0, kMaxErrors);
        if (parser.m_errors.size() > kMaxErrors)
            shown << u"(%1 more problems)"_s.arg(parser.m_errors.size() - kMaxErrors);
        return shown.join(u'\n');
    }
    manifest.readme = readme;
    return manifest;
}

QString TemplateManifestParser::valueText(const QJsonValue &value, const QString &type,
                                          QString *error)
{
    if (value.isString())
        return value.toString();
    if (type == "number"_L1 && value.isDouble()) {
        const double number = value.toDouble();
        if (std::trunc(number) == number && std::fabs(number) <= 9007199254740992.0)
            return QString::number(qint64(number));
        *error = u"must be an integer"_s;
        return {};
    }
    if (type == "bool"_L1 && value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (type == "list(string)"_L1 && value.isArray()) {
        for (const QJsonValue &item : value.toArray()) {
            if (!item.isString()) {
                *error = u"must be an array of strings"_s;
                return {};
            }
        }
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    }
    if (type == "number"_L1)
        *error = u"must be an integer (or a string holding one)"_s;
    else if (type == "bool"_L1)
        *error = u"must be true or false"_s;
    else if (type == "list(string)"_L1)
        *error = u"must be an array of strings"_s;
    else
        *error = u"must be a string"_s;
    return {};
}

bool TemplateManifestParser::isHttpUrl(const QString &url)
{
    // Placeholders become a harmless digit so that "http://localhost:${parameter.port}" checks.
    QString probe = url;
    probe.replace(QRegularExpression(u"\\$\\{[^}]*\\}"_s), u"1"_s);
    const QUrl parsed(probe, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    return parsed.isValid() && (scheme == "http"_L1 || scheme == "https"_L1) &&
           !parsed.host().isEmpty();
}

void TemplateManifestParser::error(const QString &path, const QString &detail)
{
    m_errors << path + u": "_s + detail;
}

void TemplateManifestParser::allowKeys(const QJsonObject &object, const QString &path,
                                       const QStringList &allowed)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key()))
            error(join(path, it.key()),
                  u"unknown field (known fields: %1)"_s.arg(allowed.join(u", "_s)));
    }
}

QString TemplateManifestParser::string(const QJsonObject &object, const QString &path,
                                       const QString &key, bool required)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        if (required)
            error(join(path, key), u"is required"_s);
        return {};
    }
    if (!value.isString()) {
        error(join(path, key), u"must be a string"_s);
        return {};
    }
    if (required && value.toString().isEmpty())
        error(join(path, key), u"must not be empty"_s);
    return value.toString();
}

bool TemplateManifestParser::boolean(const QJsonObject &object, const QString &path,
                                     const QString &key, bool fallback)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return fallback;
    if (!value.isBool()) {
        error(join(path, key), u"must be true or false"_s);
        return fallback;
    }
    return value.toBool();
}

std::optional<qint64> TemplateManifestParser::integer(const QJsonObject &object,
                                                      const QString &path, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return std::nullopt;
    const double number = value.toDouble();
    if (!value.isDouble() || std::trunc(number) != number ||
        std::fabs(number) > 9007199254740992.0) {
        error(join(path, key), u"must be an integer"_s);
        return std::nullopt;
    }
    return qint64(number);
}

QJsonArray TemplateManifestParser::array(const QJsonObject &object, const QString &path,
                                         const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return {};
    if (!value.isArray()) {
        error(join(path, key), u"must be an array"_s);
        return {};
    }
    return value.toArray();
}

bool TemplateManifestParser::isObject(const QJsonValue &value, const QString &path)
{
    if (value.isObject())
        return true;
    error(path, u"must be an object"_s);
    return false;
}

QString TemplateManifestParser::name(const QJsonObject &object, const QString &path,
                                     const QString &key, const QString &pattern,
                                     const QString &fallback)
{
    if (!fallback.isEmpty() && !object.contains(key))
        return fallback;
    const QString value = string(object, path, key, true);
    if (value.isEmpty())
        return value;
    if (!matchesWhole(pattern, value))
        error(join(path, key), u"must match "_s + pattern);
    else if (value.size() > maxNameLength)
        error(join(path, key), u"must be at most %1 characters"_s.arg(maxNameLength));
    return value;
}

TemplateManifest TemplateManifestParser::run(const QJsonObject &root)
{
    TemplateManifest manifest;
    allowKeys(root, {}, {u"provisioner"_s, u"parameters"_s, u"resources"_s});
    if (root.contains(u"provisioner"_s)) {
        manifest.provisioner = string(root, {}, u"provisioner"_s, true);
        if (!manifest.provisioner.isEmpty() && resourceTypes(manifest.provisioner).isEmpty())
            error(u"provisioner"_s, u"must be \"process\" or \"docker\""_s);
    }

    const QJsonArray parameters = array(root, {}, u"parameters"_s);
    if (parameters.size() > maxParameters)
        error(u"parameters"_s, u"at most %1 parameters are allowed (got %2)"_s.arg(maxParameters)
                                   .arg(parameters.size()));
    QMap<QString, QString> parameterPaths;
    for (qsizetype i = 0; i < parameters.size() && i < maxParameters; ++i) {
        const QString path = at(u"parameters"_s, i);
        TemplateVersionParameter parameter = this->parameter(parameters.at(i), path);
        if (!parameter.name.isEmpty()) {
            if (parameterPaths.contains(parameter.name))
                error(path + u".name"_s,
                      u"duplicate name %1 (also %2)"_s.arg(quoted(parameter.name),
                                                           parameterPaths[parameter.name]));
            else
                parameterPaths.insert(parameter.name, path);
        }
        manifest.parameters << parameter;
    }

    const QJsonArray resources = array(root, {}, u"resources"_s);
    if (resources.size() > maxResources)
        error(
            u"resources"_s,
            u"at most %1 resources are allowed (got %2)"_s.arg(maxResources).arg(resources.size()));
    QMap<QString, QString> resourcePaths;
    QMap<QString, QString> agentPaths;
    for (qsizetype i = 0; i < resources.size() && i < maxResources; ++i) {
        const QString path = at(u"resources"_s, i);
        TemplateResource resource = this->resource(resources.at(i), path, manifest.provisioner);
        if (!resource.name.isEmpty()) {
            if (resourcePaths.contains(resource.name))
                error(path + u".name"_s, u"duplicate name %1 (also %2)"_s.arg(
                                             quoted(resource.name), resourcePaths[resource.name]));
            else
                resourcePaths.insert(resource.name, path);
        }
        for (qsizetype j = 0; j < resource.agents.size(); ++j) {
            const QString agentName = resource.agents.at(j).name;
            const QString agentPath = at(path + u".agents"_s, j);
            if (agentName.isEmpty())
                continue;
            if (agentPaths.contains(agentName))
                error(agentPath + u".name"_s,
                      u"duplicate agent name %1 (also %2): agent names are unique in a template"_s
                          .arg(quoted(agentName), agentPaths[agentName]));
            else
                agentPaths.insert(agentName, agentPath);
        }
        manifest.resources << resource;
    }
    return manifest;
}

TemplateVersionParameter TemplateManifestParser::parameter(const QJsonValue &value,
                                                           const QString &path)
{
    TemplateVersionParameter parameter;
    parameter.required = true; // until a default is given
    if (!isObject(value, path))
        return parameter;
    const QJsonObject object = value.toObject();
    allowKeys(object, path,
              {u"name"_s, u"display_name"_s, u"description"_s, u"type"_s, u"default"_s,
               u"mutable"_s, u"ephemeral"_s, u"icon"_s, u"options"_s, u"validation"_s});
    parameter.name = name(object, path, u"name"_s, kParameterNamePattern);
    parameter.displayName = string(object, path, u"display_name"_s);
    parameter.description = string(object, path, u"description"_s);
    parameter.descriptionPlaintext = markdownToPlainText(parameter.description);
    parameter.icon = string(object, path, u"icon"_s);
    parameter.isMutable = boolean(object, path, u"mutable"_s, false);
    parameter.ephemeral = boolean(object, path, u"ephemeral"_s, false);
    bool typeKnown = true;
    if (object.contains(u"type"_s)) {
        parameter.type = string(object, path, u"type"_s, true);
        if (!parameterTypes().contains(parameter.type)) {
            typeKnown = false;
            if (!parameter.type.isEmpty())
                error(path + u".type"_s,
                      u"must be one of: %1"_s.arg(parameterTypes().join(u", "_s)));
        }
    }
    if (object.contains(u"validation"_s))
        parameterValidation(object.value(u"validation"_s), path + u".validation"_s, parameter);
    parameterOptions(array(object, path, u"options"_s), path + u".options"_s, parameter);

    const QJsonValue fallback = object.value(u"default"_s);
    if (!fallback.isUndefined()) {
        parameter.required = false;
        QString problem;
        parameter.defaultValue = valueText(fallback, parameter.type, &problem);
        if (typeKnown) {
            if (problem.isEmpty())
                problem = parameterProblem(parameter, parameter.defaultValue);
            if (!problem.isEmpty())
                error(path + u".default"_s, problem);
        }
    }
    if (parameter.ephemeral && !parameter.isMutable)
        error(path + u".ephemeral"_s, u"an ephemeral parameter must also be mutable"_s);
    if (parameter.ephemeral && parameter.required)
        error(path + u".ephemeral"_s, u"an ephemeral parameter needs a default"_s);
    return parameter;
}

void TemplateManifestParser::parameterValidation(const QJsonValue &value, const QString &path,
                                                 TemplateVersionParameter &parameter)
{
    if (!isObject(value, path))
        return;
    const QJsonObject object = value.toObject();
    allowKeys(object, path, {u"regex"_s, u"error"_s, u"min"_s, u"max"_s, u"monotonic"_s});
    parameter.validationError = string(object, path, u"error"_s);
    const bool isNumber = parameter.type == "number"_L1;
    if (object.contains(u"regex"_s)) {
        const QString regex = string(object, path, u"regex"_s, true);
        if (parameter.type != "string"_L1) {
            error(path + u".regex"_s, u"only string parameters can have a regex"_s);
        } else if (!regex.isEmpty()) {
            const QRegularExpression re(regex);
            if (!re.isValid())
                error(path + u".regex"_s,
                      u"invalid regular expression: %1 at offset %2"_s.arg(re.errorString())
                          .arg(re.patternErrorOffset()));
            else
                parameter.validationRegex = regex;
        }
    }
    for (const QString &key : {u"min"_s, u"max"_s}) {
        if (!object.contains(key))
            continue;
        const std::optional<qint64> bound = integer(object, path, key);
        if (!isNumber)
            error(join(path, key), u"only number parameters can have a %1"_s.arg(key));
        else if (key == "min"_L1)
            parameter.validationMin = bound;
        else
            parameter.validationMax = bound;
    }
    if (parameter.validationMin && parameter.validationMax &&
        *parameter.validationMin > *parameter.validationMax)
        error(path + u".min"_s,
              u"must not be greater than max (%1 > %2)"_s.arg(*parameter.validationMin)
                  .arg(*parameter.validationMax));
    if (object.contains(u"monotonic"_s)) {
        const QString monotonic = string(object, path, u"monotonic"_s);
        if (!isNumber)
            error(path + u".monotonic"_s, u"only number parameters can be monotonic"_s);
        else if (monotonic != "increasing"_L1 && monotonic != "decreasing"_L1 &&
                 !monotonic.isEmpty())
            error(path + u".monotonic"_s, u"must be \"increasing\" or \"decreasing\""_s);
        else
            parameter.validationMonotonic = monotonic;
    }
}

void TemplateManifestParser::parameterOptions(const QJsonArray &options, const QString &path,
                                              TemplateVersionParameter &parameter)
{
    if (options.size() > maxOptions) {
        error(path,
              u"at most %1 options are allowed (got %2)"_s.arg(maxOptions).arg(options.size()));
        return;
    }
    // An option's value is one element of a list(string) value, otherwise a whole value.
    const bool isList = parameter.type == "list(string)"_L1;
    TemplateVersionParameter plain = parameter;
    plain.options.clear();
    QMap<QString, QString> names;
    QMap<QString, QString> values;
    for (qsizetype i = 0; i < options.size(); ++i) {
        const QString optionPath = at(path, i);
        if (!isObject(options.at(i), optionPath))
            continue;
        const QJsonObject object = options.at(i).toObject();
        allowKeys(object, optionPath, {u"name"_s, u"description"_s, u"value"_s, u"icon"_s});
        TemplateVersionParameterOption option;
        option.name = string(object, optionPath, u"name"_s, true);
        option.description = string(object, optionPath, u"description"_s);
        option.icon = string(object, optionPath, u"icon"_s);
        const QJsonValue value = object.value(u"value"_s);
        if (value.isUndefined()) {
            error(optionPath + u".value"_s, u"is required"_s);
            continue;
        }
        QString problem;
        option.value = valueText(value, isList ? u"string"_s : parameter.type, &problem);
        if (problem.isEmpty() && !isList && parameterTypes().contains(parameter.type))
            problem = parameterProblem(plain, option.value);
        if (!problem.isEmpty())
            error(optionPath + u".value"_s, problem);
        if (!option.name.isEmpty() && names.contains(option.name))
            error(optionPath + u".name"_s, u"duplicate option name %1 (also %2)"_s.arg(
                                               quoted(option.name), names[option.name]));
        names.insert(option.name, optionPath);
        if (values.contains(option.value))
            error(optionPath + u".value"_s, u"duplicate option value %1 (also %2)"_s.arg(
                                                quoted(option.value), values[option.value]));
        values.insert(option.value, optionPath);
        parameter.options << option;
    }
}

TemplateResource TemplateManifestParser::resource(const QJsonValue &value, const QString &path,
                                                  const QString &provisioner)
{
    TemplateResource resource;
    if (!isObject(value, path))
        return resource;
    const QJsonObject object = value.toObject();
    allowKeys(object, path, {u"name"_s, u"type"_s, u"persistent"_s, u"image"_s, u"agents"_s});
    resource.name = name(object, path, u"name"_s, kResourceNamePattern);
    resource.type = string(object, path, u"type"_s, true);
    const QMap<QString, bool> types = resourceTypes(provisioner);
    const bool typeKnown = types.contains(resource.type);
    if (!resource.type.isEmpty() && !types.isEmpty() && !typeKnown)
        error(path + u".type"_s,
              u"%1 is not a resource type of the %2 provisioner (one of: %3)"_s.arg(
                  quoted(resource.type), provisioner, types.keys().join(u", "_s)));
    if (typeKnown) {
        const bool persistent = types.value(resource.type);
        resource.persistent = boolean(object, path, u"persistent"_s, persistent);
        if (resource.persistent != persistent)
            error(path + u".persistent"_s, persistent
                                               ? u"a %1 is always persistent"_s.arg(resource.type)
                                               : u"a %1 is never persistent"_s.arg(resource.type));
    } else {
        resource.persistent = boolean(object, path, u"persistent"_s, false);
    }

    if (resource.type == "docker_container"_L1)
        resource.image = string(object, path, u"image"_s, true);
    else if (object.contains(u"image"_s))
        error(path + u".image"_s, u"only docker_container resources have an image"_s);

    const QJsonArray agents = array(object, path, u"agents"_s);
    if (!agents.isEmpty() && typeKnown && !runsAgents(resource.type)) {
        error(path + u".agents"_s, u"a %1 cannot run agents"_s.arg(resource.type));
        return resource;
    }
    for (qsizetype i = 0; i < agents.size(); ++i)
        resource.agents << agent(agents.at(i), at(path + u".agents"_s, i));
    return resource;
}

TemplateAgent TemplateManifestParser::agent(const QJsonValue &value, const QString &path)
{
    TemplateAgent agent;
    if (!isObject(value, path))
        return agent;
    const QJsonObject object = value.toObject();
    allowKeys(object, path,
              {u"name"_s, u"os"_s, u"arch"_s, u"dir"_s, u"env"_s, u"command"_s, u"startup_script"_s,
               u"startup_script_timeout"_s, u"shutdown_script"_s, u"shutdown_script_timeout"_s,
               u"connection_timeout"_s, u"metadata"_s, u"apps"_s});
    agent.name = name(object, path, u"name"_s, kSlugPattern, agent.name);
    if (object.contains(u"os"_s)) {
        agent.os = string(object, path, u"os"_s);
        if (agent.os != "linux"_L1 && agent.os != "darwin"_L1 && agent.os != "windows"_L1)
            error(path + u".os"_s, u"must be one of: linux, darwin, windows"_s);
    }
    agent.arch = string(object, path, u"arch"_s);
    if (!agent.arch.isEmpty() && agent.arch != "amd64"_L1 && agent.arch != "arm64"_L1 &&
        agent.arch != "armv7"_L1)
        error(path + u".arch"_s, u"must be one of: amd64, arm64, armv7 (or absent)"_s);
    agent.directory = string(object, path, u"dir"_s);
    agent.startupScript = string(object, path, u"startup_script"_s);
    if (const auto timeout = seconds(object, path, u"startup_script_timeout"_s, 0, 86400))
        agent.startupScriptTimeoutSeconds = *timeout;
    agent.shutdownScript = string(object, path, u"shutdown_script"_s);
    if (const auto timeout = seconds(object, path, u"shutdown_script_timeout"_s, 0, 3600))
        agent.shutdownScriptTimeoutSeconds = *timeout;
    if (const auto timeout = seconds(object, path, u"connection_timeout"_s, 0, 86400))
        agent.connectionTimeoutSeconds = *timeout;
    agent.metadata = metadata(array(object, path, u"metadata"_s), path + u".metadata"_s);

    const QJsonValue env = object.value(u"env"_s);
    if (!env.isUndefined() && isObject(env, path + u".env"_s)) {
        const QJsonObject variables = env.toObject();
        for (auto it = variables.begin(); it != variables.end(); ++it) {
            const QString variablePath = path + u".env."_s + it.key();
            if (!matchesWhole(kEnvNamePattern, it.key()))
                error(variablePath, u"the variable name must match "_s + kEnvNamePattern);
            else if (it.key() == "CODER_AGENT_TOKEN"_L1 || it.key() == "CODER_AGENT_URL"_L1)
                error(variablePath, u"is set by the provisioner"_s);
            else if (!it.value().isString())
                error(variablePath, u"must be a string"_s);
            else
                agent.env.insert(it.key(), it.value().toString());
        }
    }

    const QJsonArray command = array(object, path, u"command"_s);
    for (qsizetype i = 0; i < command.size(); ++i) {
        if (!command.at(i).isString())
            error(at(path + u".command"_s, i), u"must be a string"_s);
        else
            agent.command << command.at(i).toString();
    }
    if (!agent.command.isEmpty() && agent.command.first().isEmpty())
        error(at(path + u".command"_s, 0), u"the program must not be empty"_s);

    const QJsonArray apps = array(object, path, u"apps"_s);
    QMap<QString, QString> slugs;
    for (qsizetype i = 0; i < apps.size(); ++i) {
        const QString appPath = at(path + u".apps"_s, i);
        TemplateApp app = this->app(apps.at(i), appPath);
        if (!app.slug.isEmpty()) {
            if (slugs.contains(app.slug))
                error(appPath + u".slug"_s,
                      u"duplicate slug %1 (also %2)"_s.arg(quoted(app.slug), slugs[app.slug]));
            else
                slugs.insert(app.slug, appPath);
        }
        agent.apps << app;
    }
    return agent;
}

std::optional<int> TemplateManifestParser::seconds(const QJsonObject &object, const QString &path,
                                                   const QString &key, int min, int max)
{
    const auto value = integer(object, path, key);
    if (!value)
        return std::nullopt;
    if (*value < min || *value > max) {
        error(path + u'.' + key, u"must be between %1 and %2 seconds"_s.arg(min).arg(max));
        return std::nullopt;
    }
    return int(*value);
}

QList<TemplateAgentMetadata> TemplateManifestParser::metadata(const QJsonArray &items,
                                                              const QString &path)
{
    QList<TemplateAgentMetadata> out;
    if (items.size() > maxMetadataItems) {
        error(path, u"at most %1 items"_s.arg(maxMetadataItems));
        return out;
    }
    QMap<QString, QString> keys;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString itemPath = at(path, i);
        if (!isObject(items.at(i), itemPath))
            continue;
        const QJsonObject object = items.at(i).toObject();
        allowKeys(object, itemPath,
                  {u"key"_s, u"display_name"_s, u"script"_s, u"interval"_s, u"timeout"_s});
        TemplateAgentMetadata item;
        item.key = name(object, itemPath, u"key"_s, kParameterNamePattern);
        if (!item.key.isEmpty()) {
            if (keys.contains(item.key))
                error(itemPath + u".key"_s,
                      u"duplicate key %1 (also %2)"_s.arg(quoted(item.key), keys[item.key]));
            else
                keys.insert(item.key, itemPath);
        }
        item.displayName = string(object, itemPath, u"display_name"_s);
        item.script = string(object, itemPath, u"script"_s, true);
        if (const auto interval = seconds(object, itemPath, u"interval"_s, 1, 86400))
            item.intervalSeconds = *interval;
        if (const auto timeout = seconds(object, itemPath, u"timeout"_s, 1, 3600))
            item.timeoutSeconds = *timeout;
        out << item;
    }
    return out;
}

Result<TemplateAgent, QString> TemplateManifestParser::parseAgent(const QJsonObject &json)
{
    TemplateManifestParser parser;
    TemplateAgent agent = parser.agent(json, u"agent"_s);
    if (!parser.m_errors.isEmpty())
        return parser.m_errors.join(u"; "_s);
    return agent;
}

Result<TemplateAgent, QString> TemplateAgent::fromJson(const QJsonObject &json)
{
    return TemplateManifestParser::parseAgent(json);
}

TemplateApp TemplateManifestParser::app(const QJsonValue &value, const QString &path)
{
    TemplateApp app;
    if (!isObject(value, path))
        return app;
    const QJsonObject object = value.toObject();
    allowKeys(object, path,
              {u"slug"_s, u"display_name"_s, u"icon"_s, u"url"_s, u"command"_s, u"share"_s,
               u"subdomain"_s, u"healthcheck"_s});
    app.slug = name(object, path, u"slug"_s, kSlugPattern);
    app.displayName = string(object, path, u"display_name"_s);
    app.icon = string(object, path, u"icon"_s);
    app.url = string(object, path, u"url"_s);
    app.command = string(object, path, u"command"_s);
    if (object.contains(u"url"_s) && object.contains(u"command"_s))
        error(path, u"set either url or command, not both"_s);
    else if (app.url.isEmpty() && app.command.isEmpty())
        error(path, u"needs a url or a command"_s);
    if (!app.url.isEmpty() && !isHttpUrl(app.url))
        error(path + u".url"_s, u"must be an http:// or https:// URL with a host"_s);
    if (object.contains(u"share"_s)) {
        app.sharingLevel = string(object, path, u"share"_s);
        if (app.sharingLevel != "owner"_L1 && app.sharingLevel != "authenticated"_L1 &&
            app.sharingLevel != "public"_L1)
            error(path + u".share"_s, u"must be one of: owner, authenticated, public"_s);
    }
    app.subdomain = boolean(object, path, u"subdomain"_s, false);
    if (app.subdomain && app.url.isEmpty())
        error(path + u".subdomain"_s, u"only url apps can be served on a subdomain"_s);

    const QJsonValue check = object.value(u"healthcheck"_s);
    const QString checkPath = path + u".healthcheck"_s;
    if (!check.isUndefined() && isObject(check, checkPath)) {
        if (app.url.isEmpty())
            error(checkPath, u"only url apps can have a healthcheck"_s);
        const QJsonObject checkObject = check.toObject();
        allowKeys(checkObject, checkPath, {u"url"_s, u"interval"_s, u"threshold"_s});
        TemplateAppHealthcheck healthcheck;
        healthcheck.url = string(checkObject, checkPath, u"url"_s, true);
        if (!healthcheck.url.isEmpty() && !isHttpUrl(healthcheck.url))
            error(checkPath + u".url"_s, u"must be an http:// or https:// URL with a host"_s);
        if (const auto interval = integer(checkObject, checkPath, u"interval"_s)) {
            if (*interval < 1 || *interval > 3600)
                error(checkPath + u".interval"_s, u"must be between 1 and 3600 seconds"_s);
            else
                healthcheck.intervalSeconds = int(*interval);
        }
        if (const auto threshold = integer(checkObject, checkPath, u"threshold"_s)) {
            if (*threshold < 1 || *threshold > 100)
                error(checkPath + u".threshold"_s, u"must be between 1 and 100"_s);
            else
                healthcheck.threshold = int(*threshold);
        }
        app.healthcheck = healthcheck;
    }
    return app;
}

} // namespace coder::core
