#include "template_parameters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace coder::core {

namespace {

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

// Coder's validation_error may name {min}, {max} and {value}.
QString customError(const TemplateVersionParameter &parameter, const QString &value,
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

QString optionList(const TemplateVersionParameter &parameter)
{
    QStringList values;
    for (const TemplateVersionParameterOption &option : parameter.options)
        values << quoted(option.value);
    return values.join(u", "_s);
}

bool hasOption(const TemplateVersionParameter &parameter, const QString &value)
{
    for (const TemplateVersionParameterOption &option : parameter.options) {
        if (option.value == value)
            return true;
    }
    return false;
}

} // namespace

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

// A light reading of Markdown as plain text, for Coder's description_plaintext.
QString markdownToPlainText(const QString &markdown)
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

QString parameterProblem(const TemplateVersionParameter &parameter, const QString &value)
{
    if (parameter.type == "string"_L1) {
        if (!parameter.options.isEmpty() && !hasOption(parameter, value))
            return u"must be one of: %1"_s.arg(optionList(parameter));
        if (!parameter.validationRegex.isEmpty()) {
            const QRegularExpression re(
                QRegularExpression::anchoredPattern(parameter.validationRegex));
            if (!re.isValid())
                return u"cannot be checked: the template's regex is invalid"_s;
            if (!re.match(value).hasMatch())
                return customError(
                    parameter, value,
                    u"must match the regular expression %1"_s.arg(parameter.validationRegex));
        }
        return {};
    }
    if (parameter.type == "number"_L1) {
        const auto number = parseInteger(value);
        if (!number)
            return u"must be an integer, got %1"_s.arg(quoted(value));
        if (!parameter.options.isEmpty() && !hasOption(parameter, value))
            return u"must be one of: %1"_s.arg(optionList(parameter));
        const bool tooSmall = parameter.validationMin && *number < *parameter.validationMin;
        const bool tooLarge = parameter.validationMax && *number > *parameter.validationMax;
        if (!tooSmall && !tooLarge)
            return {};
        if (parameter.validationMin && parameter.validationMax)
            return customError(parameter, value,
                               u"must be between %1 and %2"_s.arg(*parameter.validationMin)
                                   .arg(*parameter.validationMax));
        return customError(parameter, value,
                           tooSmall ? u"must be at least %1"_s.arg(*parameter.validationMin)
                                    : u"must be at most %1"_s.arg(*parameter.validationMax));
        return {};
    }
    if (parameter.type == "bool"_L1) {
        if (value != "true"_L1 && value != "false"_L1)
            return u"must be \"true\" or \"false\", got %1"_s.arg(quoted(value));
        if (!parameter.options.isEmpty() && !hasOption(parameter, value))
            return u"must be one of: %1"_s.arg(optionList(parameter));
        return {};
    }
    if (parameter.type == "list(string)"_L1) {
        const auto items = parseStringList(value);
        if (!items)
            return u"must be a JSON array of strings, e.g. [\"a\",\"b\"]"_s;
        if (!parameter.options.isEmpty()) {
            for (const QString &item : *items) {
                if (!hasOption(parameter, item))
                    return u"%1 is not one of: %2"_s.arg(quoted(item), optionList(parameter));
            }
        }
        return {};
    }
    return u"has the unknown parameter.type %1"_s.arg(quoted(parameter.type));
}

Result<QList<WorkspaceBuildParameter>, QList<ParameterError>>
resolveParameters(const QList<TemplateVersionParameter> &parameters,
                  const QList<WorkspaceBuildParameter> &requested,
                  const QList<WorkspaceBuildParameter> &previous, bool creating)
{
    QList<ParameterError> errors;
    QSet<QString> known;
    for (const TemplateVersionParameter &parameter : parameters)
        known.insert(parameter.name);
    QMap<QString, QString> requestedValues;
    for (const WorkspaceBuildParameter &value : requested) {
        if (!known.contains(value.name))
            errors << ParameterError{value.name,
                                     u"the template has no parameter %1"_s.arg(quoted(value.name))};
        else if (requestedValues.contains(value.name))
            errors << ParameterError{value.name, u"is given more than once"_s};
        else
            requestedValues.insert(value.name, value.value);
    }
    QMap<QString, QString> previousValues;
    for (const WorkspaceBuildParameter &value : previous)
        previousValues.insert(value.name, value.value);

    QList<WorkspaceBuildParameter> resolved;
    for (const TemplateVersionParameter &parameter : parameters) {
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
        } else if (!parameter.required) {
            value = parameter.defaultValue;
        } else {
            errors << ParameterError{parameter.name, u"is required"_s};
            continue;
        }
        if (const QString problem = parameterProblem(parameter, value); !problem.isEmpty()) {
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
        resolved << WorkspaceBuildParameter{parameter.name, value};
    }
    if (!errors.isEmpty())
        return errors;
    return resolved;
}

} // namespace coder::core
