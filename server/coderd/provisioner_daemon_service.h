#pragma once

#include "actor.h"
#include "core/workspace_types.h"
#include "domain_error.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class Store;

// External provisioner daemons: listed for those allowed, and admitted (registered or taken
// over by name) when they present the deployment's pre-shared key.
class ProvisionerDaemonService
{
public:
    ProvisionerDaemonService(Store &store, QString preSharedKey)
        : m_store(store), m_preSharedKey(std::move(preSharedKey))
    {}

    Outcome<QList<core::ProvisionerDaemon>> list(const Actor &actor);
    // Unauthorized unless presentedKey is the deployment's key (compared in constant time);
    // Invalid when the daemon does not name itself and its provisioners, or a tag is not
    // "key=value".
    Outcome<ProvisionerDaemon> admit(const QByteArray &presentedKey, ProvisionerDaemon daemon,
                                     const QStringList &tags);

    static constexpr char keyHeader[] = "Coder-Provisioner-Daemon-PSK";

private:
    Store &m_store;
    QString m_preSharedKey;
};

} // namespace coder::server
