// Reads that combine rows (a template version and its import job, a build and its job) come
// from one statement, so they are one snapshot: never a version as it was before its import
// completed beside the completed job (no readme yet), never a build without the deadline its
// job's completion wrote. Built twice: test_snapshot_reads_sqlite and _postgres.
#include "provisioning_store_fixture.h"

#include <QtTest>
#include <algorithm>
#include <atomic>

using namespace coder::server;
using namespace coder::test;
using namespace Qt::StringLiterals;

class TestSnapshotReads : public ProvisioningStoreFixture
{
    Q_OBJECT

private Q_SLOTS:
    void versionWithItsJob()
    {
        const Fixture f = fixture();
        const VersionWithJob read = must(m_store->templates().versionWithJob(f.version.id), "read");
        QCOMPARE(read.version.id, f.version.id);
        QCOMPARE(read.version.name, f.version.name);
        QCOMPARE(read.job.id, f.version.jobId);
        QCOMPARE(read.job.status, job_status::succeeded);
        QCOMPARE(read.job.type, job_type::templateVersionImport);
        const ProvisionerJob job = must(m_store->jobs().byId(f.version.jobId), "job");
        QCOMPARE(read.job.completedAt, job.completedAt);
        QCOMPARE(read.job.fileId, job.fileId);

        const TemplateVersion second = importedVersion(u"v2"_s, f.file.id, f.tmpl.id);
        const auto all = must(m_store->templates().versionsWithJobs(f.tmpl.id), "list");
        QCOMPARE(all.size(), 2);
        // Both may carry the same created_at millisecond; the id then breaks the tie.
        const auto listed = std::find_if(all.cbegin(), all.cend(), [&](const VersionWithJob &v) {
            return v.version.id == second.id;
        });
        QVERIFY(listed != all.cend());
        QCOMPARE(listed->job.id, second.jobId);
        QCOMPARE(m_store->templates().versionWithJob(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
    }

    void buildWithItsJob()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        runBuild();
        const WorkspaceBuild stop = build(ws.workspace.id, transition::stop);
        const BuildWithJob read = must(m_store->workspaces().buildWithJob(stop.id), "read");
        QCOMPARE(read.build.id, stop.id);
        QCOMPARE(read.build.transition, transition::stop);
        QCOMPARE(read.job.id, stop.jobId);
        QCOMPARE(read.job.status, job_status::pending);
        const auto newestFirst =
            must(m_store->workspaces().buildsWithJobs(ws.workspace.id, 10, 0), "list");
        QCOMPARE(newestFirst.size(), 2);
        QCOMPARE(newestFirst.at(0).build.id, stop.id);
        QCOMPARE(newestFirst.at(1).job.status, job_status::succeeded);
        QCOMPARE(must(m_store->workspaces().buildsWithJobs(ws.workspace.id, 1, 1), "page").size(),
                 1);
    }

    // While imports complete, a reader on another thread keeps reading the version being
    // completed: it sees it either pending without its readme or succeeded with it, never the
    // mix a read of the version and then of its job gives when the completion falls between.
    void neverTornWhileImportsComplete()
    {
        const Fixture f = fixture();
        constexpr int versions = 100;
        QList<QUuid> ids;
        for (int i = 0; i < versions; ++i) {
            TemplateVersion version;
            version.name = u"race-%1"_s.arg(i);
            version.fileId = f.file.id;
            version.createdBy = f.owner.id;
            ids.append(must(m_store->templates().insertVersion(version, importJob()), "insert").id);
        }
        std::atomic<int> current{-1}; // the index of the version being completed
        std::atomic<bool> done{false};
        std::atomic<int> torn{0};
        std::atomic<int> reads{0};
        std::unique_ptr<QThread> reader(QThread::create([&] {
            while (!done) {
                const int index = current;
                if (index < 0)
                    continue;
                auto read = m_store->templates().versionWithJob(ids.at(index));
                if (!read)
                    continue;
                ++reads;
                const bool succeeded = read->job.status == job_status::succeeded;
                if (succeeded != (read->version.readme == u"# Read me"_s))
                    ++torn;
            }
            m_store->closeThreadConnection();
        }));
        reader->start();
        for (int i = 0; i < versions; ++i) {
            current = i;
            const int before = reads;
            while (reads < before + 5) // the reader is at it
                QThread::yieldCurrentThread();
            const ProvisionerJob job = acquire(QUuid::createUuid());
            QVERIFY(m_store->templates().completeImportJob(job.id, job.workerId, {}, u"# Read me"_s,
                                                           {}));
        }
        done = true;
        QVERIFY(reader->wait(60'000));
        QCOMPARE(torn.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSnapshotReads)
#include "test_snapshot_reads.moc"
