#include "core/secret_store.h"
#include "tests/support/unavailable.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using coder::core::Ok;
using coder::core::Result;
using coder::core::SecretStore;

namespace {

// Runs in a child process of this test (see noBusFallsBackToFile): a bus that cannot be
// reached can only be set before the process first touches D-Bus.
const char childModeVariable[] = "CODER_TEST_SECRET_STORE_CHILD";

struct Outcome
{
    bool done = false;
    std::optional<Result<SecretStore::Location, QString>> written;
    std::optional<Result<std::optional<QByteArray>, QString>> read;
    std::optional<Result<Ok, QString>> removed;
};

// Drives one operation to its callback on the event loop; fails the test if it never comes.
bool write(SecretStore &store, const QString &key, const QByteArray &secret, Outcome &outcome)
{
    outcome = {};
    store.write(key, secret, [&outcome](Result<SecretStore::Location, QString> result) {
        outcome.written = std::move(result);
        outcome.done = true;
    });
    return QTest::qWaitFor([&outcome] { return outcome.done; }, 20000);
}

bool read(SecretStore &store, const QString &key, Outcome &outcome)
{
    outcome = {};
    store.read(key, [&outcome](Result<std::optional<QByteArray>, QString> result) {
        outcome.read = std::move(result);
        outcome.done = true;
    });
    return QTest::qWaitFor([&outcome] { return outcome.done; }, 20000);
}

bool remove(SecretStore &store, const QString &key, Outcome &outcome)
{
    outcome = {};
    store.remove(key, [&outcome](Result<Ok, QString> result) {
        outcome.removed = std::move(result);
        outcome.done = true;
    });
    return QTest::qWaitFor([&outcome] { return outcome.done; }, 20000);
}

// QVERIFY2 evaluates its message even on success: only ask for an error that is there.
template <typename R> QByteArray why(const R &result)
{
    return result.ok() ? QByteArray() : result.error().toUtf8();
}

mode_t modeOf(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

bool keyringAvailable()
{
    return qEnvironmentVariableIsSet("CODER_TEST_KEYRING");
}

SecretStore::Options options(const QString &dir, SecretStore::Mode mode, const QString &service)
{
    SecretStore::Options o;
    o.fileDirectory = dir;
    o.mode = mode;
    o.service = service;
    o.timeout = std::chrono::milliseconds(5000);
    return o;
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fileBackendRoundTrip();
    void fileBackendReplacesAtomically();
    void fileBackendIgnoresUmask();
    void rejectsKeysThatAreNotFileNames();
    void callbacksNeverRunInsideTheCall();
    void modeFromEnvironment();
    void keychainRoundTrip();
    void autoModePrefersKeychainAndDropsStaleFile();
    void keychainServicesAreSeparate();
    void noBusFallsBackToFile();
    void hungKeychainTimesOut();
};

void TestSecretStore::fileBackendRoundTrip()
{
    QTemporaryDir root;
    const QString dir = root.filePath(QStringLiteral("config/coderv2"));
    SecretStore store(options(dir, SecretStore::Mode::File, QStringLiteral("unused")));
    Outcome outcome;

    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QVERIFY(outcome.read->ok());
    QVERIFY(!outcome.read->value().has_value());

    QVERIFY(write(store, QStringLiteral("session"), "abc-123", outcome));
    QVERIFY2(outcome.written->ok(), why(*outcome.written).constData());
    QCOMPARE(outcome.written->value().backend, SecretStore::Backend::File);
    QCOMPARE(outcome.written->value().description, dir + QStringLiteral("/session"));
    // Forced file mode is not a fallback: nothing to apologise for.
    QVERIFY(outcome.written->value().fallbackReason.isEmpty());
    QCOMPARE(modeOf(dir), mode_t(0700));
    QCOMPARE(modeOf(dir + QStringLiteral("/session")), mode_t(0600));
    QVERIFY(QFileInfo(dir + QStringLiteral("/session")).permissions() ==
            (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser));

    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QVERIFY(outcome.read->ok());
    QCOMPARE(outcome.read->value().value(), QByteArray("abc-123"));

    QVERIFY(remove(store, QStringLiteral("session"), outcome));
    QVERIFY(outcome.removed->ok());
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/session")));
    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QVERIFY(!outcome.read->value().has_value());
    // Removing what is not there is fine: logout twice must not fail.
    QVERIFY(remove(store, QStringLiteral("session"), outcome));
    QVERIFY(outcome.removed->ok());
}

void TestSecretStore::fileBackendReplacesAtomically()
{
    QTemporaryDir dir;
    SecretStore store(options(dir.path(), SecretStore::Mode::File, QStringLiteral("unused")));
    Outcome outcome;
    QVERIFY(write(store, QStringLiteral("session"), "first-secret", outcome));
    QVERIFY(outcome.written->ok());
    const QString path = dir.filePath(QStringLiteral("session"));
    struct stat before
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &before), 0);

