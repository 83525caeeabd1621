#include "template_archive.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <locale.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace coder::core {

namespace {

// libarchive converts names with the thread's locale; a UTF-8 one for the duration keeps
// non-ASCII names intact whatever the process locale is (uselocale() is per thread).
class Utf8Locale
{
public:
    Utf8Locale() : m_locale(newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr))
    {
        if (m_locale)
            m_previous = uselocale(m_locale);
    }
    ~Utf8Locale()
    {
        if (m_locale) {
            uselocale(m_previous);
            freelocale(m_locale);
        }
    }
    Utf8Locale(const Utf8Locale &) = delete;
    Utf8Locale &operator=(const Utf8Locale &) = delete;

private:
    locale_t m_locale = nullptr;
    locale_t m_previous = nullptr;
};

using ReadArchive = std::unique_ptr<archive, decltype(&archive_read_free)>;
using WriteArchive = std::unique_ptr<archive, decltype(&archive_write_free)>;
using Entry = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

QString libarchiveError(archive *handle)
{
    const char *text = archive_error_string(handle);
    return text ? QString::fromUtf8(text) : u"unknown libarchive error"_s;
}

QString utf8(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

// The entry's path without "." and empty components; an error for absolute paths and `..`.
QString cleanPath(const QString &raw, QString *error)
{
    if (raw.isEmpty()) {
        *error = u"has an empty name"_s;
        return {};
    }
    if (raw.startsWith(u'/')) {
        *error = u"is an absolute path"_s;
        return {};
    }
    QStringList parts;
    for (const QString &part : raw.split(u'/', Qt::SkipEmptyParts)) {
        if (part == "."_L1)
            continue;
        if (part == ".."_L1) {
            *error = u"contains a '..' component"_s;
            return {};
        }
        parts << part;
    }
    return parts.join(u'/');
}

QString parentOf(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash < 0 ? QString() : path.left(slash);
}

const char *typeName(mode_t type)
{
    switch (type) {
    case AE_IFCHR:
        return "a character device";
    case AE_IFBLK:
        return "a block device";
    case AE_IFIFO:
        return "a fifo";
    case AE_IFSOCK:
        return "a socket";
    default:
        return "of an unsupported type";
    }
}

// Removes everything inside directory (never following symlinks), keeping directory itself.
void emptyDirectory(const QString &directory)
{
    QDir dir(directory);
    const QFileInfoList entries =
        dir.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo &entry : entries) {
        if (entry.isDir() && !entry.isSymLink()) {
            QFile::setPermissions(entry.filePath(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QDir(entry.filePath()).removeRecursively();
        } else {
            dir.remove(entry.fileName());
        }
    }
}

class Extractor
{
public:
    Extractor(const QString &root, const ArchiveLimits &limits)
        : m_rootBytes(QFile::encodeName(root)), m_limits(limits)
    {}

    QString run(const QByteArray &tar)
    {
        ReadArchive reader(archive_read_new(), archive_read_free);
        WriteArchive writer(archive_write_disk_new(), archive_write_free);
        if (!reader || !writer)
            return u"out of memory"_s;
        archive_read_support_format_tar(reader.get());
        archive_read_support_filter_gzip(reader.get());
        // The entry paths handed to the writer are m_root + a checked relative path, so they are
        // absolute and ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS cannot be set: the absolute-path
        // check is ours (below), made before the root is prefixed. Making the paths relative
        // would need chdir(), which is process-wide and coderd is multi-threaded.
        archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                         ARCHIVE_EXTRACT_SECURE_SYMLINKS);
        if (archive_read_open_memory(reader.get(), tar.constData(), size_t(tar.size())) !=
            ARCHIVE_OK)
            return u"not a tar archive: %1"_s.arg(libarchiveError(reader.get()));

        for (;;) {
            archive_entry *entry = nullptr;
            const int status = archive_read_next_header(reader.get(), &entry);
            if (status == ARCHIVE_EOF)
                break;
            if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
                const QString where =
                    m_entries == 0 ? u"not a tar archive"_s
                                   : u"the archive is damaged after %1 entries"_s.arg(m_entries);
                return where + u": "_s + libarchiveError(reader.get());
            }
            if (++m_entries > m_limits.maxEntries)
                return u"the archive has more than %1 entries"_s.arg(m_limits.maxEntries);
            if (const QString problem = extractEntry(reader.get(), writer.get(), entry);
                !problem.isEmpty())
                return problem;
        }
        if (archive_write_close(writer.get()) != ARCHIVE_OK)
            return u"cannot finish unpacking: %1"_s.arg(libarchiveError(writer.get()));
        return {};
    }

private:
    QString extractEntry(archive *reader, archive *writer, archive_entry *entry)
    {
        const char *rawName = archive_entry_pathname_utf8(entry);
        if (!rawName)
            rawName = archive_entry_pathname(entry);
        const QString name = utf8(rawName);
        const auto fail = [&name](const QString &reason) -> QString {
            return name + u": "_s + reason;
        };
        if (name.toUtf8().size() > m_limits.maxPathLength)
            return fail(u"the path is longer than %1 bytes"_s.arg(m_limits.maxPathLength));
        QString problem;
        const QString path = cleanPath(name, &problem);
        if (!problem.isEmpty())
            return fail(problem);
        if (path.isEmpty())
            return {}; // "." or "./": the root itself
        const QByteArray target = m_rootBytes + '/' + QFile::encodeName(path);
        if (target.size() >= PATH_MAX)
            return fail(u"the path is too long to unpack here"_s);

        const mode_t type = archive_entry_filetype(entry);
        const char *hardlink = archive_entry_hardlink_utf8(entry);
        if (!hardlink)
            hardlink = archive_entry_hardlink(entry);
        if (hardlink) {
            const QString linkTarget = utf8(hardlink);
            const QString cleaned = cleanPath(linkTarget, &problem);
            if (!problem.isEmpty())
                return fail(u"is a hard link to %1, outside the archive (the target %2)"_s.arg(
                    linkTarget, problem));
            if (cleaned.isEmpty())
                return fail(u"is a hard link to the archive's root"_s);
            archive_entry_copy_hardlink(
                entry, QByteArray(m_rootBytes + '/' + QFile::encodeName(cleaned)).constData());
        } else if (type == AE_IFLNK) {
            const char *rawLink = archive_entry_symlink_utf8(entry);
            if (!rawLink)
                rawLink = archive_entry_symlink(entry);
            problem = TemplateArchive::checkSymlinkTarget(parentOf(path), utf8(rawLink));
            if (!problem.isEmpty())
                return fail(problem);
            archive_entry_set_perm(entry, 0777);
        } else if (type == AE_IFDIR) {
            archive_entry_set_perm(entry, 0755);
        } else if (type == AE_IFREG) {
            archive_entry_set_perm(entry, (archive_entry_perm(entry) & S_IXUSR) ? 0755 : 0644);
        } else {
            return fail(u"is %1; templates hold only files, directories and links"_s.arg(
                QLatin1String(typeName(type))));
        }

        const qint64 left = m_limits.maxUnpackedBytes - m_unpacked;
        if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > left)
            return fail(u"declares %1 bytes: the archive would unpack to more than the limit of "
                        "%2 bytes"_s.arg(archive_entry_size(entry))
                            .arg(m_limits.maxUnpackedBytes));

        archive_entry_copy_pathname(entry, target.constData());
        if (archive_write_header(writer, entry) != ARCHIVE_OK)
            return fail(u"cannot be unpacked: "_s + libarchiveError(writer));
        if (archive_entry_size(entry) > 0) {
            if (const QString copied = copyData(reader, writer); !copied.isEmpty())
                return fail(copied);
        }
        if (archive_write_finish_entry(writer) != ARCHIVE_OK)
            return fail(u"cannot be unpacked: "_s + libarchiveError(writer));
        return {};
    }

    // Counts what is really unpacked (holes of sparse files included), whatever the header said.
    QString copyData(archive *reader, archive *writer)
    {
        const void *block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        qint64 reached = 0;
        for (;;) {
            const int status = archive_read_data_block(reader, &block, &size, &offset);
            if (status == ARCHIVE_EOF)
                return {};
            if (status != ARCHIVE_OK)
                return u"cannot be read: "_s + libarchiveError(reader);
            const qint64 end = offset + qint64(size);
            if (end > reached) {
                m_unpacked += end - reached;
                reached = end;
            }
            if (m_unpacked > m_limits.maxUnpackedBytes)
                return u"the archive unpacks to more than the limit of %1 bytes"_s.arg(
                    m_limits.maxUnpackedBytes);
            if (archive_write_data_block(writer, block, size, offset) != ARCHIVE_OK)
                return u"cannot be written: "_s + libarchiveError(writer);
        }
    }

    QByteArray m_rootBytes;
    ArchiveLimits m_limits;
    int m_entries = 0;
    qint64 m_unpacked = 0;
};

