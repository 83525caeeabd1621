#include "client_config.h"

#include "core/private_file.h"

#include <QStandardPaths>

namespace coder::core {

ClientConfig::ClientConfig(QString directory) : m_directory(std::move(directory)) {}

QString ClientConfig::defaultDirectory()
{
    const QString fromEnv = qEnvironmentVariable("CODER_CONFIG_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/coderv2");
}

Result<Ok, QString> ClientConfig::ensureDirectory() const
{
    return PrivateFile::ensureDirectory(m_directory);
}

Result<std::optional<QUrl>, QString> ClientConfig::url() const
{
    auto content = PrivateFile::read(urlPath());
    if (!content)
        return content.error();
    if (!content.value())
        return std::optional<QUrl>{};
    const QString text = QString::fromUtf8(*content.value()).trimmed();
    if (text.isEmpty())
        return std::optional<QUrl>{};
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return QStringLiteral("the stored deployment URL in %1 is invalid: %2")
            .arg(urlPath(), text);
    return std::optional<QUrl>{url};
}

Result<Ok, QString> ClientConfig::setUrl(const QUrl &url) const
{
    if (auto dir = ensureDirectory(); !dir)
        return dir;
    return PrivateFile::write(urlPath(), url.toString(QUrl::FullyEncoded).toUtf8());
}

Result<Ok, QString> ClientConfig::removeUrl() const
{
    return PrivateFile::remove(urlPath());
}

QString ClientConfig::urlPath() const
{
    return m_directory + QStringLiteral("/url");
}

Result<QUrl, QString> ClientConfig::normalizeUrl(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("no deployment URL given");
    if (!trimmed.contains(QStringLiteral("://")))
        trimmed.prepend(QStringLiteral("https://"));
    QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return QStringLiteral("invalid deployment URL \"%1\"").arg(text);
    if (url.scheme() != u"http" && url.scheme() != u"https")
        return QStringLiteral("invalid deployment URL \"%1\": the scheme must be http or https")
            .arg(text);
    url.setQuery(QString());
    url.setFragment(QString());
    if (url.path() == u"/")
        url.setPath(QString());
    return url;
}

} // namespace coder::core
