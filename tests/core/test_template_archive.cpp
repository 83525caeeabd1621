#include "core/template_archive.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

using namespace coder::core;
using namespace Qt::Literals::StringLiterals;

namespace {

// One entry of a hand-made tar: whatever a hostile uploader can put in a header.
struct TarEntry
{
    QByteArray path;
    unsigned type = AE_IFREG;
    QByteArray data;
    qint64 zeros = 0; // appended after data, streamed: for bombs
    QByteArray symlink;
    QByteArray hardlink;
    int perm = 0644;
};

TarEntry fileEntry(const QByteArray &path, const QByteArray &data = "x", int perm = 0644)
{
    TarEntry entry;
    entry.path = path;
    entry.data = data;
    entry.perm = perm;
    return entry;
}

TarEntry dirEntry(const QByteArray &path, int perm = 0755)
{
    TarEntry entry;
    entry.path = path;
    entry.type = AE_IFDIR;
    entry.perm = perm;
    return entry;
}

TarEntry symlinkEntry(const QByteArray &path, const QByteArray &target)
{
    TarEntry entry;
    entry.path = path;
    entry.type = AE_IFLNK;
    entry.symlink = target;
    entry.perm = 0777;
    return entry;
}

TarEntry hardlinkEntry(const QByteArray &path, const QByteArray &target)
{
    TarEntry entry;
    entry.path = path;
    entry.hardlink = target;
    entry.data.clear();
    return entry;
}

TarEntry special(const QByteArray &path, unsigned type)
{
    TarEntry entry;
    entry.path = path;
    entry.type = type;
    entry.data.clear();
    return entry;
}

la_ssize_t append(archive *, void *out, const void *buffer, size_t length)
{
    static_cast<QByteArray *>(out)->append(static_cast<const char *>(buffer), qsizetype(length));
    return la_ssize_t(length);
}

// Built with libarchive's writer, which (unlike bsdtar) writes any name and link it is given.
QByteArray makeTar(const QList<TarEntry> &entries, bool gzip = false)
{
    const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    const locale_t previous = uselocale(utf8);
    QByteArray out;
    archive *writer = archive_write_new();
    archive_write_set_format_pax_restricted(writer);
    if (gzip)
        archive_write_add_filter_gzip(writer);
    else
        archive_write_add_filter_none(writer);
    archive_write_set_bytes_in_last_block(writer, 1);
    archive_write_open(writer, &out, nullptr, append, nullptr);
    const QByteArray chunk(1024 * 1024, '\0');
    for (const TarEntry &item : entries) {
        archive_entry *entry = archive_entry_new();
        archive_entry_set_pathname_utf8(entry, item.path.constData());
        archive_entry_set_perm(entry, mode_t(item.perm));
        if (!item.hardlink.isEmpty()) {
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_hardlink_utf8(entry, item.hardlink.constData());
            archive_entry_set_size(entry, 0);
        } else {
            archive_entry_set_filetype(entry, item.type);
            if (item.type == AE_IFLNK)
                archive_entry_set_symlink_utf8(entry, item.symlink.constData());
            if (item.type == AE_IFCHR || item.type == AE_IFBLK)
                archive_entry_set_rdev(entry, makedev(1, 3));
            archive_entry_set_size(entry,
                                   item.type == AE_IFREG ? item.data.size() + item.zeros : 0);
        }
        if (archive_write_header(writer, entry) != ARCHIVE_OK)
            qWarning() << "test tar:" << archive_error_string(writer);
        if (item.type == AE_IFREG && item.hardlink.isEmpty()) {
            archive_write_data(writer, item.data.constData(), size_t(item.data.size()));
            for (qint64 left = item.zeros; left > 0; left -= chunk.size())
                archive_write_data(writer, chunk.constData(),
                                   size_t(std::min<qint64>(left, chunk.size())));
        }
        archive_entry_free(entry);
    }
    archive_write_close(writer);
    archive_write_free(writer);
    uselocale(previous);
    freelocale(utf8);
    return out;
}

// Every path under root, relative, sorted; symlinks not followed.
QStringList tree(const QString &root)
{
    QStringList paths;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << QDir(root).relativeFilePath(it.next());
    paths.sort();
    return paths;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(data);
}

mode_t modeOf(const QString &path)
{
    struct stat info;
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode;
}

QStringList tarNames(const QByteArray &tar)
{
    QStringList names;
    archive *reader = archive_read_new();
    archive_read_support_format_tar(reader);
    archive_read_open_memory(reader, tar.constData(), size_t(tar.size()));
    archive_entry *entry = nullptr;
    while (archive_read_next_header(reader, &entry) == ARCHIVE_OK)
        names << QString::fromUtf8(archive_entry_pathname_utf8(entry));
    archive_read_free(reader);
    return names;
}

// A few harmless entries first, so a refusal must also clean up what was already written.
QList<TarEntry> goodPrefix()
{
    return {dirEntry("docs"), fileEntry("docs/readme.txt", "hello"),
            fileEntry("template.json", "{}")};
}

QByteArray longPath(int bytes)
{
    QByteArray path;
    while (path.size() < bytes)
        path += QByteArray(100, 'd') + '/';
    return path + "file";
}

} // namespace

