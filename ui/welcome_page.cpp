#include "welcome_page.h"

#include "deployment_list.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace coder::ui {

WelcomePage::WelcomePage(DeploymentList &deployments, QWidget *parent)
    : QWidget(parent), m_deployments(deployments)
{
    auto *title = new QLabel(tr("Welcome to Coder"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    title->setFont(big);
    auto *intro = new QLabel(tr("Remote development environments on your own infrastructure. "
                                "Connect to a deployment, or start a server on this computer "
                                "to try it out."),
                             this);
    intro->setWordWrap(true);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("welcomeMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    m_connect = new QPushButton(tr("&Connect to a deployment…"), this);
    m_connect->setObjectName(QStringLiteral("connect"));
    m_connect->setDefault(true);
    m_localServer = new QPushButton(tr("&Start a local server"), this);
    m_localServer->setObjectName(QStringLiteral("startLocalServer"));
    connect(m_connect, &QPushButton::clicked, this, &WelcomePage::connectRequested);
    connect(m_localServer, &QPushButton::clicked, this, &WelcomePage::localServerRequested);

    m_knownLabel = new QLabel(tr("Deployments you used (double-click to open):"), this);
    m_known = new QListWidget(this);
    m_known->setObjectName(QStringLiteral("knownDeployments"));
    m_known->setAccessibleName(tr("Deployments you used"));
    connect(m_known, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT deploymentChosen(item->data(Qt::UserRole).toString());
    });

    auto *column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(intro);
    column->addSpacing(12);
    column->addWidget(m_message);
    column->addWidget(m_connect);
    column->addWidget(m_localServer);
    column->addSpacing(12);
    column->addWidget(m_knownLabel);
    column->addWidget(m_known);
    column->addStretch(1);
    auto *outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 3);
    outer->addStretch(1);

    connect(&m_deployments, &DeploymentList::changed, this, &WelcomePage::refresh);
    refresh();
}

void WelcomePage::setMessage(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void WelcomePage::refresh()
{
    m_known->clear();
    for (const Deployment &deployment : m_deployments.all()) {
        auto *item = new QListWidgetItem(
            deployment.username.isEmpty()
                ? deployment.displayName()
                : tr("%1 — %2").arg(deployment.displayName(), deployment.username),
            m_known);
        item->setData(Qt::UserRole, deployment.id());
        item->setToolTip(deployment.url.toString());
    }
    m_knownLabel->setVisible(m_known->count() > 0);
    m_known->setVisible(m_known->count() > 0);
}

} // namespace coder::ui
