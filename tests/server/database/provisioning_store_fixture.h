#pragma once

#include "server/database/store_factory.h"
#include "tests/support/store_test_support.h"
#include "tests/support/test_postgres.h"

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>
#include <QtTest>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

// What the suites of the provisioning part of the Store contract share (test_provisioning_store,
// test_job_queue_store, test_workspace_store): a fresh database for every test function on the
// backend the suite is built for, and the steps their scenarios are made of.
namespace coder::test {

#ifdef CODER_TEST_BACKEND_POSTGRES
constexpr bool kPostgres = true;
#else
constexpr bool kPostgres = false;
#endif

// The organization every database starts with.
extern const QUuid kDefaultOrganization;

// The value of a result a scenario needs. A failure is unexpected: it ends the run with the
// store's message (QTest reports the exception, then aborts).
template <typename T> T must(server::StoreResult<T> result, const char *what)
{
    if (!result) {
        const QString message =
            QStringLiteral("%1 failed: %2 (field %3)")
                .arg(QLatin1String(what), result.error().message, result.error().field);
        qWarning("%s", qPrintable(message));
        throw std::runtime_error(message.toStdString());
    }
    return std::move(result).value();
}

QByteArray sha256Hex(const QByteArray &data);

// A template version import job for the given provisioner and tags.
server::ProvisionerJob importJob(const QString &provisioner = QStringLiteral("process"),
                                 const QMap<QString, QString> &tags = {});

// What a provisioner daemon running worker asks the queue for.
server::JobAcquireRequest daemon(const QUuid &worker,
                                 const QStringList &provisioners = {QStringLiteral("process")},
                                 const QMap<QString, QString> &tags = {});

// A resource with one agent (authenticated by tokenHash) serving an app per slug.
server::WorkspaceResource resourceWithAgent(const QString &name, const QByteArray &tokenHash,
                                            const QStringList &appSlugs);

// The base of the suites: init() opens a fresh store, cleanup() drops it (and the PostgreSQL
// database). The helpers are protected plain methods, not slots, so QTest does not run them
// as test functions.
class ProvisioningStoreFixture : public QObject
{
    Q_OBJECT

protected:
    // A template with one succeeded version, used by most scenarios.
    struct Fixture
    {
        server::User owner;
        server::File file;
        server::TemplateVersion version;
        server::Template tmpl;
    };

    // Runs a statement on the store's connection of this thread; returns the first column.
    QVariantList column(const QString &sql);
    // The stored auth_token_hash of an agent, which the store never reads back.
    QByteArray agentTokenHash(const QUuid &agentId);
    qint64 count(const QString &table);

    server::User user(const QString &username);
    server::File file(const QByteArray &data);

    // Acquires the oldest pending job (the scenarios keep at most one pending at a time).
    server::ProvisionerJob acquire(const QUuid &worker);

    // A version whose import ran and succeeded; attached to templateId when set.
    server::TemplateVersion importedVersion(const QString &name, const QUuid &fileId,
                                            const QUuid &templateId = {});

    Fixture fixture(const QString &templateName = QStringLiteral("docker-dev"));

    server::WorkspaceView workspace(const Fixture &f, const QString &name,
                                    const server::User &owner);

    server::WorkspaceBuild build(const QUuid &workspaceId, const QString &transition);

    // Acquires the workspace's pending build job and completes it.
    server::ProvisionerJob runBuild(const QList<server::WorkspaceResource> &resources = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<server::Store> m_store;

private:
    server::DatabaseConfig config() const;

private Q_SLOTS:
    void init();
    void cleanup();
};

} // namespace coder::test