la_ssize_t appendToByteArray(archive *, void *data, const void *buffer, size_t length)
{
    static_cast<QByteArray *>(data)->append(static_cast<const char *>(buffer), qsizetype(length));
    return la_ssize_t(length);
}

} // namespace

QString TemplateArchive::checkSymlinkTarget(const QString &linkDirectory, const QString &target)
{
    if (target.isEmpty())
        return u"is a symbolic link with an empty target"_s;
    if (target.startsWith(u'/'))
        return u"is a symbolic link to the absolute path %1, outside the archive"_s.arg(target);
    qsizetype depth = linkDirectory.split(u'/', Qt::SkipEmptyParts).size();
    bool descended = false;
    for (const QString &part : target.split(u'/', Qt::SkipEmptyParts)) {
        if (part == "."_L1)
            continue;
        if (part != ".."_L1) {
            descended = true;
            continue;
        }
        // "x/.." is lexically nothing, but if x is itself a symlink it climbs from where x
        // points: only leading ".." are allowed.
        if (descended)
            return u"is a symbolic link to %1: '..' is only allowed at the start of a link"_s.arg(
                target);
        if (--depth < 0)
            return u"is a symbolic link to %1, outside the archive"_s.arg(target);
    }
    return {};
}

Result<Ok, QString> TemplateArchive::extract(const QByteArray &tar, const QString &destination,
                                             const ArchiveLimits &limits)
{
    if (!QDir().mkpath(destination))
        return u"cannot create the directory %1"_s.arg(destination);
    // The canonical path has no symlink in it, which ARCHIVE_EXTRACT_SECURE_SYMLINKS requires
    // of every component of the (absolute) paths it is given.
    const QString root = QFileInfo(destination).canonicalFilePath();
    if (root.isEmpty())
        return u"cannot resolve the directory %1"_s.arg(destination);
    if (!QDir(root).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot))
        return u"cannot unpack into %1: the directory is not empty"_s.arg(destination);

    const Utf8Locale locale;
    Extractor extractor(root, limits);
    const QString problem = extractor.run(tar);
    if (problem.isEmpty())
        return Ok{};
    emptyDirectory(root);
    return problem;
}

