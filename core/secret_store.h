#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <chrono>
#include <functional>
#include <optional>

namespace coder::core {

// Keeps small secrets (session tokens) by key, asynchronously and never in a nested event
// loop. Backend 1 is the system keychain (Secret Service through QtKeychain); every job has a
// timeout because with a session bus but no unlocked keyring a job can wait forever for a
// prompt. Backend 2 is a 0600 file per key in a private directory, used when the keychain does
// not answer (Mode::Auto) or when forced (Mode::File, e.g. CODER_SECRET_STORE=file).
//
// Callbacks run exactly once, always from the event loop (never inside the call that started
// the operation), and never after the store was destroyed.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Auto, Keychain, File };
    enum class Backend { Keychain, File };

    struct Options
    {
        // Keychain entries are (service, key); distinct services keep distinct identities apart.
        QString service = QStringLiteral("coder");
        // Where the file backend keeps its files; created 0700 when missing.
        QString fileDirectory;
        Mode mode = Mode::Auto;
        std::chrono::milliseconds timeout{3000};
    };

    // Where a secret went, so the user can be told.
    struct Location
    {
        Backend backend = Backend::File;
        // "the system keychain" or the file's path.
        QString description;
        // Why the file was used instead of the keychain; empty when the keychain was used or
        // the file backend was forced.
        QString fallbackReason;
    };

    using ReadCallback = std::function<void(Result<std::optional<QByteArray>, QString>)>;
    using WriteCallback = std::function<void(Result<Location, QString>)>;
    using RemoveCallback = std::function<void(Result<Ok, QString>)>;

    explicit SecretStore(Options options, QObject *parent = nullptr);
    ~SecretStore() override;

    // Reads CODER_SECRET_STORE: unset or "auto", "keychain", "file".
    static Result<Mode, QString> modeFromEnvironment();

    void read(const QString &key, ReadCallback done);
    void write(const QString &key, const QByteArray &secret, WriteCallback done);
    // Removes the secret from every backend it may be in; removing nothing succeeds.
    void remove(const QString &key, RemoveCallback done);

    QString filePath(const QString &key) const;
    const Options &options() const { return m_options; }

private:
    struct KeychainOutcome
    {
        bool ok = false;
        bool notFound = false;
        QByteArray data;
        QString error;
    };
    enum class JobKind { Read, Write, Remove };

    void runKeychainJob(JobKind kind, const QString &key, const QByteArray &secret,
                        std::function<void(KeychainOutcome)> done);
    bool keychainUsable() const;
    void deliver(std::function<void()> callback);

    Result<std::optional<QByteArray>, QString> readFile(const QString &key) const;
    Result<Location, QString> writeFile(const QString &key, const QByteArray &secret,
                                        const QString &fallbackReason) const;
    static std::optional<QString> validateKey(const QString &key);

    Options m_options;
    // Set once the keychain failed or hung: QtKeychain runs its jobs one at a time, so after
    // a hung job every later one would wait too.
    QString m_keychainFailure;
};

} // namespace coder::core