class TestTemplateArchive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesHostileArchives_data();
    void refusesHostileArchives();
    void refusesNonEmptyDestination();
    void extractsNestedDirectories();
    void normalisesPermissions();
    void keepsInternalSymlinks();
    void acceptsGzip();
    void extractsUnicodeNames();
    void createsMissingDestination();
    void acceptsLimitsExactly();
    void packExtractRoundTrip();
    void packIsSortedAndReproducible();
    void packRefusesEscapingSymlinks_data();
    void packRefusesEscapingSymlinks();
    void packRefusesSpecialFiles();
    void packEnforcesLimits();
    void looksLikeTar();
    void symlinkTargetRules_data();
    void symlinkTargetRules();
};

void TestTemplateArchive::refusesHostileArchives_data()
{
    QTest::addColumn<QByteArray>("tar");
    QTest::addColumn<int>("maxEntries");
    QTest::addColumn<qint64>("maxBytes");
    QTest::addColumn<QString>("expected");

    const ArchiveLimits defaults;
    const auto row = [&](const char *name, QList<TarEntry> entries, const QString &expected,
                         qint64 maxBytes = -1, bool gzip = false) {
        QList<TarEntry> all = goodPrefix();
        all += entries;
        QTest::newRow(name) << makeTar(all, gzip) << defaults.maxEntries
                            << (maxBytes < 0 ? defaults.maxUnpackedBytes : maxBytes) << expected;
    };

    row("../escape", {fileEntry("../escape")}, u"../escape: contains a '..' component"_s);
    row("a/../../escape", {fileEntry("a/../../escape")},
        u"a/../../escape: contains a '..' component"_s);
    row("a/../b (inside, still refused)", {fileEntry("a/../b")},
        u"a/../b: contains a '..' component"_s);
    row("/etc/abs", {fileEntry("/etc/abs")}, u"/etc/abs: is an absolute path"_s);
    row("symlink to /etc/passwd", {symlinkEntry("passwd", "/etc/passwd")},
        u"passwd: is a symbolic link to the absolute path /etc/passwd, outside the archive"_s);
    row("symlink to ../../outside", {symlinkEntry("docs/up", "../../outside")},
        u"docs/up: is a symbolic link to ../../outside, outside the archive"_s);
    row("symlink to .. from the root", {symlinkEntry("up", "..")},
        u"up: is a symbolic link to .., outside the archive"_s);
    row("symlink climbing through another symlink",
        {symlinkEntry("self", "."), symlinkEntry("trick", "self/../outside")},
        u"trick: is a symbolic link to self/../outside: '..' is only allowed at the start"_s);
    row("write through an internal symlink", {symlinkEntry("link", "docs"), fileEntry("link/x")},
        u"link/x: cannot be unpacked"_s);
    row("hardlink to /etc/passwd", {hardlinkEntry("passwd", "/etc/passwd")},
        u"passwd: is a hard link to /etc/passwd, outside the archive"_s);
    row("hardlink to ../outside", {hardlinkEntry("h", "../outside")},
        u"h: is a hard link to ../outside, outside the archive"_s);
    row("character device", {special("null", AE_IFCHR)},
        u"null: is a character device; templates hold only files, directories and links"_s);
    row("block device", {special("disk", AE_IFBLK)}, u"disk: is a block device"_s);
    row("fifo", {special("pipe", AE_IFIFO)}, u"pipe: is a fifo"_s);
    row("file declaring 50 bytes over a 40 byte limit", {fileEntry("big", QByteArray(50, 'b'))},
        u"big: declares 50 bytes: the archive would unpack to more than the limit of 40 bytes"_s,
        40);
    row("sum of files over the limit",
        {fileEntry("a", QByteArray(30, 'a')), fileEntry("b", QByteArray(30, 'b'))},
        u"b: declares 30 bytes"_s, 40);
    {
        TarEntry bomb = fileEntry("zeros", {});
        bomb.zeros = 16LL * 1024 * 1024;
        row("gzip bomb of zeros", {bomb},
            u"zeros: declares 16777216 bytes: the archive would unpack to more than the limit of "
            "1048576 bytes"_s,
            1024 * 1024, true);
    }
    row("path longer than 4096 bytes", {fileEntry(longPath(4097))},
        u"the path is longer than 4096 bytes"_s);
    QTest::newRow("not a tar at all") << QByteArray("definitely not a tar archive") << 10000
                                      << defaults.maxUnpackedBytes << u"not a tar archive"_s;

    QList<TarEntry> many;
    for (int i = 0; i < 10'001; ++i)
        many << fileEntry("f" + QByteArray::number(i), {});
    QTest::newRow("10,001 entries")
        << makeTar(many) << defaults.maxEntries << defaults.maxUnpackedBytes
        << u"the archive has more than 10000 entries"_s;
}

void TestTemplateArchive::refusesHostileArchives()
{
    QFETCH(QByteArray, tar);
    QFETCH(int, maxEntries);
    QFETCH(qint64, maxBytes);
    QFETCH(QString, expected);

    QTemporaryDir outer;
    QVERIFY(outer.isValid());
    const QString destination = outer.filePath(u"dest"_s);
    QVERIFY(QDir().mkpath(destination));

    ArchiveLimits limits;
    limits.maxEntries = maxEntries;
    limits.maxUnpackedBytes = maxBytes;
    auto extracted = TemplateArchive::extract(tar, destination, limits);
    QVERIFY2(!extracted.ok(), "the archive was extracted");
    QVERIFY2(extracted.error().contains(expected),
             qPrintable(u"expected \"%1\" in \"%2\""_s.arg(expected, extracted.error())));

    // Nothing left in the destination, nothing beside it, nothing at the absolute targets.
    QVERIFY2(tree(destination).isEmpty(), qPrintable(tree(destination).join(u", "_s)));
    QCOMPARE(tree(outer.path()), QStringList({u"dest"_s}));
    QVERIFY(QDir(destination).exists());
    QVERIFY(!QFileInfo::exists(u"/etc/abs"_s));
    QVERIFY(!QFileInfo::exists(QDir::tempPath() + u"/outside"_s));
}

void TestTemplateArchive::refusesNonEmptyDestination()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(u"keep.txt"_s), "precious");
    auto extracted = TemplateArchive::extract(makeTar({fileEntry("a.txt")}), dir.path());
    QVERIFY(!extracted.ok());
    QVERIFY2(extracted.error().contains(u"the directory is not empty"_s),
             qPrintable(extracted.error()));
    QCOMPARE(tree(dir.path()), QStringList({u"keep.txt"_s}));
    QCOMPARE(readAll(dir.filePath(u"keep.txt"_s)), QByteArray("precious"));
}

