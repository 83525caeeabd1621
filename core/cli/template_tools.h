#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>

namespace coder::core::cli {

// What `coder templates init|push` need from the template format, which lives with the
// provisioners (server/provisioner: archives through libarchive, the embedded examples).
// coder_cli must not link server libraries, so app/cli/main.cpp hands these in; a command
// whose tool is missing says so instead of running.
struct TemplateTools
{
    // A tar archive of a template directory, as `coder templates push` uploads it.
    std::function<Result<QByteArray, QString>(const QString &directory)> pack;
    // The names of the example templates (`coder templates init --id NAME`).
    std::function<QStringList()> exampleNames;
    // Writes the example `name` into `directory` (created when missing).
    std::function<Result<Ok, QString>(const QString &name, const QString &directory)> writeExample;
};

} // namespace coder::core::cli
