#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace coder::core {

// Owner-only files for client state and secrets. Writes go to a temporary file created 0600
// in the same directory and are renamed over the target, so a reader sees either the old or
// the new content and the data is never readable by others, not even briefly.
class PrivateFile
{
public:
    static Result<Ok, QString> write(const QString &path, const QByteArray &data);
    // An absent file is not an error: it reads as std::nullopt.
    static Result<std::optional<QByteArray>, QString> read(const QString &path);
    // Removing an absent file succeeds.
    static Result<Ok, QString> remove(const QString &path);
    // Creates the directory (and parents) 0700 when it does not exist yet.
    static Result<Ok, QString> ensureDirectory(const QString &path);
};

} // namespace coder::core