void TestTemplateArchive::extractsNestedDirectories()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray tar = makeTar({dirEntry("./"), dirEntry("a"), dirEntry("a/b/"),
                                    fileEntry("a/b/c.txt", "deep"), fileEntry("./top.txt", "top"),
                                    fileEntry("implicit/parent/file.txt", "made its parents"),
                                    fileEntry("empty", {})});
    auto extracted = TemplateArchive::extract(tar, dir.path());
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    QCOMPARE(tree(dir.path()),
             QStringList({u"a"_s, u"a/b"_s, u"a/b/c.txt"_s, u"empty"_s, u"implicit"_s,
                          u"implicit/parent"_s, u"implicit/parent/file.txt"_s, u"top.txt"_s}));
    QCOMPARE(readAll(dir.filePath(u"a/b/c.txt"_s)), QByteArray("deep"));
    QCOMPARE(readAll(dir.filePath(u"top.txt"_s)), QByteArray("top"));
    QCOMPARE(readAll(dir.filePath(u"implicit/parent/file.txt"_s)), QByteArray("made its parents"));
    QCOMPARE(QFileInfo(dir.filePath(u"empty"_s)).size(), 0);
}

void TestTemplateArchive::normalisesPermissions()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray tar = makeTar(
        {dirEntry("open", 0777), dirEntry("closed", 0000), fileEntry("closed/inside", "x", 0000),
         fileEntry("setuid", "x", 04755), fileEntry("world", "x", 0666),
         fileEntry("script.sh", "x", 0700), fileEntry("group-exec", "x", 0654)});
    auto extracted = TemplateArchive::extract(tar, dir.path());
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    const auto perm = [&](const char *name) {
        return modeOf(dir.filePath(QString::fromUtf8(name))) & 07777;
    };
    // The umask may take bits away, never add them.
    const mode_t mask = umask(0);
    umask(mask);
    QCOMPARE(perm("open"), mode_t(0755 & ~mask));
    QCOMPARE(perm("closed"), mode_t(0755 & ~mask));
    QCOMPARE(perm("closed/inside"), mode_t(0644 & ~mask));
    QCOMPARE(perm("setuid"), mode_t(0755 & ~mask));
    QCOMPARE(perm("world"), mode_t(0644 & ~mask));
    QCOMPARE(perm("script.sh"), mode_t(0755 & ~mask));
    QCOMPARE(perm("group-exec"), mode_t(0644 & ~mask));
}

