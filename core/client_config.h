#pragma once

#include "core/result.h"

#include <QString>
#include <QUrl>
#include <optional>

namespace coder::core {

// Where the CLI keeps its state between runs: `$CODER_CONFIG_DIR`, else
// <GenericConfigLocation>/coderv2 (as Coder does). The directory is created 0700; the
// deployment URL lives in the file `url`. The session token is not kept here but in a
// SecretStore.
class ClientConfig
{
public:
    explicit ClientConfig(QString directory);

    static QString defaultDirectory();
    // A deployment URL as the user typed it, made canonical: https:// added when the scheme is
    // missing (as Coder does), query, fragment and a lone "/" path dropped; an error that quotes
    // the text otherwise. The CLI's login and the desktop app's both use it.
    static Result<QUrl, QString> normalizeUrl(const QString &text);

    QString directory() const { return m_directory; }
    Result<Ok, QString> ensureDirectory() const;

    // std::nullopt when no URL was stored; an error when the file is unreadable or invalid.
    Result<std::optional<QUrl>, QString> url() const;
    Result<Ok, QString> setUrl(const QUrl &url) const;
    Result<Ok, QString> removeUrl() const;

private:
    QString urlPath() const;

    QString m_directory;
};

} // namespace coder::core
