#pragma once

#include "core/api_client.h"
#include "core/api_types.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

namespace coder::ui {

// The steps of logging in to a deployment, without widgets: find out whether it is reachable
// and has users, then log in with a password or check a pasted token, or create the first
// (owner) account and log in with it. One attempt at a time; each ends in exactly one of
// succeeded or failed (or needsFirstUser after probe()).
class LoginFlow : public QObject
{
    Q_OBJECT
public:
    explicit LoginFlow(QObject *parent = nullptr);

    // Whether the deployment at url answers and has its first user yet.
    void probe(const QUrl &url);
    void logInWithPassword(const QUrl &url, const QString &email, const QString &password);
    void logInWithToken(const QUrl &url, const QString &token);
    void createOwner(const QUrl &url, const core::CreateFirstUserRequest &owner);
    bool busy() const { return m_client != nullptr; }

Q_SIGNALS:
    void reachable(bool hasFirstUser);
    void succeeded(const QUrl &url, const QString &token, const coder::core::User &user);
    // A message fit for the user: what went wrong and what to do.
    void failed(const QString &message);

private:
    core::ApiClient *begin(const QUrl &url);
    void finishWithToken(const QString &token);
    void fail(const core::ApiError &error);

    QPointer<core::ApiClient> m_client; // of the attempt under way
};

} // namespace coder::ui
