#pragma once

#include <QString>

namespace coder::server {

// The sandbox the process provisioner runs workspaces in, as `coder server` and `coder
// provisionerd` choose it from --process-sandbox: "auto" (the default) is bwrap where it is
// installed, else none. Refused with the reason: an unknown value, bwrap without bubblewrap, and
// running unsandboxed as root (a workspace would be root on this machine) unless
// allowUnsandboxedRoot.
struct ProcessSandbox
{
    QString name;  // none | bwrap
    QString error; // set: refused, and why

    static ProcessSandbox resolve(const QString &requested, bool allowUnsandboxedRoot);
    // What is printed at start when workspaces run without a sandbox.
    static QString unsandboxedWarning(const QString &dataDir);
};

} // namespace coder::server