void TestTemplateArchive::keepsInternalSymlinks()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray tar =
        makeTar({fileEntry("a/b/c.txt", "target"), symlinkEntry("a/b/up", "../../top.txt"),
                 fileEntry("top.txt", "top"), symlinkEntry("link", "a/b/c.txt"),
                 symlinkEntry("a/here", "./b/./c.txt"), symlinkEntry("dirlink", "a/b"),
                 hardlinkEntry("hard", "top.txt")});
    auto extracted = TemplateArchive::extract(tar, dir.path());
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    QVERIFY(QFileInfo(dir.filePath(u"link"_s)).isSymLink());
    QCOMPARE(readAll(dir.filePath(u"link"_s)), QByteArray("target"));
    QCOMPARE(readAll(dir.filePath(u"a/b/up"_s)), QByteArray("top"));
    QCOMPARE(readAll(dir.filePath(u"a/here"_s)), QByteArray("target"));
    QCOMPARE(readAll(dir.filePath(u"dirlink/c.txt"_s)), QByteArray("target"));
    QCOMPARE(QFile::symLinkTarget(dir.filePath(u"a/b/up"_s)),
             QDir::cleanPath(dir.filePath(u"top.txt"_s)));
    QVERIFY(!QFileInfo(dir.filePath(u"hard"_s)).isSymLink());
    QCOMPARE(readAll(dir.filePath(u"hard"_s)), QByteArray("top"));
    struct stat info;
    QCOMPARE(::stat(QFile::encodeName(dir.filePath(u"hard"_s)).constData(), &info), 0);
    QCOMPARE(info.st_nlink, nlink_t(2));
}

