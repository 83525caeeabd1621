#include "agent_bundle.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <cstring>
#include <elf.h>

namespace coder::server {

using core::Result;

namespace {

// Changes whenever the bundle's layout changes, so old caches are not reused.
constexpr auto kLayoutVersion = "2";
constexpr int kListTimeoutMs = 30000;

// The start script. @NAME@ is the binary's file name, @LOADER@ the loader's file name, @ARGV0@ the
// option that keeps $0 as the program's argv[0] (empty when the loader is too old to have --argv0).
constexpr auto kDynamicScript = R"(#!/bin/sh
# coder agent bundle: runs @NAME@.real with the loader and shared libraries shipped beside it,
# so it needs neither Qt nor a compatible libc in the image. Works wherever the bundle is.
case $0 in
*/*) self=$0 ;;
*) self=$(command -v -- "$0") || { echo "coder: cannot find the agent bundle from $0" >&2; exit 127; } ;;
esac
bundle=$(cd -P -- "${self%/*}/.." && pwd) || exit 127
exec "$bundle/lib/@LOADER@" --library-path "$bundle/lib" @ARGV0@"$bundle/bin/@NAME@.real" "$@"
)";

constexpr auto kStaticScript = R"(#!/bin/sh
# coder agent bundle: @NAME@.real is statically linked and runs as it is.
case $0 in
*/*) self=$0 ;;
*) self=$(command -v -- "$0") || { echo "coder: cannot find the agent bundle from $0" >&2; exit 127; } ;;
esac
bundle=$(cd -P -- "${self%/*}/.." && pwd) || exit 127
exec "$bundle/bin/@NAME@.real" "$@"
)";

// Qt finds qt.conf next to the running executable, which is the loader in lib/.
constexpr auto kQtConf = "[Paths]\nPrefix=..\nPlugins=plugins\n";

constexpr QFile::Permissions kExecutable = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                           QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                           QFile::ExeOther;
constexpr QFile::Permissions kReadable =
    QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;

Result<QByteArray, AgentBundleError> fileSha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return AgentBundleError{QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return AgentBundleError{QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    return hash.result().toHex();
}

QString copyFile(const QString &source, const QString &target, QFile::Permissions permissions)
{
    // QFile::copy follows symbolic links: the bundle holds the files themselves.
    const QString resolved = QFileInfo(source).canonicalFilePath();
    if (resolved.isEmpty())
        return QStringLiteral("%1 does not exist").arg(source);
    QFile::remove(target);
    QFile file(resolved);
    if (!file.copy(target))
        return QStringLiteral("cannot copy %1 to %2: %3").arg(resolved, target, file.errorString());
    if (!QFile::setPermissions(target, permissions))
        return QStringLiteral("cannot set the permissions of %1").arg(target);
    return {};
}

QString writeFile(const QString &path, const QByteArray &content, QFile::Permissions permissions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    if (!QFile::setPermissions(path, permissions))
        return QStringLiteral("cannot set the permissions of %1").arg(path);
    return {};
}

// The waits on the loader below block: everything here runs from AgentBundle::prepare(), which
// is called on a pool thread at start-up, never on an event loop.
bool loaderHasArgv0(const QString &loader)
{
    QProcess process;
    process.start(loader, {QStringLiteral("--help")});
    if (!process.waitForFinished(kListTimeoutMs)) // blocking ok: pool thread
        return false;
    return process.readAllStandardOutput().contains("--argv0");
}

// A start script for the binary at binaryPath (@NAME@: its file name, which prepare() checked
// is safe inside the script's double quotes).
QByteArray startScriptText(const char *script, const QString &binaryPath)
{
    return QByteArray(script).replace("@NAME@",
                                      QFile::encodeName(QFileInfo(binaryPath).fileName()));
}

// Shared libraries some plugin loads with dlopen() by name, not through DT_NEEDED.
QString findLibrary(const QString &name, const QStringList &directories)
{
    for (const QString &directory : directories) {
        const QString candidate = QDir(directory).filePath(name);
        if (QFileInfo::exists(candidate))
            return candidate;
    }
    return {};
}

} // namespace

AgentBundle::AgentBundle(QString binaryPath, QString cacheDirectory)
    : m_binaryPath(std::move(binaryPath)), m_cacheDirectory(std::move(cacheDirectory))
{}

