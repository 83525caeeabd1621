#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace coder::core {

struct ArchiveLimits
{
    int maxEntries = 10'000;
    qint64 maxUnpackedBytes = 100LL * 1024 * 1024; // counted while unpacking, holes included
    int maxPathLength = 4096;                      // bytes of one entry's path (UTF-8)
};

// Template archives (tar, optionally gzip-compressed) through libarchive: uploads from users are
// untrusted, so extract() refuses anything that could write outside its destination.
class TemplateArchive
{
public:
    // Unpacks tar into destination, which must be empty (it is created when missing). Refused,
    // naming the entry: absolute paths, `..` components, links leaving the root (absolute
    // symlink targets, relative ones resolved lexically), devices, fifos, sockets, too many
    // entries or bytes, too long paths. Files get 0644 or 0755, directories 0755. On error
    // nothing of the archive is left behind: destination is empty again.
    static Result<Ok, QString> extract(const QByteArray &tar, const QString &destination,
                                       const ArchiveLimits &limits = {});

    // A pax (ustar where it suffices) tar of directory: relative paths in sorted order, regular
    // files, directories and symlinks that stay inside the directory; anything else is an error.
    // Reproducible: times, owners and groups are zeroed.
    static Result<QByteArray, QString> pack(const QString &directory,
                                            const ArchiveLimits &limits = {});

    // A cheap check for the upload route: the ustar magic at offset 257, or gzip's magic.
    static bool looksLikeTar(const QByteArray &data);

    // A symlink target, relative to the link's directory `linkDirectory` (relative to the
    // root, "" for the root), stays inside the root: not absolute, and `..` only as leading
    // components that do not climb above the root. Empty when it does; otherwise the reason.
    static QString checkSymlinkTarget(const QString &linkDirectory, const QString &target);
};

} // namespace coder::core