void TestTemplateArchive::acceptsGzip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray tar =
        makeTar({fileEntry("template.json", "{}"), fileEntry("sub/x", "y")}, true);
    QVERIFY(uchar(tar.at(0)) == 0x1f && uchar(tar.at(1)) == 0x8b);
    auto extracted = TemplateArchive::extract(tar, dir.path());
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    QCOMPARE(readAll(dir.filePath(u"sub/x"_s)), QByteArray("y"));
}

void TestTemplateArchive::extractsUnicodeNames()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = u"d\u00e9j\u00e0 vu"_s;
    const QString name = u"\u65e5\u672c\u8a9e \U0001F600.txt"_s;
    const QByteArray tar =
        makeTar({fileEntry((folder + u'/' + name).toUtf8(), "unicode"),
                 symlinkEntry(u"l\u00efnk"_s.toUtf8(), (folder + u'/' + name).toUtf8())});
    auto extracted = TemplateArchive::extract(tar, dir.path());
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    QCOMPARE(readAll(dir.filePath(folder + u'/' + name)), QByteArray("unicode"));
    QCOMPARE(readAll(dir.filePath(u"l\u00efnk"_s)), QByteArray("unicode"));

    // And a refusal names the entry in readable form.
    QTemporaryDir other;
    auto refused =
        TemplateArchive::extract(makeTar({fileEntry(u"../\u00e9vasion"_s.toUtf8())}), other.path());
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().startsWith(u"../\u00e9vasion: "_s), qPrintable(refused.error()));
}

void TestTemplateArchive::createsMissingDestination()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString destination = dir.filePath(u"not/yet/there"_s);
    auto extracted = TemplateArchive::extract(makeTar({fileEntry("x", "1")}), destination);
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    QCOMPARE(readAll(destination + u"/x"_s), QByteArray("1"));
}

void TestTemplateArchive::acceptsLimitsExactly()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ArchiveLimits limits;
    limits.maxEntries = 3;
    limits.maxUnpackedBytes = 40;
    const QByteArray tar = makeTar(
        {fileEntry("a", QByteArray(20, 'a')), fileEntry("b", QByteArray(20, 'b')), dirEntry("c")});
    auto extracted = TemplateArchive::extract(tar, dir.path(), limits);
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));

    QTemporaryDir longDir;
    const QByteArray path = longPath(3900);
    auto longOk = TemplateArchive::extract(makeTar({fileEntry(path, "ok")}), longDir.path());
    QVERIFY2(longOk.ok(), longOk.ok() ? "" : qPrintable(longOk.error()));
    QCOMPARE(readAll(longDir.filePath(QString::fromUtf8(path))), QByteArray("ok"));

    limits.maxEntries = 2;
    QTemporaryDir again;
    auto tooMany = TemplateArchive::extract(tar, again.path(), limits);
    QVERIFY(!tooMany.ok());
    QVERIFY2(tooMany.error().contains(u"more than 2 entries"_s), qPrintable(tooMany.error()));
    QVERIFY(tree(again.path()).isEmpty());
}

