#include "core/private_file.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using coder::core::PrivateFile;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

} // namespace

class TestPrivateFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeReadRemove();
    void replacingKeepsOwnerOnlyMode();
    void failuresAreErrorsAndLeaveNothingBehind();
    void ensureDirectoryCreatesPrivateButLeavesExistingAlone();
};

void TestPrivateFile::writeReadRemove()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("secret"));
    QVERIFY(!PrivateFile::read(path).value().has_value());
    QVERIFY(PrivateFile::write(path, QByteArray("line1\nline2\0tail", 16)).ok());
    QCOMPARE(modeOf(path), mode_t(0600));
    QCOMPARE(PrivateFile::read(path).value().value(), QByteArray("line1\nline2\0tail", 16));
    QVERIFY(PrivateFile::remove(path).ok());
    QVERIFY(!QFile::exists(path));
    QVERIFY(PrivateFile::remove(path).ok());
}

void TestPrivateFile::replacingKeepsOwnerOnlyMode()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("secret"));
    // Even over a file someone made world-readable, the new content is owner-only.
    QFile loose(path);
    QVERIFY(loose.open(QIODevice::WriteOnly));
    loose.write("old");
    loose.close();
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
    QVERIFY(PrivateFile::write(path, "new").ok());
    QCOMPARE(modeOf(path), mode_t(0600));
    QCOMPARE(PrivateFile::read(path).value().value(), QByteArray("new"));
}

void TestPrivateFile::failuresAreErrorsAndLeaveNothingBehind()
{
    QTemporaryDir dir;
    const auto noDir = PrivateFile::write(dir.filePath(QStringLiteral("missing/secret")), "x");
    QVERIFY(!noDir.ok());
    QVERIFY(noDir.error().contains(QStringLiteral("cannot create")));

    // The target is a directory: rename fails, the temporary file is cleaned up.
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("taken")));
    QVERIFY(QDir(dir.filePath(QStringLiteral("taken"))).mkdir(QStringLiteral("inside")));
    const auto overDir = PrivateFile::write(dir.filePath(QStringLiteral("taken")), "x");
    QVERIFY(!overDir.ok());
    QVERIFY(overDir.error().contains(QStringLiteral("cannot replace")));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("taken")});

    const auto unreadable = PrivateFile::read(dir.filePath(QStringLiteral("taken")));
    QVERIFY(!unreadable.ok());
}

void TestPrivateFile::ensureDirectoryCreatesPrivateButLeavesExistingAlone()
{
    QTemporaryDir dir;
    const QString created = dir.filePath(QStringLiteral("a/b/coderv2"));
    QVERIFY(PrivateFile::ensureDirectory(created).ok());
    QCOMPARE(modeOf(created), mode_t(0700));

    const QString existing = dir.filePath(QStringLiteral("shared"));
    QVERIFY(QDir().mkdir(existing));
    QVERIFY(::chmod(QFile::encodeName(existing).constData(), 0755) == 0);
    QVERIFY(PrivateFile::ensureDirectory(existing).ok());
    QCOMPARE(modeOf(existing), mode_t(0755));
}

QTEST_GUILESS_MAIN(TestPrivateFile)
#include "test_private_file.moc"
