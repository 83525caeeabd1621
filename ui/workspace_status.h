#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

class QLabel;

namespace coder::core {
struct Workspace;
struct WorkspaceAgent;
} // namespace coder::core

namespace coder::ui {

// How a workspace's and an agent's state look everywhere in the app (the table, the workspace
// view, the tray): one word, a colour that reads on light and dark palettes, a dot icon.
struct StatusLook
{
    enum class Tone { Good, Busy, Idle, Bad };

    QString text;
    Tone tone = Tone::Idle;

    QColor color() const;
    // A filled dot of color(), made once per tone.
    QIcon icon() const;

    // The latest build's status: "Running", "Starting", "Stopped", "Failed", ...
    static StatusLook ofWorkspace(const core::Workspace &workspace);
    // "Connected · Ready", "Connecting", "Disconnected", "Timeout", ...
    static StatusLook ofAgent(const core::WorkspaceAgent &agent);
    // The agents of the latest build in one: the one most in need of attention, with a count
    // when there are several; "—" (Idle) when there are none (a stopped workspace).
    static StatusLook ofAgents(const core::Workspace &workspace);

    // A label that says what went wrong (a refused value, a failed start): wrapped, selectable,
    // in the Bad tone's colour, through the palette so the style still draws it.
    static void styleProblem(QLabel *label);
};

} // namespace coder::ui
