#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace coder::ui {

class EmbeddedServer;

// The local server as the user sees it: its state, URL, database and health, why it failed and
// what to do, its live log, and buttons to start and stop it.
class LocalServerPage : public QWidget
{
    Q_OBJECT
public:
    explicit LocalServerPage(EmbeddedServer &server, QWidget *parent = nullptr);

Q_SIGNALS:
    void startRequested();
    void stopRequested();

private:
    void refresh();

    EmbeddedServer &m_server;
    QLabel *m_state;
    QLabel *m_url;
    QLabel *m_health;
    QLabel *m_failure;
    QPlainTextEdit *m_log;
    QPushButton *m_start;
    QPushButton *m_stop;
};

} // namespace coder::ui
