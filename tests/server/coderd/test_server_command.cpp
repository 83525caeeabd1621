// `coder server` as a user starts it: flags, their CODER_* environment twins, HTTPS, errors.
#include "tests/support/api_test_client.h"
#include "tests/support/coderd_process.h"
#include "tests/support/raw_http.h"

#include <QtTest>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace coder::test;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat info
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_mode & 07777
                                                                   : mode_t(-1);
}

} // namespace

class TestServerCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printsBoundPortAndAccessUrl();
    void environmentEquivalents();
    void environmentTwinsAreRead_data();
    void environmentTwinsAreRead();
    void pskFromTheEnvironment();
    void servesHttps();
    void badFlagsAreClearErrors_data();
    void badFlagsAreClearErrors();
    void postgresErrorHidesPassword();
    void sigintStopsCleanly();
    void unsandboxedWorkspacesWarnOrAreRefused();

private:
    // Runs `coder server ARGS` expecting it to fail; returns its output.
    QString failingRun(const QStringList &args, int *exitCode = nullptr,
                       const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
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
    // CODER_DATA_DIR alone (CoderdProcess passes no --data-dir when the environment names one),
    // naming a directory that exists with a mode coderd must tighten: 0755 becomes 0700.
    QTemporaryDir root;
    const QString dataDir = root.filePath(QStringLiteral("shared"));
    QVERIFY(QDir().mkpath(dataDir));
    QVERIFY(::chmod(QFile::encodeName(dataDir).constData(), 0755) == 0);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CODER_ACCESS_URL"), QStringLiteral("http://from-env.example.com"));
    env.insert(QStringLiteral("CODER_DATA_DIR"), dataDir);
    CoderdProcess coderd;
    QVERIFY(coderd.start({}, env));
    QVERIFY(!coderd.arguments().contains(u"--data-dir"_qs));
    QVERIFY(coderd.output().contains(u"http://from-env.example.com"_qs));
    QVERIFY2(coderd.output().contains(u"Database: SQLite at "_qs + dataDir + u"/coder.db"_qs),
             qPrintable(coderd.output()));
    QCOMPARE(modeOf(dataDir), mode_t(0700));
    QCOMPARE(modeOf(dataDir + QStringLiteral("/coder.db")) & 0077, mode_t(0));

    // A data dir coderd creates itself (with its parents) is 0700 as well.
    const QString nested = root.filePath(QStringLiteral("a/b/data"));
    env.insert(QStringLiteral("CODER_DATA_DIR"), nested);
    CoderdProcess second;
    QVERIFY(second.start({}, env));
    QCOMPARE(modeOf(nested), mode_t(0700));
}

void TestServerCommand::environmentTwinsAreRead_data()
{
    // Each CODER_* twin alone, with a value its flag refuses: the error names the flag, so the
    // variable reached that option (and no other).
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    const auto row = [](const char *variable, const QString &value, const QString &message) {
        QTest::newRow(variable) << QString::fromLatin1(variable) << value << message;
    };
    row("CODER_HTTP_ADDRESS", u"127.0.0.1"_qs, u"invalid --http-address"_qs);
    row("CODER_ACCESS_URL", u"ftp://x"_qs, u"invalid --access-url"_qs);
    row("CODER_TLS_CERT_FILE", u"/nonexistent.pem"_qs, u"must be given together"_qs);
    row("CODER_TLS_KEY_FILE", u"/nonexistent.key"_qs, u"must be given together"_qs);
    row("CODER_HTTP_THREADS", u"-1"_qs, u"--threads: Value -1 not in range"_qs);
    row("CODER_LOGIN_RATE_LIMIT", u"-5"_qs, u"--login-rate-limit: Value -5"_qs);
    row("CODER_PROVISIONER_DAEMONS", u"999"_qs, u"--provisioner-daemons: Value 999"_qs);
    row("CODER_PROCESS_SANDBOX", u"bogus"_qs, u"--process-sandbox: bogus not in"_qs);
    row("CODER_PROVISIONER_HEARTBEAT_INTERVAL", u"0"_qs,
        u"--provisioner-heartbeat-interval: Value 0"_qs);
    row("CODER_PROVISIONER_HEARTBEAT_TIMEOUT", u"0"_qs,
        u"--provisioner-heartbeat-timeout: Value 0"_qs);
    row("CODER_AUTOBUILD_POLL_INTERVAL", u"0"_qs, u"--autobuild-poll-interval: Value 0"_qs);
    row("CODER_PG_CONNECTION_URL", u"postgres://coder:sup3r-s3cret@127.0.0.1:1/coder"_qs,
        u"PostgreSQL"_qs);
}

