#include "template_manifest.h"

#include "template_manifest_parser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace coder::server {

namespace {

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

std::optional<qint64> parseInteger(const QString &value)
{
    const qsizetype first = value.startsWith(u'-') ? 1 : 0;
    if (value.size() == first)
        return std::nullopt;
    for (qsizetype i = first; i < value.size(); ++i) {
        if (value.at(i) < u'0' || value.at(i) > u'9')
            return std::nullopt;
    }
    bool ok = false;
    const qint64 number = value.toLongLong(&ok);
    return ok ? std::optional<qint64>(number) : std::nullopt;
}

std::optional<QStringList> parseStringList(const QString &value)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(value.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return std::nullopt;
    QStringList items;
    for (const QJsonValue &item : document.array()) {
        if (!item.isString())
            return std::nullopt;
        items << item.toString();
    }
    return items;
}

// Coder's validation_error may name {min}, {max} and {value}.
QString customError(const TemplateParameter &parameter, const QString &value,
                    const QString &generic)
{
    if (parameter.validationError.isEmpty())
        return generic;
    QString text = parameter.validationError;
    text.replace(u"{min}"_s,
                 parameter.validationMin ? QString::number(*parameter.validationMin) : QString());
    text.replace(u"{max}"_s,
                 parameter.validationMax ? QString::number(*parameter.validationMax) : QString());
    text.replace(u"{value}"_s, value);
    return text;
}

QString optionList(const TemplateParameter &parameter)
{
    QStringList values;
    for (const TemplateParameterOption &option : parameter.options)
        values << quoted(option.value);
    return values.join(u", "_s);
}

bool hasOption(const TemplateParameter &parameter, const QString &value)
{
    for (const TemplateParameterOption &option : parameter.options) {
        if (option.value == value)
            return true;
    }
    return false;
}

// A light reading of Markdown as plain text, for Coder's description_plaintext.
QString plainText(const QString &markdown)
{
    QString text = markdown;
    const QRegularExpression image(u"!\\[([^\\]]*)\\]\\([^)]*\\)"_s);
    const QRegularExpression link(u"\\[([^\\]]*)\\]\\([^)]*\\)"_s);
    const QRegularExpression heading(u"^#{1,6}\\s+"_s, QRegularExpression::MultilineOption);
    const QRegularExpression emphasis(u"(\\*\\*|__|`)"_s);
    text.replace(image, u"\\1"_s);
    text.replace(link, u"\\1"_s);
    text.replace(heading, QString());
    text.replace(emphasis, QString());
    return text.trimmed();
}

QJsonValue optionalInteger(const std::optional<qint64> &value)
{
    return value ? QJsonValue(double(*value)) : QJsonValue(QJsonValue::Null);
}

// The default as template.json writes it: a JSON number, bool or array where that is exact.
QJsonValue manifestValue(const TemplateParameter &parameter, const QString &text)
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

QJsonObject agentToJson(const TemplateAgent &agent)
{
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
    if (!agent.apps.isEmpty()) {
        QJsonArray apps;
        for (const TemplateApp &app : agent.apps)
            apps << appToJson(app);
        json.insert(u"apps"_s, apps);
    }
    return json;
}

QJsonObject parameterToManifestJson(const TemplateParameter &parameter)
{
    QJsonObject json{{u"name"_s, parameter.name}, {u"type"_s, parameter.type}};
    if (!parameter.displayName.isEmpty())
        json.insert(u"display_name"_s, parameter.displayName);
    if (!parameter.description.isEmpty())
        json.insert(u"description"_s, parameter.description);
    if (parameter.hasDefault)
        json.insert(u"default"_s, manifestValue(parameter, parameter.defaultValue));
    json.insert(u"mutable"_s, parameter.isMutable);
    if (parameter.ephemeral)
        json.insert(u"ephemeral"_s, true);
    if (!parameter.icon.isEmpty())
        json.insert(u"icon"_s, parameter.icon);
    if (!parameter.options.isEmpty()) {
        QJsonArray options;
        for (const TemplateParameterOption &option : parameter.options) {
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

QString TemplateParameter::validate(const QString &value) const
{
    if (type == "string"_L1) {
        if (!options.isEmpty() && !hasOption(*this, value))
            return u"must be one of: %1"_s.arg(optionList(*this));
        if (!validationRegex.isEmpty()) {
            const QRegularExpression re(QRegularExpression::anchoredPattern(validationRegex));
            if (!re.isValid())
                return u"cannot be checked: the template's regex is invalid"_s;
            if (!re.match(value).hasMatch())
                return customError(*this, value,
                                   u"must match the regular expression %1"_s.arg(validationRegex));
        }
        return {};
    }
    if (type == "number"_L1) {
        const auto number = parseInteger(value);
        if (!number)
            return u"must be an integer, got %1"_s.arg(quoted(value));
        if (!options.isEmpty() && !hasOption(*this, value))
            return u"must be one of: %1"_s.arg(optionList(*this));
        const bool tooSmall = validationMin && *number < *validationMin;
        const bool tooLarge = validationMax && *number > *validationMax;
        if (tooSmall && validationMax)
            return customError(
                *this, value,
                u"must be between %1 and %2"_s.arg(*validationMin).arg(*validationMax));
        if (tooSmall)
            return customError(*this, value, u"must be at least %1"_s.arg(*validationMin));
        if (tooLarge && validationMin)
            return customError(
                *this, value,
                u"must be between %1 and %2"_s.arg(*validationMin).arg(*validationMax));
        if (tooLarge)
            return customError(*this, value, u"must be at most %1"_s.arg(*validationMax));
        return {};
    }
    if (type == "bool"_L1) {
        if (value != "true"_L1 && value != "false"_L1)
            return u"must be \"true\" or \"false\", got %1"_s.arg(quoted(value));
        if (!options.isEmpty() && !hasOption(*this, value))
            return u"must be one of: %1"_s.arg(optionList(*this));
        return {};
    }
    if (type == "list(string)"_L1) {
        const auto items = parseStringList(value);
        if (!items)
            return u"must be a JSON array of strings, e.g. [\"a\",\"b\"]"_s;
        if (!options.isEmpty()) {
            for (const QString &item : *items) {
                if (!hasOption(*this, item))
                    return u"%1 is not one of: %2"_s.arg(quoted(item), optionList(*this));
            }
        }
        return {};
    }
    return u"has the unknown type %1"_s.arg(quoted(type));
}

QJsonObject TemplateParameter::toApiJson() const
{
    QJsonArray apiOptions;
    for (const TemplateParameterOption &option : options)
        apiOptions << QJsonObject{{u"name"_s, option.name},
                                  {u"description"_s, option.description},
                                  {u"value"_s, option.value},
                                  {u"icon"_s, option.icon}};
    return QJsonObject{
        {u"name"_s, name},
        {u"display_name"_s, displayName},
        {u"description"_s, description},
        {u"description_plaintext"_s, plainText(description)},
        {u"type"_s, type},
        {u"form_type"_s, QString()},
        {u"mutable"_s, isMutable},
        {u"default_value"_s, hasDefault ? defaultValue : QString()},
        {u"icon"_s, icon},
        {u"options"_s, apiOptions},
        {u"validation_regex"_s, validationRegex},
        {u"validation_min"_s, optionalInteger(validationMin)},
        {u"validation_max"_s, optionalInteger(validationMax)},
        {u"validation_error"_s, validationError},
        {u"validation_monotonic"_s, validationMonotonic},
        {u"required"_s, !hasDefault},
        {u"ephemeral"_s, ephemeral},
    };
}

core::Result<TemplateParameter, QString> TemplateParameter::fromApiJson(const QJsonObject &json)
{
    TemplateParameter parameter;
    parameter.name = json.value(u"name"_s).toString();
    if (parameter.name.isEmpty())
        return u"a template version parameter has no name"_s;
    parameter.displayName = json.value(u"display_name"_s).toString();
    parameter.description = json.value(u"description"_s).toString();
    parameter.type = json.value(u"type"_s).toString(u"string"_s);
    parameter.isMutable = json.value(u"mutable"_s).toBool();
    parameter.hasDefault = !json.value(u"required"_s).toBool();
    if (parameter.hasDefault)
        parameter.defaultValue = json.value(u"default_value"_s).toString();
    parameter.icon = json.value(u"icon"_s).toString();
    for (const QJsonValue &item : json.value(u"options"_s).toArray()) {
        const QJsonObject option = item.toObject();
        parameter.options << TemplateParameterOption{
            option.value(u"name"_s).toString(), option.value(u"description"_s).toString(),
            option.value(u"value"_s).toString(), option.value(u"icon"_s).toString()};
    }
    parameter.validationRegex = json.value(u"validation_regex"_s).toString();
    parameter.validationError = json.value(u"validation_error"_s).toString();
    for (const auto &[key, bound] : {std::pair{u"validation_min"_s, &parameter.validationMin},
                                     std::pair{u"validation_max"_s, &parameter.validationMax}}) {
        const QJsonValue value = json.value(key);
        if (value.isDouble())
            *bound = qint64(value.toDouble());
        else if (!value.isNull() && !value.isUndefined())
            return u"parameter %1: %2 must be a number or null"_s.arg(parameter.name, key);
    }
    parameter.validationMonotonic = json.value(u"validation_monotonic"_s).toString();
    parameter.ephemeral = json.value(u"ephemeral"_s).toBool();
    static const QStringList types{u"string"_s, u"number"_s, u"bool"_s, u"list(string)"_s};
    if (!types.contains(parameter.type))
        return u"parameter %1: unknown type %2"_s.arg(parameter.name, quoted(parameter.type));
    return parameter;
}

core::Result<TemplateManifest, QString> TemplateManifest::parse(const QByteArray &json,
                                                                const QString &readme)
{
    return TemplateManifestParser::parse(json, readme);
}

core::Result<TemplateManifest, QString> TemplateManifest::load(const QString &directory)
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
    for (const TemplateParameter &parameter : parameters)
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
                agents << agentToJson(agent);
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

core::Result<QList<ParameterValue>, QList<ParameterError>>
resolveParameters(const QList<TemplateParameter> &parameters,
                  const QList<ParameterValue> &requested, const QList<ParameterValue> &previous,
                  bool creating)
{
    QList<ParameterError> errors;
    QSet<QString> known;
    for (const TemplateParameter &parameter : parameters)
        known.insert(parameter.name);
    QMap<QString, QString> requestedValues;
    for (const ParameterValue &value : requested) {
        if (!known.contains(value.name))
            errors << ParameterError{value.name,
                                     u"the template has no parameter %1"_s.arg(quoted(value.name))};
        else if (requestedValues.contains(value.name))
            errors << ParameterError{value.name, u"is given more than once"_s};
        else
            requestedValues.insert(value.name, value.value);
    }
    QMap<QString, QString> previousValues;
    for (const ParameterValue &value : previous)
        previousValues.insert(value.name, value.value);

    QList<ParameterValue> resolved;
    for (const TemplateParameter &parameter : parameters) {
        // An ephemeral value applies to its build only: it never carries over.
        const std::optional<QString> before =
            !parameter.ephemeral && previousValues.contains(parameter.name)
                ? std::optional<QString>(previousValues.value(parameter.name))
                : std::nullopt;
        QString value;
        if (requestedValues.contains(parameter.name)) {
            value = requestedValues.value(parameter.name);
            if (!creating && !parameter.isMutable && before && *before != value) {
                errors << ParameterError{
                    parameter.name,
                    u"is immutable: it cannot change after the workspace was created "
                    "(it is %1)"_s.arg(quoted(*before))};
                continue;
            }
        } else if (before) {
            value = *before;
        } else if (parameter.hasDefault) {
            value = parameter.defaultValue;
        } else {
            errors << ParameterError{parameter.name, u"is required"_s};
            continue;
        }
        if (const QString problem = parameter.validate(value); !problem.isEmpty()) {
            errors << ParameterError{parameter.name, problem};
            continue;
        }
        if (before && !parameter.validationMonotonic.isEmpty()) {
            const auto now = parseInteger(value);
            const auto then = parseInteger(*before);
            if (now && then) {
                if (parameter.validationMonotonic == "increasing"_L1 && *now < *then) {
                    errors << ParameterError{
                        parameter.name, u"can only increase: it must be at least %1"_s.arg(*then)};
                    continue;
                }
                if (parameter.validationMonotonic == "decreasing"_L1 && *now > *then) {
                    errors << ParameterError{
                        parameter.name, u"can only decrease: it must be at most %1"_s.arg(*then)};
                    continue;
                }
            }
        }
        resolved << ParameterValue{parameter.name, value};
    }
    if (!errors.isEmpty())
        return errors;
    return resolved;
}

} // namespace coder::server
