#include "login_flow.h"

namespace coder::ui {

LoginFlow::LoginFlow(QObject *parent) : QObject(parent) {}

core::ApiClient *LoginFlow::begin(const QUrl &url)
{
    if (m_client)
        m_client->deleteLater(); // a newer attempt replaces it; its callbacks do not run
    m_client = new core::ApiClient(url, this);
    m_client->setTransferTimeout(std::chrono::seconds(15));
    return m_client;
}

void LoginFlow::fail(const core::ApiError &error)
{
    if (m_client)
        m_client->deleteLater();
    m_client.clear();
    Q_EMIT failed(error.status == 401
                      ? tr("The email, password or token was not accepted: %1").arg(error.message)
                      : error.describe());
}

void LoginFlow::probe(const QUrl &url)
{
    core::ApiClient *client = begin(url);
    client->hasFirstUser([this, client](core::Result<bool, core::ApiError> has) {
        if (client != m_client)
            return;
        if (!has)
            return fail(has.error());
        client->deleteLater();
        m_client.clear();
        Q_EMIT reachable(*has);
    });
}

void LoginFlow::logInWithPassword(const QUrl &url, const QString &email, const QString &password)
{
    core::ApiClient *client = begin(url);
    client->login(email, password, [this, client](core::Result<QString, core::ApiError> token) {
        if (client != m_client)
            return;
        if (!token)
            return fail(token.error());
        finishWithToken(*token);
    });
}

void LoginFlow::logInWithToken(const QUrl &url, const QString &token)
{
    begin(url);
    finishWithToken(token.trimmed());
}

void LoginFlow::createOwner(const QUrl &url, const core::CreateFirstUserRequest &owner)
{
    core::ApiClient *client = begin(url);
    client->createFirstUser(owner, [this, client, owner](auto created) {
        if (client != m_client)
            return;
        if (!created)
            return fail(created.error());
        logInWithPassword(client->baseUrl(), owner.email, owner.password);
    });
}

void LoginFlow::finishWithToken(const QString &token)
{
    core::ApiClient *client = m_client;
    client->setSessionToken(token);
    client->user(QStringLiteral("me"), [this, client, token](auto me) {
        if (client != m_client)
            return;
        if (!me)
            return fail(me.error());
        const QUrl url = client->baseUrl();
        client->deleteLater();
        m_client.clear();
        Q_EMIT succeeded(url, token, *me);
    });
}

} // namespace coder::ui
