#include "provisioner_daemon_service.h"

#include "api_objects.h"
#include "server/database/store.h"

#include <openssl/crypto.h>

namespace coder::server {

Outcome<QList<core::ProvisionerDaemon>> ProvisionerDaemonService::list(const Actor &actor)
{
    if (auto denied =
            requireAccess(actor.subject(), Action::Read, {Resource::ProvisionerDaemon, {}, {}}))
        return *denied;
    auto daemons = m_store.jobs().listDaemons();
    if (!daemons)
        return DomainError::fromStore(daemons.error(), QStringLiteral("provisioner daemons"));
    QList<core::ProvisionerDaemon> shown;
    for (const ProvisionerDaemon &daemon : std::as_const(*daemons))
        shown.append(apiDaemon(daemon));
    return shown;
}

Outcome<ProvisionerDaemon> ProvisionerDaemonService::admit(const QByteArray &presented,
                                                           ProvisionerDaemon daemon,
                                                           const QStringList &tags)
{
    const QByteArray expected = m_preSharedKey.toUtf8();
    if (expected.isEmpty())
        return DomainError::unauthorized(
            QStringLiteral("External provisioner daemons are not enabled here."),
            QStringLiteral("Start coderd with --provisioner-daemon-psk."));
    if (presented.size() != expected.size() ||
        CRYPTO_memcmp(presented.constData(), expected.constData(), size_t(expected.size())) != 0)
        return DomainError::unauthorized(
            presented.isEmpty() ? QStringLiteral("Missing the provisioner daemon pre-shared key.")
                                : QStringLiteral("Invalid provisioner daemon pre-shared key."),
            QStringLiteral("Pass the key of --provisioner-daemon-psk in the %1 header.")
                .arg(QLatin1String(keyHeader)));
    for (const QString &tag : tags) {
        const qsizetype equals = tag.indexOf(u'=');
        if (equals <= 0)
            return DomainError::invalidField(
                QStringLiteral("tag"), QStringLiteral("Tags are key=value, got \"%1\".").arg(tag));
        daemon.tags.insert(tag.left(equals), tag.mid(equals + 1));
    }
    if (daemon.name.isEmpty() || daemon.name.size() > 128 || daemon.provisioners.isEmpty())
        return DomainError::invalid(
            QStringLiteral("A daemon names itself (?name=) and its provisioners (?provisioner=)."));
    daemon.lastSeenAt = QDateTime::currentDateTimeUtc();
    auto stored = m_store.jobs().upsertDaemon(daemon);
    if (!stored)
        return DomainError::fromStore(stored.error(), QStringLiteral("provisioner daemon"));
    return *stored;
}

} // namespace coder::server