Result<QString, AgentBundleError> AgentBundle::interpreter(const QString &binaryPath)
{
    QFile file(binaryPath);
    if (!file.open(QIODevice::ReadOnly))
        return AgentBundleError{
            QStringLiteral("cannot read %1: %2").arg(binaryPath, file.errorString())};
    Elf64_Ehdr header;
    if (file.read(reinterpret_cast<char *>(&header), sizeof header) != qint64(sizeof header) ||
        std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
        return AgentBundleError{QStringLiteral("%1 is not an ELF executable").arg(binaryPath)};
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
        return AgentBundleError{
            QStringLiteral("%1 is not a 64-bit little-endian ELF executable").arg(binaryPath)};
    if (header.e_phentsize != sizeof(Elf64_Phdr))
        return AgentBundleError{
            QStringLiteral("%1 has an unexpected ELF program header size").arg(binaryPath)};
    for (int i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr program;
        if (!file.seek(qint64(header.e_phoff) + qint64(i) * qint64(sizeof program)) ||
            file.read(reinterpret_cast<char *>(&program), sizeof program) != qint64(sizeof program))
            return AgentBundleError{
                QStringLiteral("%1 has a truncated ELF program header").arg(binaryPath)};
        if (program.p_type != PT_INTERP)
            continue;
        if (program.p_filesz == 0 || program.p_filesz > 4096 ||
            !file.seek(qint64(program.p_offset)))
            return AgentBundleError{
                QStringLiteral("%1 has a malformed ELF interpreter entry").arg(binaryPath)};
        const QByteArray path = file.read(qint64(program.p_filesz));
        return QString::fromLocal8Bit(path.left(path.indexOf('\0')));
    }
    return QString(); // statically linked
}

Result<QStringList, AgentBundleError> AgentBundle::dependencies(const QString &binaryPath,
                                                                const QString &loader)
{
    QProcess process;
    process.start(loader, {QStringLiteral("--list"), binaryPath});
    if (!process.waitForStarted(kListTimeoutMs)) // blocking ok: pool thread
        return AgentBundleError{QStringLiteral("cannot run the dynamic loader %1: %2")
                                    .arg(loader, process.errorString())};
    if (!process.waitForFinished(kListTimeoutMs)) { // blocking ok: pool thread
        process.kill();
        process.waitForFinished(kListTimeoutMs); // blocking ok: pool thread
        return AgentBundleError{
            QStringLiteral("%1 --list %2 did not finish").arg(loader, binaryPath)};
    }
    const QString output = QString::fromLocal8Bit(process.readAllStandardOutput());
    const QString errors = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return AgentBundleError{
            QStringLiteral("%1 --list %2 failed: %3")
                .arg(loader, binaryPath, errors.isEmpty() ? QStringLiteral("no output") : errors)};

    static const QRegularExpression resolved(
        QStringLiteral(R"(^\s*(\S+)\s+=>\s+(.*?)\s*(\(0x[0-9a-f]+\))?$)"));
    QStringList libraries;
    QStringList missing;
    for (const QString &line : output.split(u'\n', Qt::SkipEmptyParts)) {
        const auto match = resolved.match(line);
        if (!match.hasMatch())
            continue; // linux-vdso.so.1, the loader itself
        const QString path = match.captured(2);
        if (path == QLatin1String("not found") || !path.startsWith(u'/'))
            missing << match.captured(1);
        else if (!libraries.contains(path))
            libraries << path;
    }
    if (!missing.isEmpty())
        return AgentBundleError{
            QStringLiteral("%1 needs shared libraries that are not installed: %2")
                .arg(binaryPath, missing.join(QStringLiteral(", ")))};
    return libraries;
}

QString AgentBundle::startScript(const QString &binaryPath)
{
    return QStringLiteral("/bin/") + QFileInfo(binaryPath).fileName();
}

Result<QString, AgentBundleError> AgentBundle::prepare() const
{
    const QFileInfo binary(m_binaryPath);
    if (!binary.isFile() || !binary.isExecutable())
        return AgentBundleError{
            QStringLiteral("the agent binary %1 does not exist or is not executable")
                .arg(m_binaryPath)};
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z0-9._-]+$"));
    if (!plainName.match(binary.fileName()).hasMatch())
        return AgentBundleError{
            QStringLiteral("the agent binary's name %1 has characters other than letters, digits, "
                           "'.', '_' and '-'")
                .arg(binary.fileName())};
    if (!QDir().mkpath(m_cacheDirectory))
        return AgentBundleError{
            QStringLiteral("cannot create the agent bundle directory %1").arg(m_cacheDirectory)};

    auto digest = fileSha256(binary.absoluteFilePath());
    if (!digest)
        return digest.error();
    const QString key =
        QStringLiteral("coder-%1-v%2")
            .arg(QString::fromLatin1(digest->left(16)), QString::fromLatin1(kLayoutVersion));
    const QString target = QDir(QFileInfo(m_cacheDirectory).absoluteFilePath()).filePath(key);
    if (QFileInfo::exists(target + startScript(m_binaryPath)))
        return target;
    return build(target, key);
}

