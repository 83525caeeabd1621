#include "tests/support/coder_cli.h"
#include "tests/support/coderd_process.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

using coder::test::CliRun;
using coder::test::CoderCli;

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

QJsonArray jsonArray(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).array();
}

QStringList usernames(const QJsonArray &users)
{
    QStringList names;
    for (const auto &user : users)
        names.append(user.toObject().value(QStringLiteral("username")).toString());
    return names;
}

const QString loginHint = QStringLiteral("Try logging in using 'coder login");

// A real pseudo-terminal for the prompts: the CLI's stdin is its slave side.
class PseudoTerminal
{
public:
    PseudoTerminal()
    {
        m_master = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (m_master < 0 || ::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0)
            return;
        m_slavePath = QString::fromLocal8Bit(::ptsname(m_master));
        // Held open so the master keeps its echoed bytes readable after the CLI exits.
        m_slave = ::open(QFile::encodeName(m_slavePath).constData(), O_RDWR | O_NOCTTY);
        ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    }
    ~PseudoTerminal()
    {
        if (m_slave >= 0)
            ::close(m_slave);
        if (m_master >= 0)
            ::close(m_master);
    }
    bool isOpen() const { return m_slave >= 0; }
    bool echoes() const
    {
        termios mode{};
        return ::tcgetattr(m_slave, &mode) == 0 && (mode.c_lflag & ECHO) != 0;
    }
    QString slavePath() const { return m_slavePath; }
    bool type(const QByteArray &text)
    {
        return ::write(m_master, text.constData(), static_cast<size_t>(text.size())) == text.size();
    }
    // What the terminal showed: the echo of what was typed.
    QByteArray screen()
    {
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(m_master, buffer, sizeof buffer)) > 0)
            m_screen.append(buffer, n);
        return m_screen;
    }

private:
    int m_master = -1;
    int m_slave = -1;
    QString m_slavePath;
    QByteArray m_screen;
};

// An interactive `coder` run: waits for each prompt on stderr, then types the answer.
class Conversation
{
public:
    Conversation(PseudoTerminal &tty, const QString &configDir, const QStringList &args)
        : m_tty(tty)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("CODER_CONFIG_DIR"), configDir);
        env.insert(QStringLiteral("CODER_SECRET_STORE"), QStringLiteral("file"));
        env.remove(QStringLiteral("CODER_URL"));
        env.remove(QStringLiteral("CODER_SESSION_TOKEN"));
        m_process.setProcessEnvironment(env);
        m_process.setStandardInputFile(tty.slavePath());
        m_process.setReadChannel(QProcess::StandardError);
        m_process.start(coder::test::CoderdProcess::binary(), args);
    }
    ~Conversation()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    bool waitFor(const QByteArray &prompt)
    {
        const QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            m_err += m_process.readAllStandardError();
            const qsizetype at = m_err.indexOf(prompt, m_consumed);
            if (at >= 0) {
                m_consumed = at + prompt.size();
                return true;
            }
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(100);
        }
        return false;
    }

    bool answer(const QByteArray &prompt, const QByteArray &reply)
    {
        return waitFor(prompt) && m_tty.type(reply + '\n');
    }

    void signal(int number) { ::kill(static_cast<pid_t>(m_process.processId()), number); }

    CliRun finish()
    {
        CliRun result;
        if (m_process.waitForFinished(60000) && m_process.exitStatus() == QProcess::NormalExit)
            result.exitCode = m_process.exitCode();
        result.out = QString::fromUtf8(m_process.readAllStandardOutput());
        result.err = QString::fromUtf8(m_err + m_process.readAllStandardError());
        return result;
    }
    QString errSoFar() const { return QString::fromUtf8(m_err); }

private:
    PseudoTerminal &m_tty;
    QProcess m_process;
    QByteArray m_err;
    qsizetype m_consumed = 0;
};

} // namespace

class TestCliIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityLifecycle();
    void helpAndBadInput();
    void interactivePrompts();
};