void TestTemplateArchive::packExtractRoundTrip()
{
    QTemporaryDir source;
    QVERIFY(source.isValid());
    writeFile(source.filePath(u"template.json"_s), R"({"resources": []})");
    writeFile(source.filePath(u"README.md"_s), "# hi\n");
    writeFile(source.filePath(u"scripts/start.sh"_s), "#!/bin/sh\necho start\n");
    QVERIFY(QFile::setPermissions(source.filePath(u"scripts/start.sh"_s),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    writeFile(source.filePath(u"d\u00e9j\u00e0/\u65e5\u672c.txt"_s), "unicode");
    writeFile(source.filePath(u".hidden/config"_s), "hidden");
    QByteArray big(300 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char(i * 7 % 251);
    writeFile(source.filePath(u"data/big.bin"_s), big);
    QVERIFY(QDir().mkpath(source.filePath(u"empty/dir"_s)));
    QVERIFY(QFile::link(u"../README.md"_s, source.filePath(u"scripts/readme"_s)));
    QVERIFY(QFile::link(u"scripts"_s, source.filePath(u"scripts-link"_s)));

    auto packed = TemplateArchive::pack(source.path());
    QVERIFY2(packed.ok(), packed.ok() ? "" : qPrintable(packed.error()));
    QVERIFY(TemplateArchive::looksLikeTar(*packed));

    QTemporaryDir target;
    auto extracted = TemplateArchive::extract(*packed, target.path());
    QVERIFY2(extracted.ok(), extracted.ok() ? "" : qPrintable(extracted.error()));
    QCOMPARE(tree(target.path()), tree(source.path()));
    for (const QString &path : tree(source.path())) {
        const QFileInfo info(source.filePath(path));
        const QFileInfo copy(target.filePath(path));
        QCOMPARE(copy.isSymLink(), info.isSymLink());
        QCOMPARE(copy.isDir(), info.isDir());
        if (info.isSymLink())
            QCOMPARE(copy.symLinkTarget(),
                     target.filePath(QDir(source.path()).relativeFilePath(info.symLinkTarget())));
        else if (info.isFile())
            QCOMPARE(readAll(copy.filePath()), readAll(info.filePath()));
    }
    QVERIFY(modeOf(target.filePath(u"scripts/start.sh"_s)) & S_IXUSR);
    QVERIFY(!(modeOf(target.filePath(u"README.md"_s)) & S_IXUSR));

    // Packing what was unpacked gives the same bytes.
    auto repacked = TemplateArchive::pack(target.path());
    QVERIFY(repacked.ok());
    QCOMPARE(*repacked, *packed);
}

void TestTemplateArchive::packIsSortedAndReproducible()
{
    QTemporaryDir source;
    QVERIFY(source.isValid());
    for (const char *name : {"b.txt", "a/z.txt", "a/b.txt", "C.txt", "a.txt", "a-b/x"})
        writeFile(source.filePath(QString::fromUtf8(name)), name);
    auto first = TemplateArchive::pack(source.path());
    QVERIFY(first.ok());
    // Byte order; directories carry tar's trailing slash.
    QCOMPARE(tarNames(*first), QStringList({u"C.txt"_s, u"a-b/"_s, u"a-b/x"_s, u"a.txt"_s, u"a/"_s,
                                            u"a/b.txt"_s, u"a/z.txt"_s, u"b.txt"_s}));
    // Times are not part of the archive.
    QFile touched(source.filePath(u"b.txt"_s));
    QVERIFY(touched.open(QIODevice::ReadWrite));
    QVERIFY(touched.setFileTime(QDateTime::currentDateTimeUtc().addDays(-3),
                                QFileDevice::FileModificationTime));
    touched.close();
    auto second = TemplateArchive::pack(source.path());
    QVERIFY(second.ok());
    QCOMPARE(*second, *first);
}

void TestTemplateArchive::packRefusesEscapingSymlinks_data()
{
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expected");
    QTest::newRow("absolute") << u"etc"_s << u"/etc/passwd"_s
                              << u"etc: is a symbolic link to the absolute path /etc/passwd"_s;
    QTest::newRow("climbing out") << u"sub/out"_s << u"../../outside"_s
                                  << u"sub/out: is a symbolic link to ../../outside, outside"_s;
    QTest::newRow("dot-dot after a name")
        << u"trick"_s << u"sub/../../x"_s << u"trick: is a symbolic link to sub/../../x: '..'"_s;
}

void TestTemplateArchive::packRefusesEscapingSymlinks()
{
    QFETCH(QString, link);
    QFETCH(QString, target);
    QFETCH(QString, expected);
    QTemporaryDir source;
    QVERIFY(source.isValid());
    writeFile(source.filePath(u"sub/file"_s), "x");
    QVERIFY(QFile::link(target, source.filePath(link)));
    auto packed = TemplateArchive::pack(source.path());
    QVERIFY(!packed.ok());
    QVERIFY2(packed.error().contains(expected),
             qPrintable(u"expected \"%1\" in \"%2\""_s.arg(expected, packed.error())));
}

void TestTemplateArchive::packRefusesSpecialFiles()
{
    QTemporaryDir source;
    QVERIFY(source.isValid());
    writeFile(source.filePath(u"ok.txt"_s), "x");
    QCOMPARE(::mkfifo(QFile::encodeName(source.filePath(u"pipe"_s)).constData(), 0600), 0);
    auto packed = TemplateArchive::pack(source.path());
    QVERIFY(!packed.ok());
    QVERIFY2(packed.error().contains(u"pipe: is neither a file, a directory nor a symbolic link"_s),
             qPrintable(packed.error()));

    auto missing = TemplateArchive::pack(source.filePath(u"nope"_s));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().contains(u"is not a directory"_s));
}

void TestTemplateArchive::packEnforcesLimits()
{
    QTemporaryDir source;
    QVERIFY(source.isValid());
    writeFile(source.filePath(u"a"_s), QByteArray(30, 'a'));
    writeFile(source.filePath(u"b"_s), QByteArray(30, 'b'));
    ArchiveLimits limits;
    limits.maxUnpackedBytes = 50;
    auto tooBig = TemplateArchive::pack(source.path(), limits);
    QVERIFY(!tooBig.ok());
    QVERIFY2(tooBig.error().contains(u"more than the limit of 50 bytes"_s),
             qPrintable(tooBig.error()));
    limits = {};
    limits.maxEntries = 1;
    auto tooMany = TemplateArchive::pack(source.path(), limits);
    QVERIFY(!tooMany.ok());
    QVERIFY2(tooMany.error().contains(u"more than 1 files and directories"_s),
             qPrintable(tooMany.error()));
}

void TestTemplateArchive::looksLikeTar()
{
    QVERIFY(TemplateArchive::looksLikeTar(makeTar({fileEntry("a")})));
    QVERIFY(TemplateArchive::looksLikeTar(makeTar({fileEntry("a")}, true)));
    QVERIFY(!TemplateArchive::looksLikeTar(QByteArray()));
    QVERIFY(!TemplateArchive::looksLikeTar(QByteArray("hello")));
    QVERIFY(!TemplateArchive::looksLikeTar(QByteArray("PK\x03\x04") + QByteArray(600, '\0')));
    QVERIFY(!TemplateArchive::looksLikeTar(QByteArray(1024, '\0')));
}

void TestTemplateArchive::symlinkTargetRules_data()
{
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("inside");
    QTest::newRow("sibling") << QString() << u"a"_s << true;
    QTest::newRow("dot") << QString() << u"."_s << true;
    QTest::newRow("up to root") << u"a/b"_s << u"../.."_s << true;
    QTest::newRow("up then down") << u"a/b"_s << u"../../c/d"_s << true;
    QTest::newRow("dots and slashes") << u"a"_s << u"./..//./x/"_s << true;
    QTest::newRow("above root") << u"a/b"_s << u"../../.."_s << false;
    QTest::newRow("dot-dot from root") << QString() << u".."_s << false;
    QTest::newRow("absolute") << u"a"_s << u"/a"_s << false;
    QTest::newRow("empty") << u"a"_s << QString() << false;
    QTest::newRow("dot-dot after name") << u"a/b"_s << u"c/.."_s << false;
}

void TestTemplateArchive::symlinkTargetRules()
{
    QFETCH(QString, directory);
    QFETCH(QString, target);
    QFETCH(bool, inside);
    const QString problem = TemplateArchive::checkSymlinkTarget(directory, target);
    QCOMPARE(problem.isEmpty(), inside);
}

QTEST_GUILESS_MAIN(TestTemplateArchive)
#include "test_template_archive.moc"