Result<QString, AgentBundleError> AgentBundle::build(const QString &target,
                                                     const QString &key) const
{
    const QString binaryPath = QFileInfo(m_binaryPath).absoluteFilePath();
    const QString temporary =
        QStringLiteral("%1.tmp-%2")
            .arg(target)
            .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    QDir root(temporary);
    auto fail = [&](const QString &message) -> Result<QString, AgentBundleError> {
        root.removeRecursively();
        return AgentBundleError{
            QStringLiteral("cannot build the agent bundle %1: %2").arg(key, message)};
    };
    for (const auto *sub : {"bin", "lib", "plugins/tls"}) {
        const QString path = root.filePath(QLatin1String(sub));
        if (!QDir().mkpath(path))
            return fail(QStringLiteral("cannot create %1").arg(path));
    }
    for (const auto *sub : {"", "bin", "lib", "plugins", "plugins/tls"})
        QFile::setPermissions(root.filePath(QLatin1String(sub)), kExecutable);

    auto loader = interpreter(binaryPath);
    if (!loader)
        return fail(loader.error().message);

    const QString script = root.path() + startScript(binaryPath);
    QString error = copyFile(binaryPath, script + QStringLiteral(".real"), kExecutable);
    if (!error.isEmpty())
        return fail(error);

    if (loader->isEmpty()) {
        error = writeFile(script, startScriptText(kStaticScript, binaryPath), kExecutable);
        if (!error.isEmpty())
            return fail(error);
    } else {
        // The binary's libraries, then Qt's TLS backends with theirs: the OpenSSL backend loads
        // libssl and libcrypto with dlopen(), so they are added by name.
        QStringList needs{binaryPath};
        const QDir tlsPlugins(QLibraryInfo::path(QLibraryInfo::PluginsPath) +
                              QStringLiteral("/tls"));
        const QStringList plugins =
            tlsPlugins.entryList({QStringLiteral("*.so")}, QDir::Files, QDir::Name);
        for (const QString &plugin : plugins) {
            const QString source = tlsPlugins.filePath(plugin);
            error =
                copyFile(source, root.filePath(QStringLiteral("plugins/tls/") + plugin), kReadable);
            if (!error.isEmpty())
                return fail(error);
            needs << source;
        }

        QStringList libraries;
        for (const QString &object : std::as_const(needs)) {
            auto found = dependencies(object, *loader);
            if (!found)
                return fail(found.error().message);
            for (const QString &library : std::as_const(*found))
                if (!libraries.contains(library))
                    libraries << library;
        }
        if (plugins.contains(QStringLiteral("libqopensslbackend.so"))) {
            QStringList directories;
            for (const QString &library : std::as_const(libraries))
                directories << QFileInfo(library).absolutePath();
            directories << QStringLiteral("/lib/x86_64-linux-gnu")
                        << QStringLiteral("/usr/lib/x86_64-linux-gnu") << QStringLiteral("/lib64")
                        << QStringLiteral("/usr/lib64");
            directories.removeDuplicates();
            for (const auto *name : {"libssl.so.3", "libcrypto.so.3"}) {
                const QString path = findLibrary(QLatin1String(name), directories);
                if (path.isEmpty())
                    continue; // TLS then fails at run time with Qt's own message
                auto found = dependencies(path, *loader);
                if (!found)
                    return fail(found.error().message);
                for (const QString &library : std::as_const(*found) + QStringList{path})
                    if (!libraries.contains(library))
                        libraries << library;
            }
        }

        for (const QString &library : std::as_const(libraries)) {
            error = copyFile(library,
                             root.filePath(QStringLiteral("lib/") + QFileInfo(library).fileName()),
                             kReadable);
            if (!error.isEmpty())
                return fail(error);
        }
        const QString loaderName = QFileInfo(*loader).fileName();
        error = copyFile(*loader, root.filePath(QStringLiteral("lib/") + loaderName), kExecutable);
        if (!error.isEmpty())
            return fail(error);
        error = writeFile(root.filePath(QStringLiteral("lib/qt.conf")), kQtConf, kReadable);
        if (!error.isEmpty())
            return fail(error);

        QByteArray text = startScriptText(kDynamicScript, binaryPath);
        text.replace("@LOADER@", QFile::encodeName(loaderName));
        text.replace("@ARGV0@", loaderHasArgv0(*loader) ? "--argv0 \"$0\" " : "");
        error = writeFile(script, text, kExecutable);
        if (!error.isEmpty())
            return fail(error);
    }

    // Another daemon may have finished the same bundle meanwhile: then use that one.
    if (!QDir().rename(temporary, target)) {
        root.removeRecursively();
        if (!QFileInfo::exists(target + startScript(binaryPath)))
            return AgentBundleError{
                QStringLiteral("cannot build the agent bundle %1: cannot move it into %2")
                    .arg(key, target)};
    }
    return target;
}

} // namespace coder::server
