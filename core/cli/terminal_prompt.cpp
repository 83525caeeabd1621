#include "terminal_prompt.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace coder::core::cli {

namespace {

// Prompts go to stderr so that stdout carries only a command's result.
void show(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

// The terminal state to put back if the user interrupts a hidden prompt: a shell left
// without echo is what Ctrl-C at a password prompt must never cause.
termios savedTerminal{};

extern "C" void restoreTerminalAndReraise(int signal)
{
    ::tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal); // async-signal-safe
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

std::optional<QString> readLine()
{
    std::string line;
    if (!std::getline(std::cin, line))
        return std::nullopt;
    return QString::fromLocal8Bit(line.data(), static_cast<qsizetype>(line.size()));
}

} // namespace

bool TerminalPrompt::stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

std::optional<QString> TerminalPrompt::ask(const QString &label, const QString &defaultValue)
{
    show(defaultValue.isEmpty() ? label + QStringLiteral(": ")
                                : QStringLiteral("%1 [%2]: ").arg(label, defaultValue));
    auto answer = readLine();
    if (!answer)
        return std::nullopt;
    const QString trimmed = answer->trimmed();
    return trimmed.isEmpty() ? defaultValue : trimmed;
}

std::optional<QString> TerminalPrompt::askSecret(const QString &label)
{
    // Echo goes off before the prompt shows: whatever is typed after seeing it stays hidden.
    const bool haveTerminal = ::tcgetattr(STDIN_FILENO, &savedTerminal) == 0;
    struct sigaction restore
    {
    };
    struct sigaction previousInt
    {
    };
    struct sigaction previousTerm
    {
    };
    if (haveTerminal) {
        restore.sa_handler = restoreTerminalAndReraise;
        sigemptyset(&restore.sa_mask);
        ::sigaction(SIGINT, &restore, &previousInt);
        ::sigaction(SIGTERM, &restore, &previousTerm);
        termios silent = savedTerminal;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        silent.c_lflag |= ECHONL;
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    show(label + QStringLiteral(": "));
    auto answer = readLine();
    if (haveTerminal) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal);
        ::sigaction(SIGINT, &previousInt, nullptr);
        ::sigaction(SIGTERM, &previousTerm, nullptr);
    }
    return answer;
}

bool TerminalPrompt::confirm(const QString &question)
{
    const auto answer = ask(question + QStringLiteral(" (yes/no)"));
    if (!answer)
        return false;
    const QString lower = answer->toLower();
    return lower == u"yes" || lower == u"y";
}

} // namespace coder::core::cli
