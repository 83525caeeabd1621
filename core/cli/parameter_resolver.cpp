#include "parameter_resolver.h"

#include "core/cli/terminal_prompt.h"
#include "core/template_parameters.h"

#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <cstdio>

namespace coder::core::cli {

namespace {

void show(const QString &text)
{
    std::fputs((text + u'\n').toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

} // namespace

Result<QList<WorkspaceBuildParameter>, QString>
ParameterResolver::resolve(const QList<TemplateVersionParameter> &parameters,
                           const QMap<QString, QString> &given, const Prompt &prompt)
{
    QSet<QString> known;
    for (const auto &parameter : parameters)
        known.insert(parameter.name);
    QStringList problems;
    for (auto it = given.begin(); it != given.end(); ++it) {
        if (known.contains(it.key()))
            continue;
        QStringList names(known.begin(), known.end());
        names.sort();
        problems.append(QStringLiteral("the template has no parameter \"%1\" (%2)")
                            .arg(it.key(), names.isEmpty() ? QStringLiteral("it has none")
                                                           : QStringLiteral("it has: ") +
                                                                 names.join(QStringLiteral(", "))));
    }

    QList<WorkspaceBuildParameter> values;
    for (const auto &parameter : parameters) {
        if (given.contains(parameter.name)) {
            const QString value = given.value(parameter.name);
            if (const QString problem = parameterProblem(parameter, value); !problem.isEmpty())
                problems.append(QStringLiteral("invalid value for parameter %1: %2")
                                    .arg(parameter.name, problem));
            else
                values.append({parameter.name, value});
            continue;
        }
        if (!parameter.required)
            continue; // the server uses the default
        if (!prompt) {
            problems.append(QStringLiteral("parameter %1 is required: pass --parameter %1=value")
                                .arg(parameter.name));
            continue;
        }
        if (!problems.isEmpty())
            continue; // report what is wrong before asking for more
        const auto answer = prompt(parameter);
        if (!answer)
            return QStringLiteral("canceled");
        values.append({parameter.name, *answer});
    }
    if (!problems.isEmpty())
        return problems.join(u'\n');
    return values;
}

std::optional<QString> ParameterResolver::askOnTerminal(const TemplateVersionParameter &parameter)
{
    const QString title =
        parameter.displayName.isEmpty()
            ? parameter.name
            : QStringLiteral("%1 (%2)").arg(parameter.displayName, parameter.name);
    show(QString());
    show(title);
    const QString description = parameter.descriptionPlaintext.isEmpty()
                                    ? parameter.description
                                    : parameter.descriptionPlaintext;
    if (!description.isEmpty())
        show(QStringLiteral("  ") + description.trimmed().replace(u'\n', QStringLiteral("\n  ")));
    for (qsizetype i = 0; i < parameter.options.size(); ++i) {
        const auto &option = parameter.options[i];
        QString line = QStringLiteral("  %1) %2")
                           .arg(i + 1)
                           .arg(option.name.isEmpty() ? option.value : option.name);
        if (!option.description.isEmpty())
            line += QStringLiteral(" - ") + option.description;
        show(line);
    }
    for (;;) {
        const auto answer = TerminalPrompt::ask(QStringLiteral("Value"), parameter.defaultValue);
        if (!answer)
            return std::nullopt;
        QString value = *answer;
        bool isIndex = false;
        const int index = value.toInt(&isIndex);
        for (qsizetype i = 0; i < parameter.options.size(); ++i) {
            const auto &option = parameter.options[i];
            if ((isIndex && index == i + 1 && parameter.type != u"number") || option.name == value)
                value = option.value;
        }
        if (value.isEmpty()) {
            show(QStringLiteral("A value is required."));
            continue;
        }
        const QString problem = parameterProblem(parameter, value);
        if (problem.isEmpty())
            return value;
        show(problem);
    }
}

} // namespace coder::core::cli
