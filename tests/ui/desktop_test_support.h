#pragma once

#include "tests/support/api_test_client.h"
#include "ui/desktop_app.h"

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <memory>

namespace coder::test {

// What the desktop app's tests share: an app over a temporary home (its settings and data
// there, tokens in the secret store's 0600 files: no keychain), logged in with a token as the
// login dialog would, and every workspace of a deployment deleted when a test ends (no agent
// outlives it).
std::unique_ptr<ui::DesktopApp> makeDesktopApp(const QString &home);
// Logs the app in to url with token (the dialog's outcome, without the dialog); false when no
// session came.
bool logInWithToken(ui::DesktopApp &app, const QUrl &url, const QByteArray &token,
                    const QString &username = QStringLiteral("admin"));
void deleteEveryWorkspace(ApiTestClient &api, const QByteArray &token);

} // namespace coder::test
