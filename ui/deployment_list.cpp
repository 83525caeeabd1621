#include "deployment_list.h"

#include <QCryptographicHash>
#include <QSettings>

namespace coder::ui {

QString Deployment::displayName() const
{
    const int port = url.port();
    const bool defaultPort = port < 0 || (url.scheme() == u"https" && port == 443) ||
                             (url.scheme() == u"http" && port == 80);
    return defaultPort ? url.host() : url.host() + u':' + QString::number(port);
}

QString Deployment::idOf(const QUrl &url)
{
    const QByteArray canonical = url.adjusted(QUrl::StripTrailingSlash).toString().toUtf8();
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex().left(16));
}

DeploymentList::DeploymentList(QSettings &settings, QObject *parent)
    : QObject(parent), m_settings(settings)
{
    const int count = m_settings.beginReadArray(QStringLiteral("deployments"));
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        Deployment deployment;
        deployment.url = QUrl(m_settings.value(QStringLiteral("url")).toString());
        deployment.username = m_settings.value(QStringLiteral("username")).toString();
        deployment.embedded = m_settings.value(QStringLiteral("embedded")).toBool();
        if (deployment.url.isValid() && !find(deployment.id()))
            m_deployments.append(deployment);
    }
    m_settings.endArray();
    m_currentId = m_settings.value(QStringLiteral("currentDeployment")).toString();
    if (!find(m_currentId))
        m_currentId.clear();
}

const Deployment *DeploymentList::find(const QString &id) const
{
    for (const Deployment &deployment : m_deployments) {
        if (deployment.id() == id)
            return &deployment;
    }
    return nullptr;
}

void DeploymentList::remember(const Deployment &deployment)
{
    bool known = false;
    for (Deployment &existing : m_deployments) {
        if (existing.id() == deployment.id()) {
            existing = deployment;
            known = true;
        }
    }
    if (!known)
        m_deployments.append(deployment);
    save();
}

void DeploymentList::forget(const QString &id)
{
    m_deployments.removeIf([&id](const Deployment &deployment) { return deployment.id() == id; });
    if (m_currentId == id)
        m_currentId.clear();
    save();
}

void DeploymentList::setCurrent(const QString &id)
{
    if (m_currentId == id || (!id.isEmpty() && !find(id)))
        return;
    m_currentId = id;
    save();
}

void DeploymentList::save()
{
    m_settings.beginWriteArray(QStringLiteral("deployments"), int(m_deployments.size()));
    for (int i = 0; i < m_deployments.size(); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue(QStringLiteral("url"), m_deployments.at(i).url.toString());
        m_settings.setValue(QStringLiteral("username"), m_deployments.at(i).username);
        m_settings.setValue(QStringLiteral("embedded"), m_deployments.at(i).embedded);
    }
    m_settings.endArray();
    m_settings.setValue(QStringLiteral("currentDeployment"), m_currentId);
    m_settings.sync();
    Q_EMIT changed();
}

} // namespace coder::ui
