#pragma once

#include "core/api_types.h"

#include <QDialog>
#include <QUrl>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTabWidget;

namespace coder::ui {

class LoginFlow;

// Logging in to a deployment: its URL, then a password or a pasted token; a deployment without
// users yet asks for its owner account instead. Shown with open(), never exec(): the app (its
// tray, its forwards) goes on meanwhile. Errors appear in the dialog, which stays open with
// what was typed; on success, loggedIn and the dialog closes.
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    explicit LoginDialog(QWidget *parent = nullptr);

    // Pre-fills the URL (and locks it: logging in again to the same deployment).
    void setDeployment(const QUrl &url, bool fixed);
    void setMessage(const QString &message);

Q_SIGNALS:
    void loggedIn(const QUrl &url, const QString &token, const coder::core::User &user);

private:
    void submit();
    void onReachable(bool hasFirstUser);
    void setBusy(bool busy);
    void showError(const QString &message);

    LoginFlow *m_flow;
    QLineEdit *m_url;
    QStackedWidget *m_pages; // the login tabs, or the owner form
    QTabWidget *m_methods;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QLineEdit *m_token;
    QLineEdit *m_ownerUsername;
    QLineEdit *m_ownerEmail;
    QLineEdit *m_ownerPassword;
    QLabel *m_message;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QUrl m_submittedUrl;
};

} // namespace coder::ui
