#include "login_dialog.h"

#include "core/client_config.h"
#include "login_flow.h"
#include "workspace_status.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

namespace coder::ui {

namespace {

QLineEdit *field(QWidget *parent, const QString &objectName, const QString &accessibleName,
                 QLineEdit::EchoMode echo = QLineEdit::Normal)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setAccessibleName(accessibleName);
    edit->setEchoMode(echo);
    return edit;
}

} // namespace

LoginDialog::LoginDialog(QWidget *parent) : QDialog(parent), m_flow(new LoginFlow(this))
{
    setWindowTitle(tr("Log in to a deployment"));
    setMinimumWidth(460);
    m_url = field(this, QStringLiteral("url"), tr("Deployment URL"));
    m_url->setPlaceholderText(QStringLiteral("https://coder.example.com"));

    m_methods = new QTabWidget(this);
    auto *passwordTab = new QWidget(m_methods);
    auto *passwordForm = new QFormLayout(passwordTab);
    m_email = field(passwordTab, QStringLiteral("email"), tr("Email"));
    m_password =
        field(passwordTab, QStringLiteral("password"), tr("Password"), QLineEdit::Password);
    passwordForm->addRow(tr("&Email:"), m_email);
    passwordForm->addRow(tr("&Password:"), m_password);
    m_methods->addTab(passwordTab, tr("Pass&word"));
    auto *tokenTab = new QWidget(m_methods);
    auto *tokenForm = new QFormLayout(tokenTab);
    m_token = field(tokenTab, QStringLiteral("token"), tr("Session token"), QLineEdit::Password);
    m_token->setPlaceholderText(tr("from coder tokens create, or the web's /cli-auth"));
    tokenForm->addRow(tr("&Token:"), m_token);
    m_methods->addTab(tokenTab, tr("To&ken"));

    auto *ownerPage = new QWidget(this);
    auto *ownerForm = new QFormLayout(ownerPage);
    auto *ownerNote = new QLabel(
        tr("This deployment has no users yet. Create its owner account: it can manage users, "
           "templates and every workspace."),
        ownerPage);
    ownerNote->setWordWrap(true);
    m_ownerUsername = field(ownerPage, QStringLiteral("ownerUsername"), tr("Owner username"));
    m_ownerEmail = field(ownerPage, QStringLiteral("ownerEmail"), tr("Owner email"));
    m_ownerPassword = field(ownerPage, QStringLiteral("ownerPassword"), tr("Owner password"),
                            QLineEdit::Password);
    ownerForm->addRow(ownerNote);
    ownerForm->addRow(tr("&Username:"), m_ownerUsername);
    ownerForm->addRow(tr("E&mail:"), m_ownerEmail);
    ownerForm->addRow(tr("Pass&word:"), m_ownerPassword);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_methods);
    m_pages->addWidget(ownerPage);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->hide();
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    StatusLook::styleProblem(m_error);
    m_error->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Log in"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("logIn"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    auto *urlForm = new QFormLayout;
    urlForm->addRow(tr("&URL:"), m_url);
    layout->addWidget(m_message);
    layout->addLayout(urlForm);
    layout->addWidget(m_pages);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_flow, &LoginFlow::reachable, this, &LoginDialog::onReachable);
    connect(m_flow, &LoginFlow::failed, this, &LoginDialog::showError);
    connect(m_flow, &LoginFlow::succeeded, this,
            [this](const QUrl &url, const QString &token, const core::User &user) {
                setBusy(false);
                Q_EMIT loggedIn(url, token, user);
                accept();
            });
}

void LoginDialog::setDeployment(const QUrl &url, bool fixed)
{
    m_url->setText(url.toString());
    m_url->setReadOnly(fixed);
}

void LoginDialog::setMessage(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void LoginDialog::submit()
{
    const auto url = core::ClientConfig::normalizeUrl(m_url->text());
    if (!url) {
        showError(url.error());
        m_url->setFocus();
        return;
    }
    m_error->hide();
    setBusy(true);
    if (m_pages->currentIndex() == 1 && m_submittedUrl == *url) {
        core::CreateFirstUserRequest owner;
        owner.username = m_ownerUsername->text().trimmed();
        owner.email = m_ownerEmail->text().trimmed();
        owner.password = m_ownerPassword->text();
        m_flow->createOwner(*url, owner);
        return;
    }
    m_submittedUrl = *url;
    m_flow->probe(*url);
}

void LoginDialog::onReachable(bool hasFirstUser)
{
    if (!hasFirstUser) {
        setBusy(false);
        m_pages->setCurrentIndex(1);
        m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create owner account"));
        m_ownerUsername->setFocus();
        return;
    }
    m_pages->setCurrentIndex(0);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Log in"));
    if (m_methods->currentIndex() == 1)
        m_flow->logInWithToken(m_submittedUrl, m_token->text());
    else
        m_flow->logInWithPassword(m_submittedUrl, m_email->text().trimmed(), m_password->text());
}

void LoginDialog::setBusy(bool busy)
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    m_pages->setEnabled(!busy);
    m_url->setEnabled(!busy);
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void LoginDialog::showError(const QString &message)
{
    setBusy(false);
    m_error->setText(message);
    m_error->show();
}

} // namespace coder::ui
