#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace coder::ui {

class DeploymentList;

// What the window shows without a session: connect to a deployment, start a local server, or
// reopen a remembered deployment; and why there is no session (logged out, token missing).
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(DeploymentList &deployments, QWidget *parent = nullptr);

    void setMessage(const QString &message);
    QPushButton *connectButton() const { return m_connect; }
    QPushButton *localServerButton() const { return m_localServer; }

Q_SIGNALS:
    void connectRequested();
    void localServerRequested();
    void deploymentChosen(const QString &deploymentId);

private:
    void refresh();

    DeploymentList &m_deployments;
    QLabel *m_message;
    QPushButton *m_connect;
    QPushButton *m_localServer;
    QLabel *m_knownLabel;
    QListWidget *m_known;
};

} // namespace coder::ui