void TestCliIdentity::identityLifecycle()
{
    coder::test::CoderdProcess coderd;
    QVERIFY(coderd.start());
    const QString url = coderd.url().toString();
    QTemporaryDir home;
    const QString config = home.filePath(QStringLiteral("coderv2"));
    CoderCli cli(config);

    CliRun r = cli.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.contains(QStringLiteral("You are not logged in. ") + loginHint),
             qPrintable(r.describe()));

    // No first user yet and no terminal to ask: the missing flags are named.
    r = cli.run({QStringLiteral("login"), url});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.contains(QStringLiteral("--first-user-username")), qPrintable(r.describe()));

    r = cli.run({QStringLiteral("login"), url, QStringLiteral("--first-user-username"),
                 QStringLiteral("admin"), QStringLiteral("--first-user-email"),
                 QStringLiteral("admin@example.com"), QStringLiteral("--first-user-password"),
                 QStringLiteral("Admin-Pass-123"), QStringLiteral("--first-user-full-name"),
                 QStringLiteral("Ada Admin")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("Welcome to Coder, admin! You're authenticated.")));
    const QString sessionFile = config + QStringLiteral("/session");
    QVERIFY2(r.out.contains(QStringLiteral("Session token stored in ") + sessionFile),
             qPrintable(r.describe()));
    QCOMPARE(modeOf(config), mode_t(0700));
    QCOMPARE(modeOf(sessionFile), mode_t(0600));
    QFile urlFile(config + QStringLiteral("/url"));
    QVERIFY(urlFile.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(urlFile.readAll()).trimmed(), url);

    // The same set-up command run again logs in as the first user instead of failing.
    QTemporaryDir rerunHome;
    r = CoderCli(rerunHome.path())
            .run({QStringLiteral("login"), url, QStringLiteral("--first-user-username"),
                  QStringLiteral("admin"), QStringLiteral("--first-user-email"),
                  QStringLiteral("admin@example.com"), QStringLiteral("--first-user-password"),
                  QStringLiteral("Admin-Pass-123")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("Welcome to Coder, admin!")));

    r = cli.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(r.out.trimmed(),
             QStringLiteral("Coder is running at %1, You're authenticated as admin !").arg(url));

    // Users.
    r = cli.run({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--email"),
                 QStringLiteral("bob@example.com"), QStringLiteral("--username"),
                 QStringLiteral("bob"), QStringLiteral("--password"),
                 QStringLiteral("Bob-Pass-123")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("bob")));
    r = cli.run({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--email"),
                 QStringLiteral("bob2@example.com"), QStringLiteral("--username"),
                 QStringLiteral("bob"), QStringLiteral("--password"),
                 QStringLiteral("Bob-Pass-123")});
    QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
    QVERIFY2(r.err.startsWith(QStringLiteral("error: ")) && r.err.size() > 8,
             qPrintable(r.describe()));

    r = cli.run({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("-o"),
                 QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QStringList names = usernames(jsonArray(r.out));
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("admin"), QStringLiteral("bob")}));
    r = cli.run({QStringLiteral("users"), QStringLiteral("list")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.startsWith(QStringLiteral("USERNAME")));
    QVERIFY(r.out.contains(QStringLiteral("bob@example.com")));
    r = cli.run({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--search"),
                 QStringLiteral("bob"), QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(usernames(jsonArray(r.out)), QStringList{QStringLiteral("bob")});

    r = cli.run({QStringLiteral("users"), QStringLiteral("show"), QStringLiteral("bob"),
                 QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QJsonObject bob = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(bob.value(QStringLiteral("email")).toString(), QStringLiteral("bob@example.com"));
    QCOMPARE(bob.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    r = cli.run({QStringLiteral("users"), QStringLiteral("show"), QStringLiteral("me")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("admin@example.com")));
    QVERIFY(r.out.contains(QStringLiteral("Owner")));
    r = cli.run({QStringLiteral("users"), QStringLiteral("show"), QStringLiteral("nobody")});
    QVERIFY2(r.exitCode != 0 && r.err.startsWith(QStringLiteral("error: ")),
             qPrintable(r.describe()));

    r = cli.run({QStringLiteral("users"), QStringLiteral("suspend"), QStringLiteral("bob")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(r.out.trimmed(), QStringLiteral("User bob has been suspended!"));
    r = cli.run({QStringLiteral("users"), QStringLiteral("show"), QStringLiteral("bob"),
                 QStringLiteral("-o"), QStringLiteral("json")});
    bob = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(bob.value(QStringLiteral("status")).toString(), QStringLiteral("suspended"));
    // A suspended user cannot log in.
    QTemporaryDir bobHome;
    CoderCli bobCli(bobHome.path());
    r = bobCli.run({QStringLiteral("login"), url, QStringLiteral("--email"),
                    QStringLiteral("bob@example.com"), QStringLiteral("--password"),
                    QStringLiteral("Bob-Pass-123")});
    QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
    r = cli.run({QStringLiteral("users"), QStringLiteral("activate"), QStringLiteral("bob")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(r.out.trimmed(), QStringLiteral("User bob has been activated!"));
    r = bobCli.run({QStringLiteral("login"), url, QStringLiteral("--email"),
                    QStringLiteral("bob@example.com"), QStringLiteral("--password"),
                    QStringLiteral("Bob-Pass-123")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("Welcome to Coder, bob!")));

    // Tokens: stdout is the key and nothing else, so scripts can capture it.
    r = cli.run({QStringLiteral("tokens"), QStringLiteral("create"), QStringLiteral("--name"),
                 QStringLiteral("ci"), QStringLiteral("--lifetime"), QStringLiteral("24h")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString key = r.out.trimmed();
    QVERIFY2(
        QRegularExpression(QStringLiteral("^[A-Za-z0-9]+-[A-Za-z0-9]+$")).match(key).hasMatch(),
        qPrintable(r.describe()));

    QTemporaryDir ciHome;
    CoderCli ci(ciHome.path());
    ci.setEnv(QStringLiteral("CODER_URL"), url);
    ci.setEnv(QStringLiteral("CODER_SESSION_TOKEN"), key);
    r = ci.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("You're authenticated as admin !")));

    // `login --token` verifies the token and stores it like a password login would.
    QTemporaryDir tokenHome;
    CoderCli tokenLogin(tokenHome.path());
    r = tokenLogin.run({QStringLiteral("login"), url, QStringLiteral("--token"), key});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.contains(QStringLiteral("Welcome to Coder, admin! You're authenticated.")));
    r = tokenLogin.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = tokenLogin.run(
        {QStringLiteral("login"), url, QStringLiteral("--token"), QStringLiteral("bogus-token")});
    QVERIFY2(r.exitCode != 0 && r.err.startsWith(QStringLiteral("error: ")),
             qPrintable(r.describe()));

    r = cli.run({QStringLiteral("tokens"), QStringLiteral("list"), QStringLiteral("-o"),
                 QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonArray tokens = jsonArray(r.out);
    const auto ciToken = std::find_if(tokens.begin(), tokens.end(), [](const QJsonValue &t) {
        return t.toObject().value(QStringLiteral("token_name")).toString() == u"ci";
    });
    QVERIFY2(ciToken != tokens.end(), qPrintable(r.describe()));
    QCOMPARE(ciToken->toObject().value(QStringLiteral("id")).toString(), key.section(u'-', 0, 0));
    r = cli.run({QStringLiteral("tokens"), QStringLiteral("list")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral(" ci ")), qPrintable(r.describe()));

    r = cli.run({QStringLiteral("tokens"), QStringLiteral("remove"), QStringLiteral("ci")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = ci.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
    QVERIFY2(r.err.contains(QStringLiteral("%1 %2'.").arg(loginHint, url)),
             qPrintable(r.describe()));
    r = tokenLogin.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode != 0 && r.err.contains(loginHint), qPrintable(r.describe()));
    r = cli.run({QStringLiteral("tokens"), QStringLiteral("remove"), QStringLiteral("ci")});
    QVERIFY2(r.exitCode != 0 && r.err.contains(QStringLiteral("ci")), qPrintable(r.describe()));

    // Logout: no terminal, so no question; the session ends on the server too.
    QFile tokenFile(sessionFile);
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    const QString adminSession = QString::fromUtf8(tokenFile.readAll()).trimmed();
    tokenFile.close();
    r = cli.run({QStringLiteral("logout")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(!QFileInfo::exists(sessionFile));
    QVERIFY(!QFileInfo::exists(config + QStringLiteral("/url")));
    r = cli.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("You are not logged in")),
             qPrintable(r.describe()));
    CoderCli stale(home.path());
    stale.setEnv(QStringLiteral("CODER_URL"), url);
    stale.setEnv(QStringLiteral("CODER_SESSION_TOKEN"), adminSession);
    r = stale.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode != 0 && r.err.contains(loginHint), qPrintable(r.describe()));

    // A wrong password: the server's message, no hint to log in (that is what failed), no token.
    r = cli.run({QStringLiteral("login"), url, QStringLiteral("--email"),
                 QStringLiteral("admin@example.com"), QStringLiteral("--password"),
                 QStringLiteral("wrong-password")});
    QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
    QVERIFY2(r.err.startsWith(QStringLiteral("error: ")) &&
                 r.err.contains(QStringLiteral("password"), Qt::CaseInsensitive),
             qPrintable(r.describe()));
    QVERIFY(!r.err.contains(loginHint));
    QVERIFY(!QFileInfo::exists(sessionFile));

    r = cli.run({QStringLiteral("login"), url, QStringLiteral("--email"),
                 QStringLiteral("admin@example.com"), QStringLiteral("--password"),
                 QStringLiteral("Admin-Pass-123")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = cli.run({QStringLiteral("whoami")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

    QCOMPARE(coderd.stop(), 0);
}

void TestCliIdentity::helpAndBadInput()
{
    QTemporaryDir home;
    CoderCli cli(home.path());
    for (const QStringList &args :
         {QStringList{QStringLiteral("login"), QStringLiteral("--help")},
          QStringList{QStringLiteral("users"), QStringLiteral("--help")},
          QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--help")},
          QStringList{QStringLiteral("tokens"), QStringLiteral("create"),
                      QStringLiteral("--help")}}) {
        const CliRun r = cli.run(args);
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("Usage")),
                 qPrintable(r.describe()));
    }

    // A deployment that is not there: a clear message, not a hang.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
    closed.close();
    CliRun r =
        cli.run({QStringLiteral("login"), url, QStringLiteral("--email"), QStringLiteral("a@b.c"),
                 QStringLiteral("--password"), QStringLiteral("x")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    QCOMPARE(r.err.trimmed(),
             QStringLiteral("error: cannot reach %1: connection refused").arg(url));

    r = cli.run({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("-o"),
                 QStringLiteral("yaml")});
    QVERIFY2(r.exitCode != 0 && r.err.contains(QStringLiteral("yaml")), qPrintable(r.describe()));
    r = cli.run({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--email"),
                 QStringLiteral("x@y.z")});
    QVERIFY2(r.exitCode != 0 && r.err.contains(QStringLiteral("--username")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("tokens"), QStringLiteral("create"), QStringLiteral("--lifetime"),
                 QStringLiteral("forever"), QStringLiteral("--url"), url, QStringLiteral("--token"),
                 QStringLiteral("a-b")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("invalid duration")),
             qPrintable(r.describe()));
    r = cli.run({QStringLiteral("login"), QStringLiteral("ftp://example.com")});
    QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("http or https")),
             qPrintable(r.describe()));
}

void TestCliIdentity::interactivePrompts()
{
    PseudoTerminal tty;
    QVERIFY(tty.isOpen());
    coder::test::CoderdProcess coderd;
    QVERIFY(coderd.start());
    const QString url = coderd.url().toString();
    QTemporaryDir home;

    {
        // Mistyped confirmation: nothing is created.
        Conversation login(tty, home.path(), {QStringLiteral("login"), url});
        QVERIFY2(login.answer("Username", "alice"), qPrintable(login.errSoFar()));
        QVERIFY(login.answer("Full name (optional): ", "Alice Liddell"));
        QVERIFY(login.answer("Email: ", "alice@example.com"));
        QVERIFY(login.answer("Password: ", "Wonder-Land-42"));
        QVERIFY(login.answer("Confirm password: ", "Wonder-Land-43"));
        const CliRun r = login.finish();
        QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("do not match")),
                 qPrintable(r.describe()));
    }
    {
        Conversation login(tty, home.path(), {QStringLiteral("login"), url});
        QVERIFY2(login.answer("Username", "alice"), qPrintable(login.errSoFar()));
        QVERIFY(login.answer("Full name (optional): ", "Alice Liddell"));
        QVERIFY(login.answer("Email: ", "alice@example.com"));
        QVERIFY(login.answer("Password: ", "Wonder-Land-42"));
        QVERIFY(login.answer("Confirm password: ", "Wonder-Land-42"));
        const CliRun r = login.finish();
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.contains(QStringLiteral("Welcome to Coder, alice! You're authenticated.")));
    }
    // The terminal echoed the answers but never the password.
    const QByteArray screen = tty.screen();
    QVERIFY2(screen.contains("alice@example.com"), screen.constData());
    QVERIFY2(!screen.contains("Wonder-Land"), screen.constData());

    {
        // A second login on a deployment that has users asks for email and password.
        QTemporaryDir other;
        Conversation login(tty, other.path(), {QStringLiteral("login"), url});
        QVERIFY(login.answer("Email: ", "alice@example.com"));
        QVERIFY(login.answer("Password: ", "Wonder-Land-42"));
        const CliRun r = login.finish();
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    }
    {
        // Interrupted at the hidden password prompt: the terminal gets its echo back.
        QTemporaryDir other;
        Conversation login(tty, other.path(), {QStringLiteral("login"), url});
        QVERIFY(login.answer("Email: ", "alice@example.com"));
        QVERIFY(login.waitFor("Password: "));
        QVERIFY(!tty.echoes());
        login.signal(SIGTERM);
        const CliRun r = login.finish();
        QCOMPARE(r.exitCode, -1);
        QVERIFY(tty.echoes());
    }
    {
        Conversation logout(tty, home.path(), {QStringLiteral("logout")});
        QVERIFY(logout.answer("Are you sure you want to log out? (yes/no): ", "no"));
        const CliRun r = logout.finish();
        QVERIFY2(r.exitCode == 1 && r.err.contains(QStringLiteral("canceled")),
                 qPrintable(r.describe()));
        QVERIFY(QFileInfo::exists(home.filePath(QStringLiteral("session"))));
    }
    {
        Conversation logout(tty, home.path(), {QStringLiteral("logout")});
        QVERIFY(logout.answer("Are you sure you want to log out? (yes/no): ", "yes"));
        const CliRun r = logout.finish();
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(home.filePath(QStringLiteral("session"))));
    }
    QCOMPARE(coderd.stop(), 0);
}

QTEST_GUILESS_MAIN(TestCliIdentity)
#include "test_cli_identity.moc"
