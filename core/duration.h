#pragma once

#include "core/result.h"

#include <QString>

namespace coder::core::duration {

// Go's duration syntax (time.ParseDuration) as Coder's CLI takes it: "8h", "1h30m", "90m",
// "45s", "1.5h", "250ms", "10us", "5ns"; with Days::Allowed also Coder's "d" ("30d", for token
// lifetimes). The one parser of durations for the CLI and the desktop.

enum class Days { Refused, Allowed };

// In nanoseconds, > 0; a clear message otherwise.
Result<qint64, QString> parseNanoseconds(const QString &text, Days days = Days::Refused);
// In milliseconds (rounded), > 0; a clear message otherwise.
Result<qint64, QString> parse(const QString &text);
// "8h", "1h30m", "45m", "30s", "0s": the largest units, zeros left out (below a second: "0s").
QString format(qint64 milliseconds);

} // namespace coder::core::duration