    QVERIFY(write(store, QStringLiteral("session"), "second", outcome));
    QVERIFY(outcome.written->ok());
    struct stat after
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &after), 0);
    // A new inode means the content was renamed into place, not rewritten in the old file.
    QVERIFY(before.st_ino != after.st_ino);
    QCOMPARE(modeOf(path), mode_t(0600));
    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QCOMPARE(outcome.read->value().value(), QByteArray("second"));
    // No temporary files are left behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("session")});
}

void TestSecretStore::fileBackendIgnoresUmask()
{
    QTemporaryDir dir;
    SecretStore store(options(dir.path(), SecretStore::Mode::File, QStringLiteral("unused")));
    Outcome outcome;
    const mode_t saved = ::umask(0);
    const bool finished = write(store, QStringLiteral("session"), "s", outcome);
    ::umask(saved);
    QVERIFY(finished);
    QVERIFY(outcome.written->ok());
    QCOMPARE(modeOf(dir.filePath(QStringLiteral("session"))), mode_t(0600));
}

void TestSecretStore::rejectsKeysThatAreNotFileNames()
{
    QTemporaryDir dir;
    SecretStore store(options(dir.path(), SecretStore::Mode::File, QStringLiteral("unused")));
    Outcome outcome;
    for (const QString &key : {QStringLiteral("../escape"), QStringLiteral("a/b"),
                               QStringLiteral(".hidden"), QString()}) {
        QVERIFY(write(store, key, "x", outcome));
        QVERIFY2(!outcome.written->ok(), qPrintable(key));
        QVERIFY(outcome.written->error().contains(QStringLiteral("invalid secret key")));
        QVERIFY(read(store, key, outcome));
        QVERIFY(!outcome.read->ok());
    }
    QVERIFY(QDir(dir.path()).isEmpty());
}

void TestSecretStore::callbacksNeverRunInsideTheCall()
{
    QTemporaryDir dir;
    SecretStore store(options(dir.path(), SecretStore::Mode::File, QStringLiteral("unused")));
    bool called = false;
    store.write(QStringLiteral("session"), "x", [&called](auto) { called = true; });
    QVERIFY(!called);
    QTRY_VERIFY(called);

    // Nor after the store is gone.
    bool late = false;
    {
        SecretStore shortLived(
            options(dir.path(), SecretStore::Mode::File, QStringLiteral("unused")));
        shortLived.read(QStringLiteral("session"), [&late](auto) { late = true; });
    }
    QTest::qWait(50);
    QVERIFY(!late);
}

void TestSecretStore::modeFromEnvironment()
{
    const QByteArray saved = qgetenv("CODER_SECRET_STORE");
    qputenv("CODER_SECRET_STORE", "file");
    QCOMPARE(SecretStore::modeFromEnvironment().value(), SecretStore::Mode::File);
    qputenv("CODER_SECRET_STORE", "Keychain");
    QCOMPARE(SecretStore::modeFromEnvironment().value(), SecretStore::Mode::Keychain);
    qunsetenv("CODER_SECRET_STORE");
    QCOMPARE(SecretStore::modeFromEnvironment().value(), SecretStore::Mode::Auto);
    qputenv("CODER_SECRET_STORE", "vault");
    const auto bad = SecretStore::modeFromEnvironment();
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().contains(QStringLiteral("vault")));
    if (saved.isNull())
        qunsetenv("CODER_SECRET_STORE");
    else
        qputenv("CODER_SECRET_STORE", saved);
}

