#include "workspace_status.h"

#include "core/workspace_types.h"

#include <QHash>
#include <QLabel>
#include <QPainter>
#include <QPixmap>

namespace coder::ui {

namespace {

QString capitalized(QString word)
{
    if (!word.isEmpty())
        word[0] = word[0].toUpper();
    return word.replace(u'_', u' ');
}

// Worse states first: what the agents' summary shows.
int severity(StatusLook::Tone tone)
{
    switch (tone) {
    case StatusLook::Tone::Bad:
        return 3;
    case StatusLook::Tone::Busy:
        return 2;
    case StatusLook::Tone::Idle:
        return 1;
    case StatusLook::Tone::Good:
        return 0;
    }
    return 0;
}

} // namespace

QColor StatusLook::color() const
{
    // Mid-tones: legible as text and as a dot on light and dark palettes alike.
    switch (tone) {
    case Tone::Good:
        return QColor(0x2e, 0xa0, 0x43);
    case Tone::Busy:
        return QColor(0xd0, 0x8c, 0x00);
    case Tone::Bad:
        return QColor(0xd1, 0x3b, 0x3b);
    case Tone::Idle:
        return QColor(0x8a, 0x8f, 0x98);
    }
    return {};
}

QIcon StatusLook::icon() const
{
    static QHash<int, QIcon> icons; // GUI thread only
    const int key = int(tone);
    if (const auto found = icons.constFind(key); found != icons.cend())
        return *found;
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap dot(size, size);
        dot.fill(Qt::transparent);
        QPainter painter(&dot);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(color());
        const qreal margin = size * 0.22;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        painter.end();
        icon.addPixmap(dot);
    }
    icons.insert(key, icon);
    return icon;
}

void StatusLook::styleProblem(QLabel *label)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, StatusLook{QString(), Tone::Bad}.color());
    label->setPalette(palette);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

StatusLook StatusLook::ofWorkspace(const core::Workspace &workspace)
{
    const QString &status = workspace.latestBuild.status;
    StatusLook look{capitalized(status), Tone::Idle};
    if (status == u"running")
        look.tone = Tone::Good;
    else if (status == u"pending" || status == u"starting" || status == u"stopping" ||
             status == u"deleting" || status == u"canceling")
        look.tone = Tone::Busy;
    else if (status == u"failed")
        look.tone = Tone::Bad;
    if (status.isEmpty())
        look.text = QStringLiteral("Unknown");
    return look;
}

StatusLook StatusLook::ofAgent(const core::WorkspaceAgent &agent)
{
    StatusLook look{capitalized(agent.status), Tone::Busy};
    if (agent.status == u"connected") {
        const QString &lifecycle = agent.lifecycleState;
        look.text += QStringLiteral(" · ") + capitalized(lifecycle);
        if (lifecycle == u"ready")
            look.tone = Tone::Good;
        else if (lifecycle.endsWith(u"error") || lifecycle.endsWith(u"timeout"))
            look.tone = Tone::Bad;
        else if (lifecycle == u"off")
            look.tone = Tone::Idle;
    } else if (agent.status == u"disconnected" || agent.status == u"timeout") {
        look.tone = Tone::Bad;
    }
    return look;
}

StatusLook StatusLook::ofAgents(const core::Workspace &workspace)
{
    std::optional<StatusLook> worst;
    int count = 0;
    for (const core::WorkspaceResource &resource : workspace.latestBuild.resources) {
        for (const core::WorkspaceAgent &agent : resource.agents) {
            ++count;
            const StatusLook look = ofAgent(agent);
            if (!worst || severity(look.tone) > severity(worst->tone))
                worst = look;
        }
    }
    // A stopped workspace's build lists no agents, or agents that will not connect.
    if (!worst || workspace.latestBuild.transition != u"start")
        return {QStringLiteral("—"), Tone::Idle};
    if (count > 1)
        worst->text = QStringLiteral("%1 agents: %2").arg(count).arg(worst->text);
    return *worst;
}

} // namespace coder::ui
