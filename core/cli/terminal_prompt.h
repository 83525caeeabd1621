#pragma once

#include <QString>
#include <optional>

namespace coder::core::cli {

// Interactive questions on the controlling terminal. They block while the user types, which
// is fine for a CLI that has nothing else in flight at that moment; callers only ask when
// stdin is a terminal. std::nullopt means end of input (Ctrl-D).
class TerminalPrompt
{
public:
    static bool stdinIsTerminal();
    // Shows "label: " (with the default in brackets) and returns the trimmed answer, or the
    // default when the answer is empty.
    static std::optional<QString> ask(const QString &label, const QString &defaultValue = {});
    // Reads without echo (termios ECHO off, restored afterwards).
    static std::optional<QString> askSecret(const QString &label);
    // "yes"/"y" (any case) is yes; anything else is no.
    static bool confirm(const QString &question);
};

} // namespace coder::core::cli