void TestSecretStore::keychainRoundTrip()
{
    if (!keyringAvailable())
        CODER_UNAVAILABLE(
            QStringLiteral("needs tests/support/with_keyring.sh (registered so by CMake)"));
    QTemporaryDir dir;
    SecretStore store(options(dir.path(), SecretStore::Mode::Keychain,
                              QStringLiteral("coder-test:%1").arg(dir.path())));
    Outcome outcome;
    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QVERIFY2(outcome.read->ok(), why(*outcome.read).constData());
    QVERIFY(!outcome.read->value().has_value());

    QVERIFY(write(store, QStringLiteral("session"), "key-id-secret", outcome));
    QVERIFY2(outcome.written->ok(), why(*outcome.written).constData());
    QCOMPARE(outcome.written->value().backend, SecretStore::Backend::Keychain);
    QCOMPARE(outcome.written->value().description, QStringLiteral("the system keychain"));
    // The keychain holds it; no copy on disk.
    QVERIFY(QDir(dir.path()).isEmpty());

    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QVERIFY2(outcome.read->ok(), why(*outcome.read).constData());
    QCOMPARE(outcome.read->value().value(), QByteArray("key-id-secret"));

    // A second store (another CLI run) sees it too: it lives in the keyring daemon.
    SecretStore again(options(dir.path(), SecretStore::Mode::Keychain,
                              QStringLiteral("coder-test:%1").arg(dir.path())));
    QVERIFY(read(again, QStringLiteral("session"), outcome));
    QCOMPARE(outcome.read->value().value(), QByteArray("key-id-secret"));

    QVERIFY(remove(store, QStringLiteral("session"), outcome));
    QVERIFY2(outcome.removed->ok(), why(*outcome.removed).constData());
    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QVERIFY(outcome.read->ok());
    QVERIFY(!outcome.read->value().has_value());
}

void TestSecretStore::autoModePrefersKeychainAndDropsStaleFile()
{
    if (!keyringAvailable())
        CODER_UNAVAILABLE(
            QStringLiteral("needs tests/support/with_keyring.sh (registered so by CMake)"));
    QTemporaryDir dir;
    const QString service = QStringLiteral("coder-test-auto:%1").arg(dir.path());
    Outcome outcome;
    // A token written to the file while no keychain answered...
    SecretStore fileStore(options(dir.path(), SecretStore::Mode::File, service));
    QVERIFY(write(fileStore, QStringLiteral("session"), "old-from-file", outcome));
    QVERIFY(outcome.written->ok());

    SecretStore store(options(dir.path(), SecretStore::Mode::Auto, service));
    // ...is still found in auto mode when the keychain has nothing,
    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QCOMPARE(outcome.read->value().value(), QByteArray("old-from-file"));
    // and a new write goes to the keychain and removes the stale file copy.
    QVERIFY(write(store, QStringLiteral("session"), "new-in-keychain", outcome));
    QVERIFY2(outcome.written->ok(), why(*outcome.written).constData());
    QCOMPARE(outcome.written->value().backend, SecretStore::Backend::Keychain);
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("session"))));
    QVERIFY(read(store, QStringLiteral("session"), outcome));
    QCOMPARE(outcome.read->value().value(), QByteArray("new-in-keychain"));
    QVERIFY(remove(store, QStringLiteral("session"), outcome));
    QVERIFY(outcome.removed->ok());
}

void TestSecretStore::keychainServicesAreSeparate()
{
    if (!keyringAvailable())
        CODER_UNAVAILABLE(
            QStringLiteral("needs tests/support/with_keyring.sh (registered so by CMake)"));
    QTemporaryDir dir;
    SecretStore one(options(dir.path(), SecretStore::Mode::Keychain, QStringLiteral("coder-one")));
    SecretStore two(options(dir.path(), SecretStore::Mode::Keychain, QStringLiteral("coder-two")));
    Outcome outcome;
    QVERIFY(write(one, QStringLiteral("session"), "one", outcome));
    QVERIFY2(outcome.written->ok(), why(*outcome.written).constData());
    QVERIFY(read(two, QStringLiteral("session"), outcome));
    QVERIFY(outcome.read->ok());
    QVERIFY(!outcome.read->value().has_value());
    QVERIFY(remove(one, QStringLiteral("session"), outcome));
}

