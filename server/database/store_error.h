#pragma once

#include "core/result.h"

#include <QString>

namespace coder::server {

// How a Store call failed.
struct StoreError
{
    // Unavailable: no database answers (not started, restarting, unreachable); worth retrying.
    enum Kind { NotFound, Conflict, Unavailable, Internal } kind = Internal;
    QString message; // for Conflict: what clashed; for Internal: the driver's text (never a secret)
    QString field;   // for Conflict: the field that must be unique ("username", "email", ...)
};

template <typename T> using StoreResult = core::Result<T, StoreError>;

} // namespace coder::server
