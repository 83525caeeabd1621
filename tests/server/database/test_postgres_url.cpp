#include "server/database/postgres_url.h"

#include <QtTest>

using namespace coder::server;
using namespace Qt::StringLiterals;

class TestPostgresUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheParts()
    {
        auto url = PostgresUrl::parse(
            u"postgres://coder:p%40ss%3Aw0rd@db.example.com:6543/coderdb?sslmode=require"_s);
        QVERIFY2(url, url ? "" : qPrintable(url.error()));
        QCOMPARE(url->user, u"coder"_s);
        QCOMPARE(url->password, u"p@ss:w0rd"_s);
        QCOMPARE(url->host, u"db.example.com"_s);
        QCOMPARE(url->port, 6543);
        QCOMPARE(url->database, u"coderdb"_s);
        QCOMPARE(url->connectOptions(), u"sslmode=require;connect_timeout=10"_s);
        QCOMPARE(url->describe(), u"coder@db.example.com:6543/coderdb"_s);
    }

    void acceptsPostgresqlSchemeAndDefaults()
    {
        auto url = PostgresUrl::parse(u"postgresql://localhost/coder"_s);
        QVERIFY(url);
        QCOMPARE(url->port, 5432);
        QVERIFY(url->user.isEmpty());
        QVERIFY(url->password.isEmpty());
        QCOMPARE(url->database, u"coder"_s);
    }

    void socketDirectoryFromQuery()
    {
        auto url = PostgresUrl::parse(
            u"postgres://coder@/coder?host=/var/run/postgresql&port=5433&connect_timeout=3"_s);
        QVERIFY2(url, url ? "" : qPrintable(url.error()));
        QCOMPARE(url->host, u"/var/run/postgresql"_s);
        QCOMPARE(url->port, 5433);
        QCOMPARE(url->connectOptions(), u"connect_timeout=3"_s);
    }

    void ipv6Host()
    {
        auto url = PostgresUrl::parse(u"postgres://u:p@[::1]:5432/db"_s);
        QVERIFY(url);
        QCOMPARE(url->host, u"::1"_s);
    }

    void rejectsBadUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("scheme") << u"http://u:Secr3tPass@h/db"_s << u"postgres://"_s;
        QTest::newRow("port text") << u"postgres://u:Secr3tPass@h:abc/db"_s << u"malformed"_s;
        QTest::newRow("port range") << u"postgres://u:Secr3tPass@h:70000/db"_s << u"malformed"_s;
        QTest::newRow("port zero") << u"postgres://u:Secr3tPass@h:0/db"_s << u"port"_s;
        QTest::newRow("query port") << u"postgres://u:Secr3tPass@h/db?port=x"_s << u"port"_s;
        QTest::newRow("path") << u"postgres://u:Secr3tPass@h/db/extra"_s << u"database name"_s;
        QTest::newRow("sslmode") << u"postgres://u:Secr3tPass@h/db?sslmode=sometimes"_s
                                 << u"sslmode"_s;
        QTest::newRow("unknown") << u"postgres://u:Secr3tPass@h/db?options=-c%20x"_s
                                 << u"options"_s;
        QTest::newRow("injection")
            << u"postgres://u:Secr3tPass@h/db?application_name=a%20host=evil"_s
            << u"application_name"_s;
        QTest::newRow("timeout") << u"postgres://u:Secr3tPass@h/db?connect_timeout=-1"_s
                                 << u"connect_timeout"_s;
        QTest::newRow("empty host param") << u"postgres://u:Secr3tPass@h/db?host="_s << u"host"_s;
    }

    void rejectsBadUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        auto parsed = PostgresUrl::parse(url);
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().contains(expected), qPrintable(parsed.error()));
        QVERIFY2(!parsed.error().contains(u"Secr3tPass"_s), qPrintable(parsed.error()));
    }

    void redactsThePassword()
    {
        auto url = PostgresUrl::parse(u"postgres://u:hunter2hunter@h/db"_s);
        QVERIFY(url);
        QCOMPARE(url->redact(u"failed for hunter2hunter at h"_s), u"failed for ******** at h"_s);
    }
};

QTEST_GUILESS_MAIN(TestPostgresUrl)
#include "test_postgres_url.moc"
