#pragma once

#include "core/result.h"
#include "core/workspace_types.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace coder::core {

// The rules of a template's parameters (Coder's TemplateVersionParameter), implemented once for
// coderd's builds, the CLI and the desktop's parameter form: whether a value fits a parameter,
// and which values a build uses.

// Empty when value fits the parameter's type, options and validation (regex, min/max, with the
// template's own validation_error); otherwise why not, fit for the user.
QString parameterProblem(const TemplateVersionParameter &parameter, const QString &value);

struct ParameterError
{
    QString field; // the parameter's name
    QString detail;
};

// The values a build uses: requested values first, then the previous build's (ephemeral ones
// never carry over), then defaults. Unknown names, invalid values, a required parameter without
// value, a monotonic one going the wrong way and (when !creating) a change of an immutable one
// are errors, one per parameter.
Result<QList<WorkspaceBuildParameter>, QList<ParameterError>>
resolveParameters(const QList<TemplateVersionParameter> &parameters,
                  const QList<WorkspaceBuildParameter> &requested,
                  const QList<WorkspaceBuildParameter> &previous, bool creating);

// A "number" parameter's value as an integer; nullopt when it is not one.
std::optional<qint64> parseInteger(const QString &value);
// A "list(string)" parameter's value (a JSON array of strings); nullopt when it is not one.
std::optional<QStringList> parseStringList(const QString &value);
// A light reading of Markdown as plain text, for description_plaintext.
QString markdownToPlainText(const QString &markdown);

} // namespace coder::core
