#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QSettings;

namespace coder::ui {

// A deployment the app remembers: where it is and who logged in. Its session token is never
// here but in the SecretStore, under tokenKey().
struct Deployment
{
    QUrl url;
    QString username;
    bool embedded = false; // the app's own local server

    // Stable for a URL: the settings group and the secret's key derive from it.
    QString id() const { return idOf(url); }
    QString tokenKey() const { return QStringLiteral("session-") + id(); }
    // "coder.example.com" or "localhost:3000".
    QString displayName() const;
    static QString idOf(const QUrl &url);
};

// The deployments the app knows and which one is current, kept in QSettings (no secrets).
class DeploymentList : public QObject
{
    Q_OBJECT
public:
    // settings must outlive the list.
    explicit DeploymentList(QSettings &settings, QObject *parent = nullptr);

    QList<Deployment> all() const { return m_deployments; }
    const Deployment *find(const QString &id) const;
    // Adds the deployment or updates the one with the same URL.
    void remember(const Deployment &deployment);
    void forget(const QString &id);
    QString currentId() const { return m_currentId; }
    void setCurrent(const QString &id);

Q_SIGNALS:
    void changed();

private:
    void save();

    QSettings &m_settings;
    QList<Deployment> m_deployments;
    QString m_currentId;
};

} // namespace coder::ui
