#include "secret_store.h"

#include "core/private_file.h"

#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <memory>
#include <qt6keychain/keychain.h>

namespace coder::core {

namespace {

const QString keychainDescription = QStringLiteral("the system keychain");

} // namespace

SecretStore::SecretStore(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{}

SecretStore::~SecretStore() = default;

Result<SecretStore::Mode, QString> SecretStore::modeFromEnvironment()
{
    const QString value = qEnvironmentVariable("CODER_SECRET_STORE").trimmed().toLower();
    if (value.isEmpty() || value == u"auto")
        return Mode::Auto;
    if (value == u"keychain")
        return Mode::Keychain;
    if (value == u"file")
        return Mode::File;
    return QStringLiteral(
               "CODER_SECRET_STORE must be \"auto\", \"keychain\" or \"file\", not \"%1\"")
        .arg(value);
}

QString SecretStore::filePath(const QString &key) const
{
    return m_options.fileDirectory + u'/' + key;
}

std::optional<QString> SecretStore::validateKey(const QString &key)
{
    // The key becomes a file name: no separators, no dot files, nothing surprising.
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"));
    if (!valid.match(key).hasMatch())
        return QStringLiteral("invalid secret key \"%1\"").arg(key);
    return std::nullopt;
}

bool SecretStore::keychainUsable() const
{
    return m_options.mode != Mode::File && m_keychainFailure.isEmpty();
}

void SecretStore::deliver(std::function<void()> callback)
{
    QTimer::singleShot(0, this, std::move(callback));
}

void SecretStore::read(const QString &key, ReadCallback done)
{
    if (auto invalid = validateKey(key))
        return deliver([done, error = *invalid] { done(error); });
    if (!keychainUsable()) {
        if (m_options.mode == Mode::Keychain)
            return deliver([done, error = m_keychainFailure] { done(error); });
        return deliver([this, done, key] { done(readFile(key)); });
    }
    runKeychainJob(JobKind::Read, key, {}, [this, done, key](KeychainOutcome outcome) {
        if (outcome.ok)
            return done(std::optional<QByteArray>{outcome.data});
        if (m_options.mode == Mode::Keychain)
            return outcome.notFound ? done(std::optional<QByteArray>{}) : done(outcome.error);
        // Auto: the secret may have been written to the file while the keychain was away.
        done(readFile(key));
    });
}

void SecretStore::write(const QString &key, const QByteArray &secret, WriteCallback done)
{
    if (auto invalid = validateKey(key))
        return deliver([done, error = *invalid] { done(error); });
    if (!keychainUsable()) {
        if (m_options.mode == Mode::Keychain)
            return deliver([done, error = m_keychainFailure] { done(error); });
        const QString reason = m_options.mode == Mode::File
                                   ? QString()
                                   : QStringLiteral("no keychain service available");
        return deliver([this, done, key, secret, reason] { done(writeFile(key, secret, reason)); });
    }
    runKeychainJob(JobKind::Write, key, secret, [this, done, key, secret](KeychainOutcome outcome) {
        if (outcome.ok) {
            // A copy left in the file from an earlier fallback would outlive a later logout.
            if (auto removed = PrivateFile::remove(filePath(key)); !removed)
                return done(removed.error());
            return done(Location{Backend::Keychain, keychainDescription, {}});
        }
        if (m_options.mode == Mode::Keychain)
            return done(outcome.error);
        done(writeFile(key, secret, QStringLiteral("no keychain service available")));
    });
}

void SecretStore::remove(const QString &key, RemoveCallback done)
{
    if (auto invalid = validateKey(key))
        return deliver([done, error = *invalid] { done(error); });
    auto removeFile = [this, key]() -> Result<Ok, QString> {
        return PrivateFile::remove(filePath(key));
    };
    if (!keychainUsable()) {
        if (m_options.mode == Mode::Keychain)
            return deliver([done, error = m_keychainFailure] { done(error); });
        return deliver([done, removeFile] { done(removeFile()); });
    }
    runKeychainJob(JobKind::Remove, key, {}, [done, removeFile](KeychainOutcome outcome) {
        const Result<Ok, QString> file = removeFile();
        // A secret the keychain could not delete is still there: saying "removed" would leave
        // a token behind that the user believes gone.
        if (!outcome.ok && !outcome.notFound)
            return done(outcome.error);
        done(file);
    });
}

void SecretStore::runKeychainJob(JobKind kind, const QString &key, const QByteArray &secret,
                                 std::function<void(KeychainOutcome)> done)
{
    QKeychain::Job *job = nullptr;
    switch (kind) {
    case JobKind::Read:
        job = new QKeychain::ReadPasswordJob(m_options.service);
        break;
    case JobKind::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_options.service);
        write->setBinaryData(secret);
        job = write;
        break;
    }
    case JobKind::Remove:
        job = new QKeychain::DeletePasswordJob(m_options.service);
        break;
    }
    // Never parented to the store: a hung job must not be deleted while QtKeychain still
    // holds it. It deletes itself when (if ever) it finishes.
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);

    auto finished = std::make_shared<bool>(false);
    auto timer = new QTimer(this);
    timer->setSingleShot(true);
    QPointer<QKeychain::Job> guardedJob(job);
    connect(timer, &QTimer::timeout, this, [this, finished, done, timer, guardedJob] {
        timer->deleteLater();
        if (*finished)
            return;
        *finished = true;
        if (guardedJob)
            guardedJob->disconnect(this);
        m_keychainFailure = QStringLiteral("the system keychain did not answer within %1 ms")
                                .arg(m_options.timeout.count());
        done({false, false, {}, m_keychainFailure});
    });
    connect(job, &QKeychain::Job::finished, this, [this, finished, done, timer](QKeychain::Job *j) {
        timer->stop();
        timer->deleteLater();
        if (*finished)
            return;
        *finished = true;
        KeychainOutcome outcome;
        switch (j->error()) {
        case QKeychain::NoError:
            outcome.ok = true;
            if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(j))
                outcome.data = read->binaryData();
            break;
        case QKeychain::EntryNotFound:
            outcome.notFound = true;
            outcome.error = QStringLiteral("not found in the system keychain");
            break;
        default:
            outcome.error = QStringLiteral("the system keychain failed: %1").arg(j->errorString());
            m_keychainFailure = outcome.error;
            break;
        }
        // Deliver after QtKeychain is done with the job.
        deliver([done, outcome] { done(outcome); });
    });
    timer->start(m_options.timeout);
    job->start();
}

Result<std::optional<QByteArray>, QString> SecretStore::readFile(const QString &key) const
{
    return PrivateFile::read(filePath(key));
}

Result<SecretStore::Location, QString> SecretStore::writeFile(const QString &key,
                                                              const QByteArray &secret,
                                                              const QString &fallbackReason) const
{
    if (auto dir = PrivateFile::ensureDirectory(m_options.fileDirectory); !dir)
        return dir.error();
    if (auto written = PrivateFile::write(filePath(key), secret); !written)
        return written.error();
    return Location{Backend::File, filePath(key), fallbackReason};
}

} // namespace coder::core

#include "moc_secret_store.cpp"
