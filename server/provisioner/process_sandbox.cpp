#include "process_sandbox.h"

#include "process_provisioner.h"

#include <unistd.h>

namespace coder::server {

ProcessSandbox ProcessSandbox::resolve(const QString &requested, bool allowUnsandboxedRoot)
{
    QString sandbox = requested;
    if (sandbox == QLatin1String("auto"))
        sandbox = ProcessProvisioner::findBubblewrap().isEmpty() ? QStringLiteral("none")
                                                                 : QStringLiteral("bwrap");
    if (sandbox != QLatin1String("none") && sandbox != QStringLiteral("bwrap"))
        return {{},
                QStringLiteral("invalid --process-sandbox \"%1\": expected auto, bwrap or none")
                    .arg(requested)};
    if (sandbox == QStringLiteral("bwrap") && ProcessProvisioner::findBubblewrap().isEmpty())
        return {{},
                QStringLiteral("--process-sandbox=bwrap needs bubblewrap (bwrap), which is "
                               "not installed (Debian package bubblewrap)")};
    if (sandbox == QLatin1String("none") && ::geteuid() == 0 && !allowUnsandboxedRoot)
        return {{},
                QStringLiteral("refusing to run workspaces without a sandbox as root: every "
                               "workspace would be root on this machine. Install bubblewrap "
                               "(package bubblewrap; the default sandbox), run as another "
                               "user, or pass --allow-unsandboxed-root if that is what you "
                               "want")};
    return {sandbox, {}};
}

QString ProcessSandbox::unsandboxedWarning(const QString &dataDir)
{
    return QStringLiteral(
               "WARNING: workspaces of the process provisioner run without a sandbox: each can "
               "read %1 (the database included) and every other workspace's home, as this "
               "server's user. Install bubblewrap, or use --process-sandbox bwrap.")
        .arg(dataDir);
}

} // namespace coder::server
