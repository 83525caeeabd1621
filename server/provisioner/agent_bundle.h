#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace coder::server {

struct AgentBundleError
{
    QString message;
};

// A self-contained copy of a dynamically linked binary (the `coder` agent) that runs in an
// image with no Qt and possibly another libc or none: the binary, every shared library it needs
// and the system's dynamic loader, started through that loader by a POSIX sh script:
//
//   <bundle>/bin/NAME          the start script (computes <bundle> from $0), NAME being the
//                              binary's file name (coder-agent)
//   <bundle>/bin/NAME.real     the binary
//   <bundle>/lib/              the libraries and the loader (ld-linux-x86-64.so.2 ...)
//   <bundle>/plugins/tls/      Qt's TLS backends, so the agent can reach an https:// coderd
//   <bundle>/lib/qt.conf       points Qt at those plugins
//
// The bundle is built once per binary (keyed by its SHA-256) under a cache directory and
// reused; building is atomic (a temporary directory renamed into place).
class AgentBundle
{
public:
    // binaryPath: the executable to bundle; cacheDirectory: where bundles are kept (created).
    AgentBundle(QString binaryPath, QString cacheDirectory);

    // Builds the bundle unless it exists; returns its directory (absolute). Blocks (it runs the
    // system loader and copies files): call it on a pool thread, never on an event loop.
    core::Result<QString, AgentBundleError> prepare() const;

    // The start script's path inside a bundle of binaryPath: "/bin/" + its file name.
    static QString startScript(const QString &binaryPath);

    // The shared libraries binaryPath needs, as resolved by the system loader in list mode
    // (absolute paths, the loader excluded), or why they cannot be resolved.
    static core::Result<QStringList, AgentBundleError> dependencies(const QString &binaryPath,
                                                                    const QString &loader);
    // The ELF interpreter (PT_INTERP) of a 64-bit little-endian ELF executable.
    static core::Result<QString, AgentBundleError> interpreter(const QString &binaryPath);

private:
    core::Result<QString, AgentBundleError> build(const QString &target, const QString &key) const;

    QString m_binaryPath;
    QString m_cacheDirectory;
};

} // namespace coder::server