void TestServerCommand::environmentTwinsAreRead()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, message);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(variable, value);
    if (variable != u"CODER_HTTP_ADDRESS")
        env.insert(QStringLiteral("CODER_HTTP_ADDRESS"), QStringLiteral("127.0.0.1:0"));
    int exitCode = 0;
    const QString output = failingRun({}, &exitCode, env);
    QVERIFY2(output.contains(message), qPrintable(output));
    QVERIFY2(!output.contains(u"sup3r-s3cret"_qs), qPrintable(output));
    QVERIFY(exitCode != 0);
}

void TestServerCommand::pskFromTheEnvironment()
{
    // CODER_PROVISIONER_DAEMON_PSK alone admits an external daemon that presents it.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CODER_PROVISIONER_DAEMON_PSK"), QStringLiteral("env-psk-1234"));
    CoderdProcess coderd;
    QVERIFY(coderd.start({}, env));
    const QString serve =
        QStringLiteral("/api/v2/provisionerdaemons/serve?name=env&provisioner=process");
    const RawReply wrong = rawUpgrade(coderd.url(), serve, {{"Coder-Provisioner-Daemon-PSK", "x"}});
    QCOMPARE(wrong.status, 401);
    const RawReply right =
        rawUpgrade(coderd.url(), serve, {{"Coder-Provisioner-Daemon-PSK", "env-psk-1234"}});
    QVERIFY2(right.problem.isEmpty(), qPrintable(right.problem));
    QCOMPARE(right.status, 101);
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

    // Over HTTPS the session cookie is Secure as well as HttpOnly and SameSite=Lax, when it is
    // set at login and when logout clears it.
    ApiTestClient api(coderd.url());
    api.trustCertificates(cert);
    const QByteArray owner = api.setupOwner();
    QVERIFY(!owner.isEmpty());
    const ApiReply login = api.post(
        QStringLiteral("/api/v2/users/login"),
        {{u"email"_qs, u"admin@example.com"_qs}, {u"password"_qs, u"correct-horse-battery"_qs}});
    QCOMPARE(login.status, 201);
    const QByteArray cookie = login.header("set-cookie");
    QVERIFY2(cookie.startsWith("coder_session_token="), cookie.constData());
    for (const char *attribute : {"; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"})
        QVERIFY2(cookie.contains(attribute), cookie.constData());
    const QByteArray session = login.json().value(u"session_token").toString().toLatin1();
    const ApiReply logout = api.post(QStringLiteral("/api/v2/users/logout"), {}, session);
    QCOMPARE(logout.status, 200);
    QVERIFY2(logout.header("set-cookie").contains("; Secure"),
             logout.header("set-cookie").constData());
    QVERIFY(logout.header("set-cookie").contains("Max-Age=0"));

    // Plain HTTP to the HTTPS port gets nothing useful.
    ApiTestClient plain(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(coderd.url().port())));
    QVERIFY(plain.get(QStringLiteral("/healthz")).status != 200);
}

// `none` is an explicit choice coderd warns about at start; as root it is refused unless the
// admin says so (a workspace would be root on the machine).
void TestServerCommand::unsandboxedWorkspacesWarnOrAreRefused()
{
    if (::geteuid() == 0) {
        int exitCode = 0;
        const QString refused = failingRun({u"--process-sandbox"_qs, u"none"_qs}, &exitCode);
        QVERIFY2(refused.contains(u"refusing to run workspaces without a sandbox as root"_qs),
                 qPrintable(refused));
        QVERIFY(refused.contains(u"--allow-unsandboxed-root"_qs));
        QVERIFY(exitCode != 0);
    }
    CoderdProcess coderd;
    QVERIFY(coderd.start({u"--process-sandbox"_qs, u"none"_qs, u"--allow-unsandboxed-root"_qs}));
    QString printed = coderd.output();
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     coderd.process().waitForReadyRead(50);
                     printed += QString::fromUtf8(coderd.process().readAll());
                     return printed.contains(u"WARNING: workspaces of the process provisioner "
                                             "run without a sandbox"_qs);
                 },
                 5000),
             qPrintable(printed));
    QCOMPARE(coderd.stop(), 0);
    // The default (bubblewrap, installed here) says nothing of the kind.
    CoderdProcess sandboxed;
    QVERIFY(sandboxed.start());
    QVERIFY(!sandboxed.output().contains(u"without a sandbox"_qs));
}

QString TestServerCommand::failingRun(const QStringList &args, int *exitCode,
                                      const QProcessEnvironment &env)
{
    QTemporaryDir dataDir;
    QProcess process;
    process.setProcessEnvironment(env);
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
