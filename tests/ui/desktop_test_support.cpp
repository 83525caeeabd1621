#include "desktop_test_support.h"

#include "tests/support/provisioning_helpers.h"
#include "ui/session_manager.h"

#include <QJsonArray>
#include <QtTest>

namespace coder::test {

std::unique_ptr<ui::DesktopApp> makeDesktopApp(const QString &home)
{
    ui::DesktopApp::Options options;
    options.settingsFile = home + QStringLiteral("/desktop.conf");
    options.dataDir = home + QStringLiteral("/data");
    options.secretMode = core::SecretStore::Mode::File;
    return std::make_unique<ui::DesktopApp>(options);
}

bool logInWithToken(ui::DesktopApp &app, const QUrl &url, const QByteArray &token,
                    const QString &username)
{
    core::User user;
    user.username = username;
    app.sessions().loggedIn(url, QString::fromUtf8(token), user);
    return QTest::qWaitFor([&app] { return app.sessions().current() != nullptr; }, 10'000);
}

void deleteEveryWorkspace(ApiTestClient &api, const QByteArray &token)
{
    const QJsonArray workspaces =
        api.get(QStringLiteral("/api/v2/workspaces"), token).json().value(u"workspaces").toArray();
    for (const QJsonValue &workspace : workspaces) {
        const ApiReply deleted =
            api.post(QStringLiteral("/api/v2/workspaces/%1/builds")
                         .arg(workspace.toObject().value(u"id").toString()),
                     {{QStringLiteral("transition"), QStringLiteral("delete")}}, token);
        if (deleted.status == 201)
            waitForBuild(api, token, deleted.json().value(u"id").toString());
    }
}

} // namespace coder::test
