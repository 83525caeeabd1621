#include "test_postgres.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace coder::test {

namespace {

QAtomicInteger<quint64> g_serial;

// Runs one statement on a short-lived connection of its own, so the caller's thread keeps no
// connection to the maintenance database. Returns the error text or "".
QString execOnce(const QString &url, const QString &statement)
{
    const QUrl parsed(url);
    const QString name = QStringLiteral("coder-test-admin-%1").arg(g_serial.fetchAndAddOrdered(1));
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(parsed.host());
        db.setPort(parsed.port(5432));
        db.setUserName(parsed.userName());
        db.setDatabaseName(parsed.path().mid(1));
        db.setConnectOptions(QStringLiteral("connect_timeout=10"));
        if (!db.open()) {
            problem = db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(statement))
                problem = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return problem;
}

} // namespace

TestPostgres::TestPostgres()
{
    const QString urlFile = qEnvironmentVariable("CODER_TEST_POSTGRES_URL_FILE");
    if (urlFile.isEmpty()) {
        fail(QStringLiteral("No PostgreSQL cluster: CODER_TEST_POSTGRES_URL_FILE is not set "
                            "(run through ctest, whose postgres_start fixture starts one)."),
             false);
        return;
    }
    QFile file(urlFile);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(QStringLiteral("No PostgreSQL cluster: %1 is missing (did the postgres_start "
                            "fixture run? is the postgresql package installed?).")
                 .arg(urlFile),
             false);
        return;
    }
    m_adminUrl = QString::fromUtf8(file.readAll()).trimmed();
    if (!m_adminUrl.startsWith(QLatin1String("postgres://"))) {
        fail(QStringLiteral("%1 does not hold a postgres:// URL.").arg(urlFile), true);
        return;
    }

    m_database = QStringLiteral("coder_test_%1_%2_%3")
                     .arg(QCoreApplication::applicationPid())
                     .arg(g_serial.fetchAndAddOrdered(1))
                     .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    // The name is generated here from digits and letters, so quoting it is enough.
    if (QString problem = runAdmin(QStringLiteral("CREATE DATABASE \"%1\"").arg(m_database));
        !problem.isEmpty()) {
        fail(QStringLiteral("Cannot create a test database on %1: %2").arg(m_adminUrl, problem),
             true);
        m_database.clear();
        return;
    }
    QUrl url(m_adminUrl);
    url.setPath(u'/' + m_database);
    m_url = url.toString();
}

TestPostgres::~TestPostgres()
{
    if (m_database.isEmpty())
        return;
    const QString problem =
        runAdmin(QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)").arg(m_database));
    if (!problem.isEmpty())
        qWarning("Cannot drop the test database %s: %s", qPrintable(m_database),
                 qPrintable(problem));
}

void TestPostgres::fail(const QString &problem, bool fatal)
{
    m_problem = problem;
    m_fatal = fatal;
}

QString TestPostgres::runAdmin(const QString &statement) const
{
    return execOnce(m_adminUrl, statement);
}

} // namespace coder::test
