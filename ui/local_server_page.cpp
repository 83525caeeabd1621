#include "local_server_page.h"

#include "embedded_server.h"
#include "workspace_status.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace coder::ui {

LocalServerPage::LocalServerPage(EmbeddedServer &server, QWidget *parent)
    : QWidget(parent), m_server(server), m_state(new QLabel(this)), m_url(new QLabel(this)),
      m_health(new QLabel(this)), m_failure(new QLabel(this)), m_log(new QPlainTextEdit(this)),
      m_start(new QPushButton(tr("&Start"), this)), m_stop(new QPushButton(tr("S&top"), this))
{
    m_state->setObjectName(QStringLiteral("serverState"));
    m_url->setObjectName(QStringLiteral("serverUrl"));
    m_url->setOpenExternalLinks(true);
    m_url->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_health->setObjectName(QStringLiteral("serverHealth"));
    m_failure->setObjectName(QStringLiteral("serverFailure"));
    m_failure->setWordWrap(true);
    m_failure->setTextInteractionFlags(Qt::TextSelectableByMouse);
    StatusLook::styleProblem(m_failure);
    m_log->setObjectName(QStringLiteral("serverLog"));
    m_log->setAccessibleName(tr("Local server log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(EmbeddedServer::kMaxLogLines);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_start->setObjectName(QStringLiteral("startServer"));
    m_stop->setObjectName(QStringLiteral("stopServer"));
    connect(m_start, &QPushButton::clicked, this, &LocalServerPage::startRequested);
    connect(m_stop, &QPushButton::clicked, this, &LocalServerPage::stopRequested);

    auto *title = new QLabel(tr("Local server"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    title->setFont(big);
    auto *form = new QFormLayout;
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("URL:"), m_url);
    form->addRow(tr("Health:"), m_health);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addWidget(m_failure);
    layout->addLayout(buttons);
    layout->addWidget(m_log, 1);

    for (const QString &line : server.log())
        m_log->appendPlainText(line);
    connect(&server, &EmbeddedServer::logLine, m_log, &QPlainTextEdit::appendPlainText);
    connect(&server, &EmbeddedServer::stateChanged, this, &LocalServerPage::refresh);
    connect(&server, &EmbeddedServer::healthChanged, this, &LocalServerPage::refresh);
    refresh();
}

void LocalServerPage::refresh()
{
    using State = EmbeddedServer::State;
    const State state = m_server.state();
    static const QHash<State, QString> names{{State::Stopped, tr("Stopped")},
                                             {State::Starting, tr("Starting…")},
                                             {State::Running, tr("Running")},
                                             {State::Stopping, tr("Stopping…")},
                                             {State::Failed, tr("Not running")}};
    m_state->setText(names.value(state));
    const QString url = m_server.url().toString();
    m_url->setText(state == State::Running
                       ? QStringLiteral("<a href=\"%1\">%1</a> (%2)")
                             .arg(url.toHtmlEscaped(), m_server.database().toHtmlEscaped())
                       : QStringLiteral("—"));
    const StatusLook health{state != State::Running ? tr("—")
                            : m_server.healthy()    ? tr("Answering")
                                                    : tr("Not answering"),
                            state != State::Running ? StatusLook::Tone::Idle
                            : m_server.healthy()    ? StatusLook::Tone::Good
                                                    : StatusLook::Tone::Bad};
    m_health->setText(health.text);
    m_failure->setText(m_server.failure());
    m_failure->setVisible(state == State::Failed);
    m_start->setEnabled(state == State::Stopped || state == State::Failed);
    m_stop->setEnabled(state == State::Running || state == State::Starting);
}

} // namespace coder::ui
