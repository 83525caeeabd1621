#include "migration_runner.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>

namespace coder::server {

namespace {

QString createTableSql()
{
    return QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
}

// Length of a dollar-quote tag ($$ or $tag$) starting at i, or 0 when there is none.
qsizetype dollarTagLength(const QString &sql, qsizetype i)
{
    qsizetype j = i + 1;
    while (j < sql.size() && (sql[j].isLetterOrNumber() || sql[j] == u'_'))
        ++j;
    if (j < sql.size() && sql[j] == u'$' && !(j > i + 1 && sql[i + 1].isDigit()))
        return j - i + 1;
    return 0;
}

// True while `statement` is inside an SQLite trigger body (CREATE TRIGGER ... BEGIN ... END),
// whose semicolons end the body's statements, not the trigger.
bool insideTriggerBody(const QString &statement)
{
    static const QRegularExpression opened(
        QStringLiteral("^\\s*CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b.*\\bBEGIN\\b"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression closed(QStringLiteral("\\bEND\\s*$"),
                                           QRegularExpression::CaseInsensitiveOption);
    return opened.match(statement).hasMatch() && !closed.match(statement).hasMatch();
}

} // namespace

MigrationRunner::MigrationRunner(QString directory, Dialect dialect)
    : m_directory(std::move(directory)), m_dialect(std::move(dialect))
{}

QStringList MigrationRunner::splitStatements(const QString &sql)
{
    QStringList statements;
    QString current;
    qsizetype i = 0;
    const qsizetype n = sql.size();
    auto flush = [&] {
        const QString trimmed = current.trimmed();
        if (!trimmed.isEmpty())
            statements.append(trimmed);
        current.clear();
    };
    while (i < n) {
        const QChar c = sql[i];
        if (c == u'-' && i + 1 < n && sql[i + 1] == u'-') {
            const qsizetype end = sql.indexOf(u'\n', i);
            i = end < 0 ? n : end; // comments are dropped; the newline is kept
            continue;
        }
        if (c == u'/' && i + 1 < n && sql[i + 1] == u'*') {
            const qsizetype end = sql.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? n : end + 2;
            current.append(u' ');
            continue;
        }
        if (c == u'\'' || c == u'"') {
            // A doubled quote inside a literal is an escaped quote: the scan just re-enters.
            const qsizetype end = sql.indexOf(c, i + 1);
            const qsizetype stop = end < 0 ? n : end + 1;
            current.append(QStringView(sql).mid(i, stop - i));
            i = stop;
            continue;
        }
        if (c == u'$') {
            const qsizetype tagLength = dollarTagLength(sql, i);
            if (tagLength > 0) {
                const QString tag = sql.mid(i, tagLength);
                const qsizetype end = sql.indexOf(tag, i + tagLength);
                const qsizetype stop = end < 0 ? n : end + tagLength;
                current.append(QStringView(sql).mid(i, stop - i));
                i = stop;
                continue;
            }
        }
        if (c == u';' && !insideTriggerBody(current)) {
            flush();
            ++i;
            continue;
        }
        current.append(c);
        ++i;
    }
    flush();
    return statements;
}

core::Result<QList<MigrationRunner::Migration>, QString> MigrationRunner::load() const
{
    const QDir dir(m_directory);
    if (!dir.exists())
        return QStringLiteral("The migrations directory %1 does not exist.").arg(m_directory);
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)_[A-Za-z0-9_]+\\.sql$"));
    QList<Migration> migrations;
    const QStringList files = dir.entryList({QStringLiteral("*.sql")}, QDir::Files);
    for (const QString &fileName : files) {
        const auto match = pattern.match(fileName);
        if (!match.hasMatch())
            return QStringLiteral("Migration %1 is misnamed (expected NNNN_name.sql).")
                .arg(fileName);
        QFile file(dir.filePath(fileName));
        if (!file.open(QIODevice::ReadOnly))
            return QStringLiteral("Cannot read migration %1: %2.")
                .arg(fileName, file.errorString());
        migrations.append(
            {match.captured(1).toLongLong(), fileName, QString::fromUtf8(file.readAll())});
    }
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
    for (qsizetype k = 1; k < migrations.size(); ++k) {
        if (migrations[k].version == migrations[k - 1].version)
            return QStringLiteral("Migrations %1 and %2 have the same number.")
                .arg(migrations[k - 1].fileName, migrations[k].fileName);
    }
    return migrations;
}

core::Result<int, QString> MigrationRunner::apply(QSqlDatabase &db) const
{
    auto migrations = load();
    if (!migrations)
        return migrations.error();
    int applied = 0;
    for (const Migration &migration : std::as_const(*migrations)) {
        auto done = applyOne(db, migration);
        if (!done)
            return done.error();
        if (*done)
            ++applied;
    }
    return applied;
}

// Returns whether the file was applied now (false: it was already recorded).
core::Result<bool, QString> MigrationRunner::applyOne(QSqlDatabase &db,
                                                      const Migration &migration) const
{
    const QString name = migration.fileName;
    auto fail = [&](const QSqlQuery &query, const QString &what) -> QString {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return QStringLiteral("Migration %1 failed %2: %3")
            .arg(name, what, query.lastError().text().trimmed());
    };

    QSqlQuery query(db);
    if (!query.exec(m_dialect.begin))
        return QStringLiteral("Migration %1 could not start a transaction: %2")
            .arg(name, query.lastError().text().trimmed());
    // The table is created under the lock too: two PostgreSQL sessions racing on
    // CREATE TABLE IF NOT EXISTS can otherwise both try to create it.
    if (!m_dialect.lock.isEmpty() && !query.exec(m_dialect.lock))
        return fail(query, QStringLiteral("to take the migration lock"));
    if (!query.exec(createTableSql()))
        return fail(query, QStringLiteral("to create schema_migrations"));

    query.prepare(QStringLiteral("SELECT 1 FROM schema_migrations WHERE version = ?"));
    query.addBindValue(migration.version);
    if (!query.exec())
        return fail(query, QStringLiteral("to read schema_migrations"));
    if (query.next()) {
        query.finish();
        if (!query.exec(QStringLiteral("COMMIT")))
            return fail(query, QStringLiteral("to commit"));
        return false;
    }
    query.finish();

    const QStringList statements = splitStatements(migration.sql);
    for (qsizetype k = 0; k < statements.size(); ++k) {
        QSqlQuery statement(db);
        if (!statement.exec(statements[k]))
            return fail(statement, QStringLiteral("at statement %1").arg(k + 1));
    }

    query.prepare(
        QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"));
    query.addBindValue(migration.version);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!query.exec())
        return fail(query, QStringLiteral("to record its version"));
    if (!query.exec(QStringLiteral("COMMIT")))
        return fail(query, QStringLiteral("to commit"));
    return true;
}

} // namespace coder::server
