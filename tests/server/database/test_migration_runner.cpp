#include "server/database/migration_runner.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::server;
using namespace Qt::StringLiterals;

class TestMigrationRunner : public QObject
{
    Q_OBJECT

private:
    static void write(const QTemporaryDir &dir, const QString &name, const QByteArray &sql)
    {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(sql);
    }

    static MigrationRunner runner(const QTemporaryDir &dir)
    {
        return MigrationRunner(dir.path(), {u"BEGIN IMMEDIATE"_s, {}});
    }

private Q_SLOTS:
    void splitsAtTopLevelSemicolons_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QStringList>("statements");
        QTest::newRow("plain") << u"CREATE TABLE a (x int);\nCREATE TABLE b (y int);"_s
                               << QStringList{u"CREATE TABLE a (x int)"_s,
                                              u"CREATE TABLE b (y int)"_s};
        QTest::newRow("no trailing semicolon") << u"SELECT 1"_s << QStringList{u"SELECT 1"_s};
        QTest::newRow("empty statements") << u" ; ;\n;SELECT 1;;"_s << QStringList{u"SELECT 1"_s};
        QTest::newRow("semicolon in a string")
            << u"INSERT INTO t VALUES ('a;b', 'it''s; ok');SELECT 2"_s
            << QStringList{u"INSERT INTO t VALUES ('a;b', 'it''s; ok')"_s, u"SELECT 2"_s};
        QTest::newRow("semicolon in an identifier")
            << u"CREATE TABLE \"we;ird\" (x int);"_s
            << QStringList{u"CREATE TABLE \"we;ird\" (x int)"_s};
        QTest::newRow("comments")
            << u"-- a comment; still a comment\nSELECT 1; /* x; y */ SELECT 2;"_s
            << QStringList{u"SELECT 1"_s, u"SELECT 2"_s};
        QTest::newRow("dollar quoted body")
            << u"CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql;SELECT $$a;b$$"_s
            << QStringList{
                   u"CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql"_s,
                   u"SELECT $$a;b$$"_s};
        QTest::newRow("trigger body")
            << u"CREATE TRIGGER t AFTER UPDATE ON a BEGIN UPDATE b SET x = 1; DELETE FROM c; END;SELECT 3"_s
            << QStringList{
                   u"CREATE TRIGGER t AFTER UPDATE ON a BEGIN UPDATE b SET x = 1; DELETE FROM c; END"_s,
                   u"SELECT 3"_s};
        QTest::newRow("temp trigger, lower case")
            << u"create temp trigger t after insert on a begin select 1; select 2; end;"_s
            << QStringList{
                   u"create temp trigger t after insert on a begin select 1; select 2; end"_s};
        QTest::newRow("PostgreSQL trigger has no body")
            << u"CREATE TRIGGER t AFTER UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();SELECT 4"_s
            << QStringList{
                   u"CREATE TRIGGER t AFTER UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f()"_s,
                   u"SELECT 4"_s};
        QTest::newRow("positional parameter is not a tag")
            << u"SELECT $1; SELECT 2"_s << QStringList{u"SELECT $1"_s, u"SELECT 2"_s};
        QTest::newRow("unterminated string keeps the rest")
            << u"SELECT 'abc;def"_s << QStringList{u"SELECT 'abc;def"_s};
    }

    void splitsAtTopLevelSemicolons()
    {
        QFETCH(QString, sql);
        QFETCH(QStringList, statements);
        QCOMPARE(MigrationRunner::splitStatements(sql), statements);
    }

    void loadsInNumericOrder()
    {
        QTemporaryDir dir;
        write(dir, u"10_ten.sql"_s, "SELECT 10;");
        write(dir, u"0002_two.sql"_s, "SELECT 2;");
        write(dir, u"README.md"_s, "not a migration");
        auto loaded = runner(dir).load();
        QVERIFY(loaded);
        QCOMPARE(loaded->size(), 2);
        QCOMPARE(loaded->at(0).version, 2);
        QCOMPARE(loaded->at(0).fileName, u"0002_two.sql"_s);
        QCOMPARE(loaded->at(1).version, 10);
    }

    void rejectsBadDirectories_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("expected");
        QTest::newRow("misnamed") << QStringList{u"first.sql"_s} << u"first.sql"_s;
        QTest::newRow("duplicate number")
            << QStringList{u"0001_a.sql"_s, u"1_b.sql"_s} << u"same number"_s;
    }

    void rejectsBadDirectories()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        for (const QString &file : files)
            write(dir, file, "SELECT 1;");
        auto loaded = runner(dir).load();
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().contains(expected), qPrintable(loaded.error()));
    }

    void missingDirectoryIsAnError()
    {
        auto loaded = MigrationRunner(u"/nonexistent/migrations"_s, {u"BEGIN"_s, {}}).load();
        QVERIFY(!loaded);
        QVERIFY(loaded.error().contains(u"/nonexistent/migrations"_s));
    }

    void appliesEachFileOnceAndStopsAtAFailure()
    {
        QTemporaryDir dir;
        write(dir, u"0001_a.sql"_s, "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);");
        write(dir, u"0002_b.sql"_s, "CREATE TABLE b (x INTEGER); SELECT * FROM missing;");
        write(dir, u"0003_c.sql"_s, "CREATE TABLE c (x INTEGER);");
        const QString name = u"migration-runner-test"_s;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(dir.filePath(u"test.db"_s));
            QVERIFY(db.open());

            auto failed = runner(dir).apply(db);
            QVERIFY(!failed);
            QVERIFY2(failed.error().contains(u"0002_b.sql"_s), qPrintable(failed.error()));
            QVERIFY2(failed.error().contains(u"missing"_s), qPrintable(failed.error()));

            QSqlQuery query(db);
            QVERIFY(
                query.exec(u"SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"_s));
            QStringList tables;
            while (query.next())
                tables.append(query.value(0).toString());
            QCOMPARE(tables, (QStringList{u"a"_s, u"schema_migrations"_s}));
            query.finish();

            write(dir, u"0002_b.sql"_s, "CREATE TABLE b (x INTEGER);");
            auto applied = runner(dir).apply(db);
            QVERIFY2(applied, applied ? "" : qPrintable(applied.error()));
            QCOMPARE(*applied, 2);
            auto again = runner(dir).apply(db);
            QVERIFY(again);
            QCOMPARE(*again, 0);
            QVERIFY(query.exec(u"SELECT count(*) FROM a"_s));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toInt(), 1);
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
};

QTEST_GUILESS_MAIN(TestMigrationRunner)
#include "test_migration_runner.moc"
