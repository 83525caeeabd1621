#include "sqlite_dialect.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QThread>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coder::server {

namespace {

// Creates the file with mode 0600 whatever the umask. SQLite gives the -wal and -shm files the
// mode of the database file, so they follow.
QString createPrivateFile(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return {};
        return QStringLiteral("Cannot create the database file %1: %2")
            .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    }
    QString problem;
    if (::fchmod(fd, 0600) != 0)
        problem = QStringLiteral("Cannot make the database file %1 private: %2")
                      .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    ::close(fd);
    return problem;
}

QString pragma(QSqlDatabase &db, const QString &statement)
{
    QSqlQuery query(db);
    if (!query.exec(statement))
        return QStringLiteral("%1 failed: %2").arg(statement, query.lastError().text());
    return {};
}

// The primary code alone (19, SQLITE_CONSTRAINT) when the driver reports no extended one.
bool isConstraint(const QSqlError &error, QLatin1String extendedCode, QLatin1String text)
{
    const QString code = error.nativeErrorCode();
    if (code == extendedCode)
        return true;
    return code == QLatin1String("19") && error.databaseText().contains(text);
}

// SQLITE_BUSY (5) or SQLITE_LOCKED (6), possibly as an extended code.
bool isBusy(const QSqlError &error)
{
    const int code = error.nativeErrorCode().toInt() & 0xff;
    return code == 5 || code == 6 || error.databaseText().contains(QLatin1String("locked"));
}

} // namespace

SqliteDialect::SqliteDialect(QString path) : m_path(std::move(path)) {}

core::Result<std::unique_ptr<SqliteDialect>, QString> SqliteDialect::create(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral("The SQLite database path is empty.");
    const QFileInfo info(path);
    if (info.isDir())
        return QStringLiteral("The SQLite database path %1 is a directory.").arg(path);
    if (!QDir().mkpath(info.absolutePath()))
        return QStringLiteral("Cannot create the directory %1.").arg(info.absolutePath());
    if (QString problem = createPrivateFile(info.absoluteFilePath()); !problem.isEmpty())
        return problem;
    return std::unique_ptr<SqliteDialect>(new SqliteDialect(info.absoluteFilePath()));
}

QString SqliteDialect::initialize(QSqlDatabase &db) const
{
    // WAL is a property of the file: set once, every later connection finds it. Switching needs
    // the file to itself and does not wait on busy_timeout, so openers racing on a new file retry.
    QDeadlineTimer deadline(busyTimeoutMs);
    for (;;) {
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) && query.next()) {
            const QString mode = query.value(0).toString();
            if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) == 0)
                return {};
            return QStringLiteral("Cannot switch %1 to WAL mode (it stays in %2 mode).")
                .arg(m_path, mode);
        }
        if (!isBusy(query.lastError()) || deadline.hasExpired())
            return QStringLiteral("Cannot use %1 as an SQLite database: %2")
                .arg(m_path, query.lastError().text().trimmed());
        QThread::msleep(10);
    }
}

void SqliteDialect::configureConnection(QSqlDatabase &db) const
{
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
}

QString SqliteDialect::prepareConnection(QSqlDatabase &db) const
{
    const QString statements[] = {
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA busy_timeout=%1").arg(busyTimeoutMs),
    };
    for (const QString &statement : statements) {
        if (QString problem = pragma(db, statement); !problem.isEmpty())
            return problem;
    }
    return {};
}

// Qt's transaction() issues a plain (deferred) BEGIN, which takes the write lock only at the
// first write and then fails at once with SQLITE_BUSY instead of waiting for busy_timeout.
QString SqliteDialect::beginWriteStatement() const
{
    return QStringLiteral("BEGIN IMMEDIATE");
}

// Otherwise QSQLITE copies every value of every row into a cache of QVariants first.
bool SqliteDialect::forwardOnlyQueries() const
{
    return true;
}

// The latest build is one backward step in workspace_builds_number_uniq per workspace.
QString SqliteDialect::latestBuildJoins() const
{
    return QStringLiteral(
        " JOIN workspace_builds b ON b.workspace_id = w.id AND b.build_number ="
        " (SELECT max(lb.build_number) FROM workspace_builds lb WHERE lb.workspace_id = w.id)"
        " JOIN provisioner_jobs j ON j.id = b.job_id");
}

// Every tag of the job (json_each over its object) has the same value among the daemon's.
QString SqliteDialect::jobTagsSubsetCondition() const
{
    return QStringLiteral(
        "(provisioner_jobs.tags = '{}' OR NOT EXISTS (SELECT 1 FROM "
        "json_each(provisioner_jobs.tags) AS jt WHERE jt.value IS NOT (SELECT dt.value FROM "
        "json_each(?) AS dt WHERE dt.key = jt.key)))");
}

MigrationRunner::Dialect SqliteDialect::migrationDialect() const
{
    return {beginWriteStatement(), {}};
}

bool SqliteDialect::isUniqueViolation(const QSqlError &error) const
{
    // 2067: SQLITE_CONSTRAINT_UNIQUE, 1555: SQLITE_CONSTRAINT_PRIMARYKEY
    return error.nativeErrorCode() == QLatin1String("1555") ||
           isConstraint(error, QLatin1String("2067"), QLatin1String("UNIQUE constraint failed"));
}

bool SqliteDialect::isForeignKeyViolation(const QSqlError &error) const
{
    // 787: SQLITE_CONSTRAINT_FOREIGNKEY
    return isConstraint(error, QLatin1String("787"),
                        QLatin1String("FOREIGN KEY constraint failed"));
}

} // namespace coder::server