void TestSecretStore::noBusFallsBackToFile()
{
    if (qEnvironmentVariableIsSet(childModeVariable)) {
        // Child: no reachable session bus.
        QTemporaryDir dir;
        Outcome outcome;
        SecretStore strict(options(dir.path(), SecretStore::Mode::Keychain, QStringLiteral("c")));
        QVERIFY(write(strict, QStringLiteral("session"), "x", outcome));
        QVERIFY(!outcome.written->ok());
        QVERIFY(QDir(dir.path()).isEmpty());

        SecretStore store(options(dir.path(), SecretStore::Mode::Auto, QStringLiteral("c")));
        QVERIFY(write(store, QStringLiteral("session"), "fallback", outcome));
        QVERIFY2(outcome.written->ok(), why(*outcome.written).constData());
        QCOMPARE(outcome.written->value().backend, SecretStore::Backend::File);
        QCOMPARE(outcome.written->value().fallbackReason,
                 QStringLiteral("no keychain service available"));
        QCOMPARE(modeOf(dir.filePath(QStringLiteral("session"))), mode_t(0600));
        QVERIFY(read(store, QStringLiteral("session"), outcome));
        QCOMPARE(outcome.read->value().value(), QByteArray("fallback"));
        return;
    }
    QTemporaryDir dir;
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(childModeVariable), QStringLiteral("1"));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=%1/no-bus-here").arg(dir.path()));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("noBusFallsBackToFile")});
    // The store's own timeout is 5 s; a hang would run into this limit instead.
    QVERIFY(child.waitForFinished(60000));
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
             child.readAll().constData());
}

void TestSecretStore::hungKeychainTimesOut()
{
    if (qEnvironmentVariableIsSet(childModeVariable)) {
        // Child: a session bus whose Secret Service is activated but never answers, the way a
        // keyring waiting for an unlock prompt behaves.
        QTemporaryDir dir;
        Outcome outcome;
        auto strictOptions = options(dir.path(), SecretStore::Mode::Keychain, QStringLiteral("c"));
        strictOptions.timeout = std::chrono::milliseconds(300);
        SecretStore strict(strictOptions);
        QVERIFY(write(strict, QStringLiteral("session"), "x", outcome));
        QVERIFY(!outcome.written->ok());
        QCOMPARE(outcome.written->error(),
                 QStringLiteral("the system keychain did not answer within 300 ms"));
        // The store does not queue behind the hung job again.
        QVERIFY(read(strict, QStringLiteral("session"), outcome));
        QVERIFY(!outcome.read->ok());

        auto autoOptions = options(dir.path(), SecretStore::Mode::Auto, QStringLiteral("c"));
        autoOptions.timeout = std::chrono::milliseconds(300);
        SecretStore store(autoOptions);
        QVERIFY(write(store, QStringLiteral("session"), "fallback", outcome));
        QVERIFY2(outcome.written->ok(), why(*outcome.written).constData());
        QCOMPARE(outcome.written->value().backend, SecretStore::Backend::File);
        QVERIFY(read(store, QStringLiteral("session"), outcome));
        QCOMPARE(outcome.read->value().value(), QByteArray("fallback"));
        return;
    }
    QTemporaryDir dir;
    // A real dbus-daemon; the "Secret Service" it activates is dbus-monitor, which connects to
    // the bus (and leaves with it) but never takes the name, so calls to it wait.
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("services")));
    QFile service(dir.filePath(QStringLiteral("services/org.freedesktop.secrets.service")));
    QVERIFY(service.open(QIODevice::WriteOnly));
    service.write("[D-BUS Service]\nName=org.freedesktop.secrets\nExec=" +
                  QFile::encodeName(dir.filePath(QStringLiteral("silent-service.sh"))) + "\n");
    service.close();
    QFile script(dir.filePath(QStringLiteral("silent-service.sh")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(
        "#!/bin/sh\nexec dbus-monitor --address \"$DBUS_STARTER_ADDRESS\" >/dev/null 2>&1\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QFile config(dir.filePath(QStringLiteral("bus.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig><type>session</type><listen>unix:dir=" +
        QFile::encodeName(dir.path()) + "</listen><servicedir>" +
        QFile::encodeName(dir.filePath(QStringLiteral("services"))) +
        "</servicedir><policy context=\"default\"><allow send_destination=\"*\" "
        "eavesdrop=\"true\"/><allow eavesdrop=\"true\"/><allow own=\"*\"/></policy>"
        "</busconfig>\n");
    config.close();

    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(childModeVariable), QStringLiteral("1"));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QStringLiteral("dbus-run-session"),
                {QStringLiteral("--config-file=") + config.fileName(), QStringLiteral("--"),
                 QCoreApplication::applicationFilePath(), QStringLiteral("hungKeychainTimesOut")});
    QVERIFY(child.waitForFinished(60000));
    const QByteArray output = child.readAll();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
             output.constData());
    QVERIFY2(output.contains("PASS   : TestSecretStore::hungKeychainTimesOut()"),
             output.constData());
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "test_secret_store.moc"
