// `coder server` as a user starts it: flags, their CODER_* environment twins, HTTPS, errors.
#include "tests/support/api_test_client.h"
#include "tests/support/coderd_process.h"

#include <QtTest>
#include <csignal>

using namespace coder::test;

class TestServerCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printsBoundPortAndAccessUrl();
    void environmentEquivalents();
    void servesHttps();
    void badFlagsAreClearErrors_data();
    void badFlagsAreClearErrors();
    void postgresErrorHidesPassword();
    void sigintStopsCleanly();

private:
    // Runs `coder server ARGS` expecting it to fail; returns its output.
    QString failingRun(const QStringList &args, int *exitCode = nullptr);
};

void TestServerCommand::printsBoundPortAndAccessUrl()
{
    CoderdProcess coderd;
    QVERIFY(coderd.start(
        {QStringLiteral("--access-url"), QStringLiteral("https://coder.example.com")}));
    QVERIFY(coderd.url().port() > 0);
    QVERIFY(coderd.output().contains(u"Access URL: https://coder.example.com"_qs));
    QVERIFY(coderd.output().contains(u"Database: SQLite at "_qs));
    ApiTestClient api(coderd.url());
    const ApiReply info = api.get(QStringLiteral("/api/v2/buildinfo"));
    QCOMPARE(info.json().value(u"external_url").toString(),
             QStringLiteral("https://coder.example.com"));
}

void TestServerCommand::environmentEquivalents()
{
    QTemporaryDir dataDir;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CODER_ACCESS_URL"), QStringLiteral("http://from-env.example.com"));
    env.insert(QStringLiteral("CODER_DATA_DIR"), dataDir.path() + QStringLiteral("/nested/data"));
    CoderdProcess coderd;
    QVERIFY(coderd.start(
        {QStringLiteral("--data-dir"), dataDir.path() + QStringLiteral("/nested/data")}, env));
    QVERIFY(coderd.output().contains(u"http://from-env.example.com"_qs));
    QVERIFY(QFileInfo::exists(dataDir.path() + QStringLiteral("/nested/data/coder.db")));
}

void TestServerCommand::servesHttps()
{
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"), key,
                   QStringLiteral("-out"), cert});
    QVERIFY2(openssl.waitForFinished(30'000) && openssl.exitCode() == 0,
             openssl.readAllStandardError().constData());

    CoderdProcess coderd;
    QVERIFY(coderd.start(
        {QStringLiteral("--tls-cert-file"), cert, QStringLiteral("--tls-key-file"), key}));
    QCOMPARE(coderd.url().scheme(), QStringLiteral("https"));
    QVERIFY(coderd.output().contains(u"Started HTTPS listener"_qs));

    QNetworkAccessManager network;
    QNetworkRequest request(coderd.url().resolved(QUrl(QStringLiteral("/healthz"))));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(cert));
    request.setSslConfiguration(tls);
    request.setPeerVerifyName(QStringLiteral("localhost"));
    QNetworkReply *reply = network.get(request);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10'000);
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->readAll(), QByteArray("OK"));
    delete reply;

    // Plain HTTP to the HTTPS port gets nothing useful.
    ApiTestClient plain(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(coderd.url().port())));
    QVERIFY(plain.get(QStringLiteral("/healthz")).status != 200);
}

QString TestServerCommand::failingRun(const QStringList &args, int *exitCode)
{
    QTemporaryDir dataDir;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList all{QStringLiteral("server"), QStringLiteral("--data-dir"), dataDir.path()};
    all << args;
    process.start(CoderdProcess::binary(), all);
    if (!process.waitForFinished(20'000)) {
        process.kill();
        process.waitForFinished();
        return QStringLiteral("<still running>");
    }
    if (exitCode)
        *exitCode = process.exitCode();
    return QString::fromUtf8(process.readAll());
}

void TestServerCommand::badFlagsAreClearErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("address without port")
        << QStringList{u"--http-address"_qs, u"127.0.0.1"_qs} << u"invalid --http-address"_qs;
    QTest::newRow("port out of range")
        << QStringList{u"--http-address"_qs, u"127.0.0.1:70000"_qs} << u"invalid --http-address"_qs;
    QTest::newRow("cert without key") << QStringList{u"--tls-cert-file"_qs, u"/nonexistent.pem"_qs}
                                      << u"must be given together"_qs;
    QTest::newRow("missing cert file")
        << QStringList{u"--http-address"_qs,   u"127.0.0.1:0"_qs,    u"--tls-cert-file"_qs,
                       u"/nonexistent.pem"_qs, u"--tls-key-file"_qs, u"/nonexistent.key"_qs}
        << u"cannot read --tls-cert-file"_qs;
    QTest::newRow("bad access url")
        << QStringList{u"--http-address"_qs, u"127.0.0.1:0"_qs, u"--access-url"_qs, u"ftp://x"_qs}
        << u"invalid --access-url"_qs;
    QTest::newRow("threads not a number")
        << QStringList{u"--threads"_qs, u"many"_qs} << u"--threads"_qs;
}

void TestServerCommand::badFlagsAreClearErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    int exitCode = 0;
    const QString output = failingRun(args, &exitCode);
    QVERIFY2(output.contains(message), qPrintable(output));
    QVERIFY(exitCode != 0);
}

void TestServerCommand::postgresErrorHidesPassword()
{
    // Nothing listens on port 1: the connection fails, and the message must not echo the password.
    int exitCode = 0;
    const QString output =
        failingRun({QStringLiteral("--http-address"), QStringLiteral("127.0.0.1:0"),
                    QStringLiteral("--postgres-url"),
                    QStringLiteral("postgres://coder:sup3r-s3cret@127.0.0.1:1/coder")},
                   &exitCode);
    QVERIFY(exitCode != 0);
    QVERIFY2(!output.contains(u"sup3r-s3cret"_qs), qPrintable(output));
    QVERIFY2(output.contains(u"error"_qs), qPrintable(output));
}

void TestServerCommand::sigintStopsCleanly()
{
    CoderdProcess coderd;
    QVERIFY(coderd.start());
    ::kill(static_cast<pid_t>(coderd.process().processId()), SIGINT);
    QVERIFY(coderd.process().waitForFinished(15'000));
    QCOMPARE(coderd.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(coderd.process().exitCode(), 0);
    coderd.process().waitForReadyRead(100);
    QVERIFY(coderd.output().contains(u"Stopped."_qs) ||
            coderd.process().readAll().contains("Stopped."));
}

QTEST_GUILESS_MAIN(TestServerCommand)
#include "test_server_command.moc"
