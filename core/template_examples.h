#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace coder::core {

// The example templates of resources/templates, built into the binary, for
// `coder templates init`.
class TemplateExamples
{
public:
    // The examples' names ("docker", "local"), sorted.
    static QStringList names();
    // Writes the example's files into directory (created when missing). Refuses, before
    // writing anything, when one of the files already exists there.
    static Result<Ok, QString> write(const QString &name, const QString &directory);
};

} // namespace coder::core