Result<QByteArray, QString> TemplateArchive::pack(const QString &directory,
                                                  const ArchiveLimits &limits)
{
    const QFileInfo rootInfo(directory);
    if (!rootInfo.isDir())
        return u"%1 is not a directory"_s.arg(directory);
    const QDir root(rootInfo.absoluteFilePath());

    // Sorted by the names as the archive holds them (directories end in '/'), in byte order:
    // a directory comes right before its content.
    QList<std::pair<QByteArray, QString>> entries;
    QDirIterator it(root.path(),
                    QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = root.relativeFilePath(it.next());
        const QFileInfo info = it.fileInfo();
        const bool isDirectory = info.isDir() && !info.isSymLink();
        entries.append({QByteArray(path.toUtf8() + (isDirectory ? "/" : "")), path});
        if (entries.size() > limits.maxEntries)
            return u"%1 has more than %2 files and directories"_s.arg(directory).arg(
                limits.maxEntries);
    }
    std::sort(entries.begin(), entries.end());

    const Utf8Locale locale;
    QByteArray out;
    WriteArchive writer(archive_write_new(), archive_write_free);
    if (!writer)
        return u"out of memory"_s;
    archive_write_set_format_pax_restricted(writer.get());
    archive_write_add_filter_none(writer.get());
    archive_write_set_bytes_in_last_block(writer.get(), 1);
    if (archive_write_open(writer.get(), &out, nullptr, appendToByteArray, nullptr) != ARCHIVE_OK)
        return QString(u"cannot start the archive: "_s + libarchiveError(writer.get()));

    qint64 total = 0;
    for (const auto &[sortKey, path] : entries) {
        const QByteArray pathBytes = path.toUtf8();
        if (pathBytes.size() > limits.maxPathLength)
            return u"%1: the path is longer than %2 bytes"_s.arg(path).arg(limits.maxPathLength);
        const QString full = root.filePath(path);
        const QByteArray fullBytes = QFile::encodeName(full);
        struct stat info;
        if (::lstat(fullBytes.constData(), &info) != 0)
            return u"%1: cannot be read: %2"_s.arg(path, QString::fromLocal8Bit(strerror(errno)));

        Entry entry(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname_utf8(entry.get(), pathBytes.constData());
        archive_entry_set_mtime(entry.get(), 0, 0);
        archive_entry_set_uid(entry.get(), 0);
        archive_entry_set_gid(entry.get(), 0);
        QFile file(full);
        if (S_ISDIR(info.st_mode)) {
            archive_entry_set_filetype(entry.get(), AE_IFDIR);
            archive_entry_set_perm(entry.get(), 0755);
        } else if (S_ISREG(info.st_mode)) {
            total += info.st_size;
            if (total > limits.maxUnpackedBytes)
                return u"%1 holds more than the limit of %2 bytes"_s.arg(directory).arg(
                    limits.maxUnpackedBytes);
            if (!file.open(QIODevice::ReadOnly))
                return u"%1: cannot be read: %2"_s.arg(path, file.errorString());
            archive_entry_set_filetype(entry.get(), AE_IFREG);
            archive_entry_set_perm(entry.get(), (info.st_mode & S_IXUSR) ? 0755 : 0644);
            archive_entry_set_size(entry.get(), info.st_size);
        } else if (S_ISLNK(info.st_mode)) {
            QByteArray link(PATH_MAX, Qt::Uninitialized);
            const ssize_t length = ::readlink(fullBytes.constData(), link.data(), size_t(PATH_MAX));
            if (length < 0)
                return u"%1: cannot be read: %2"_s.arg(path,
                                                       QString::fromLocal8Bit(strerror(errno)));
            link.truncate(length);
            const QString target = QFile::decodeName(link);
            if (const QString problem = checkSymlinkTarget(parentOf(path), target);
                !problem.isEmpty())
                return QString(path + u": "_s + problem);
            archive_entry_set_filetype(entry.get(), AE_IFLNK);
            archive_entry_set_perm(entry.get(), 0777);
            archive_entry_set_symlink_utf8(entry.get(), target.toUtf8().constData());
        } else {
            return u"%1: is neither a file, a directory nor a symbolic link; templates hold only "
                   "those"_s.arg(path);
        }
        if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK)
            return u"%1: cannot be archived: %2"_s.arg(path, libarchiveError(writer.get()));
        if (file.isOpen()) {
            qint64 written = 0;
            while (!file.atEnd()) {
                const QByteArray chunk = file.read(64 * 1024);
                if (chunk.isEmpty())
                    break;
                if (written + chunk.size() > info.st_size)
                    return u"%1: the file grew while it was archived"_s.arg(path);
                if (archive_write_data(writer.get(), chunk.constData(), size_t(chunk.size())) < 0)
                    return u"%1: cannot be archived: %2"_s.arg(path, libarchiveError(writer.get()));
                written += chunk.size();
            }
            if (written != info.st_size)
                return u"%1: the file changed while it was archived"_s.arg(path);
        }
    }
    if (archive_write_close(writer.get()) != ARCHIVE_OK)
        return QString(u"cannot finish the archive: "_s + libarchiveError(writer.get()));
    return out;
}

bool TemplateArchive::looksLikeTar(const QByteArray &data)
{
    if (data.size() >= 2 && uchar(data.at(0)) == 0x1f && uchar(data.at(1)) == 0x8b)
        return true;
    return data.size() >= 262 && QByteArrayView(data).sliced(257, 5) == QByteArrayView("ustar");
}

} // namespace coder::core
