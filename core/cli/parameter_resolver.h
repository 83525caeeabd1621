#pragma once

#include "core/result.h"
#include "core/workspace_types.h"

#include <QMap>
#include <QString>
#include <functional>
#include <optional>

namespace coder::core::cli {

// Turns a template version's rich parameters and the --parameter NAME=VALUE flags into the
// values a new workspace is built with. A required parameter without a flag is asked for on a
// terminal, and is an error naming the flag to pass otherwise; the server applies defaults.
class ParameterResolver
{
public:
    // Asks for one value; nullopt when the user ended input (Ctrl-D).
    using Prompt = std::function<std::optional<QString>(const TemplateVersionParameter &)>;

    // prompt: nullptr when there is no terminal to ask on.
    static Result<QList<WorkspaceBuildParameter>, QString>
    resolve(const QList<TemplateVersionParameter> &parameters, const QMap<QString, QString> &given,
            const Prompt &prompt);

    // The Prompt for a terminal: shows the parameter's name, description and options on
    // stderr, and asks again until the answer is valid. An option may be chosen by its
    // number, its name or its value.
    static std::optional<QString> askOnTerminal(const TemplateVersionParameter &parameter);
};

} // namespace coder::core::cli
