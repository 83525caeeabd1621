#include "private_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coder::core {

namespace {

QString systemError(const QString &what, const QString &path)
{
    return QStringLiteral("%1 %2: %3")
        .arg(what, path, QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

Result<Ok, QString> PrivateFile::write(const QString &path, const QByteArray &data)
{
    const QFileInfo info(path);
    const QString temp = info.absolutePath() + QStringLiteral("/.") + info.fileName() +
                         QStringLiteral(".tmp-") +
                         QString::number(QRandomGenerator::system()->generate64(), 16);
    const QByteArray tempName = QFile::encodeName(temp);
    const int fd = ::open(tempName.constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
    if (fd < 0)
        return systemError(QStringLiteral("cannot create"), temp);
    // The umask can only remove bits; fchmod makes the mode exactly 0600 whatever it is.
    bool good = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
    qsizetype written = 0;
    while (good && written < data.size()) {
        const ssize_t n =
            ::write(fd, data.constData() + written, static_cast<size_t>(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        good = n > 0;
        if (good)
            written += n;
    }
    good = good && ::fsync(fd) == 0;
    QString error;
    if (!good)
        error = systemError(QStringLiteral("cannot write"), temp);
    if (::close(fd) != 0 && good) {
        good = false;
        error = systemError(QStringLiteral("cannot write"), temp);
    }
    if (good && ::rename(tempName.constData(), QFile::encodeName(path).constData()) != 0) {
        good = false;
        error = systemError(QStringLiteral("cannot replace"), path);
    }
    if (!good) {
        ::unlink(tempName.constData());
        return error;
    }
    return Ok{};
}

Result<std::optional<QByteArray>, QString> PrivateFile::read(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return std::optional<QByteArray>{};
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
    return std::optional<QByteArray>{file.readAll()};
}

Result<Ok, QString> PrivateFile::remove(const QString &path)
{
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        return systemError(QStringLiteral("cannot remove"), path);
    return Ok{};
}

Result<Ok, QString> PrivateFile::ensureDirectory(const QString &path)
{
    // An existing directory is left as it is: it may be one the user chose and shares.
    if (QFileInfo(path).isDir())
        return Ok{};
    if (!QDir().mkpath(path))
        return QStringLiteral("cannot create directory %1").arg(path);
    if (::chmod(QFile::encodeName(path).constData(), S_IRWXU) != 0)
        return systemError(QStringLiteral("cannot restrict permissions of"), path);
    return Ok{};
}

} // namespace coder::core
