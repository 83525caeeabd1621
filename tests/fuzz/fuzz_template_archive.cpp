// libFuzzer target: the template archive reader. Each input is an uploaded file as coderd takes
// it: TemplateArchive::extract (libarchive: tar, gzip; paths, links, limits) into an empty
// directory, then the manifest loaded from what was extracted. Whatever the bytes, extract
// either succeeds inside the directory or fails leaving it empty.
#include "core/template_archive.h"
#include "core/template_manifest.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>

using namespace coder::core;

namespace {

QTemporaryDir *g_root = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    g_root = new QTemporaryDir;
    return g_root->isValid() ? 0 : 1;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString destination = g_root->filePath(QStringLiteral("template"));
    ArchiveLimits limits;
    limits.maxEntries = 64;
    limits.maxUnpackedBytes = 1024 * 1024;
    const auto extracted = TemplateArchive::extract(
        QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), destination, limits);
    if (extracted) {
        (void)TemplateManifest::load(destination);
    } else if (!QDir(destination).isEmpty()) {
        abort(); // a refused archive left something behind
    }
    // Nothing may have been written beside the destination.
    if (QDir(g_root->path())
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System) !=
            QStringList{QStringLiteral("template")} &&
        !QDir(g_root->path()).isEmpty())
        abort();
    QDir(destination).removeRecursively();
    return 0;
}
