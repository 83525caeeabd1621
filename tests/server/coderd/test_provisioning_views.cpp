// ProvisioningViews on a real Store (SQLite or PostgreSQL, CODER_TEST_BACKEND): a template
// version or a build read before its job completed, shown after it did, is shown as the job's
// completion left it (the route reads the row and the job in two statements).
#include "server/coderd/provisioning_views.h"
#include "server/database/store_factory.h"
#include "tests/support/store_test_support.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <memory>

using namespace coder::server;
using namespace Qt::StringLiterals;
using coder::test::storeConfig;
using coder::test::TestPostgres;

namespace {

const QString kProcess = u"process"_s;

} // namespace

class TestProvisioningViews : public QObject
{
    Q_OBJECT

private:
    // Runs the one pending job to success as a daemon would; readme for an import.
    void completePendingJob(const QString &readme = {})
    {
        const QUuid worker = QUuid::createUuid();
        auto acquired = m_store->acquireProvisionerJob(JobAcquireRequest{worker, {kProcess}, {}});
        QVERIFY(acquired && *acquired);
        if ((*acquired)->type == job_type::templateVersionImport)
            QVERIFY(m_store->completeTemplateImportJob((*acquired)->id, worker, {}, readme, {}));
        else
            QVERIFY(m_store->completeWorkspaceBuildJob((*acquired)->id, worker, "state", {}));
    }

    // An owner and a template version whose import is still pending.
    TemplateVersion pendingVersion()
    {
        User owner;
        owner.username = u"alice"_s;
        owner.email = u"alice@example.com"_s;
        m_owner = m_store->insertUser(owner).value();
        File file;
        file.data = "a template archive";
        file.hash = QCryptographicHash::hash(file.data, QCryptographicHash::Sha256).toHex();
        file.mimetype = u"application/x-tar"_s;
        file.createdBy = m_owner.id;
        file = m_store->insertFile(file).value();
        TemplateVersion version;
        version.name = u"v1"_s;
        version.fileId = file.id;
        version.createdBy = m_owner.id;
        ProvisionerJob import;
        import.provisioner = kProcess;
        import.type = job_type::templateVersionImport;
        import.initiatorId = m_owner.id;
        import.fileId = file.id;
        return m_store->insertTemplateVersion(version, import).value();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<Store> m_store;
    User m_owner;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        if (qEnvironmentVariable("CODER_TEST_BACKEND") == QLatin1String("postgres")) {
            m_postgres = std::make_unique<TestPostgres>();
            CODER_REQUIRE_POSTGRES(*m_postgres);
        }
        auto store = openStore(storeConfig(*m_dir, m_postgres.get()));
        QVERIFY2(store, store ? "" : qPrintable(store.error()));
        m_store = std::move(*store);
    }

    void cleanup()
    {
        m_store.reset();
        m_postgres.reset();
        m_dir.reset();
    }

    void versionReadBeforeItsImportCompleted()
    {
        const TemplateVersion stale = pendingVersion();
        completePendingJob(u"# Read me"_s);
        if (QTest::currentTestFailed())
            return;
        ProvisioningViews views(*m_store);
        auto json = views.templateVersion(stale);
        QVERIFY(json);
        const QJsonObject shown = QJsonDocument::fromJson(*json).object();
        QCOMPARE(shown.value(u"job").toObject().value(u"status").toString(), u"succeeded"_s);
        QCOMPARE(shown.value(u"readme").toString(), u"# Read me"_s);
    }

    void buildReadBeforeItsJobCompleted()
    {
        const TemplateVersion version = pendingVersion();
        completePendingJob();
        Template tmpl;
        tmpl.name = u"dev"_s;
        tmpl.provisioner = kProcess;
        tmpl.createdBy = m_owner.id;
        tmpl = m_store->insertTemplate(tmpl, version.id).value();
        Workspace request;
        request.ownerId = m_owner.id;
        request.templateId = tmpl.id;
        request.name = u"dev"_s;
        ProvisionerJob job;
        job.provisioner = kProcess;
        job.type = job_type::workspaceBuild;
        const WorkspaceView workspace = m_store->insertWorkspace(request, {}, job).value();
        const WorkspaceBuild stale = workspace.latestBuild;
        // As the job server does: the deadline first, then the job's completion.
        const QDateTime deadline = QDateTime::fromMSecsSinceEpoch(
            QDateTime::currentMSecsSinceEpoch() + 3'600'000, Qt::UTC);
        QVERIFY(m_store->updateWorkspaceBuildDeadline(stale.id, deadline, {}));
        completePendingJob();
        if (QTest::currentTestFailed())
            return;
        ProvisioningViews views(*m_store);
        auto view = views.build(stale, workspace);
        QVERIFY(view);
        QCOMPARE(view->job.status, job_status::succeeded);
        QCOMPARE(view->build.deadline, deadline);
    }
};

QTEST_GUILESS_MAIN(TestProvisioningViews)
#include "test_provisioning_views.moc"
