// LifecycleScheduler, in process on a real Store (SQLite or PostgreSQL, CODER_TEST_BACKEND) with
// the real ProvisionerJobServer and WorkspaceBuilder: which workspaces one tick stops (deadline
// passed: "autostop") and starts (autostart schedule fired since the stop: "autostart"), and that
// a tick never starts a second build while one is pending. No daemon runs: the builds the
// scheduler creates stay pending, which is what the second tick must respect.
#include "core/work_pool.h"
#include "server/coderd/lifecycle_scheduler.h"
#include "server/coderd/provisioner_job_server.h"
#include "server/coderd/workspace_builder.h"
#include "server/database/pubsub_factory.h"
#include "server/database/store_factory.h"
#include "tests/support/test_postgres.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <stdexcept>

using namespace coder::server;
using namespace Qt::StringLiterals;
using coder::test::TestPostgres;

namespace {

bool isPostgres()
{
    return qEnvironmentVariable("CODER_TEST_BACKEND") == QLatin1String("postgres");
}

// The value of a store call a scenario depends on; a failure ends the test function (QTest
// reports the exception's message and goes on with the next one).
template <typename T> T must(StoreResult<T> result, const char *what)
{
    if (!result) {
        const QString message =
            QStringLiteral("%1 failed: %2").arg(QLatin1String(what), result.error().message);
        qWarning("%s", qPrintable(message));
        throw std::runtime_error(message.toStdString());
    }
    return std::move(result).value();
}

const QString kProcess = u"process"_s;

} // namespace

class TestLifecycleScheduler : public QObject
{
    Q_OBJECT

private:
    // What a template import and a daemon would have left behind: an owner, a template whose
    // active version imported fine.
    struct Fixture
    {
        User owner;
        Template tmpl;
        TemplateVersion version;
    };

    DatabaseConfig config() const
    {
        DatabaseConfig config;
        if (isPostgres()) {
            config.backend = DatabaseConfig::Backend::Postgres;
            config.postgresUrl = m_postgres->url();
        } else {
            config.sqlitePath = m_dir->filePath(u"coder.db"_s);
        }
        return config;
    }

    // Runs the one pending job to success as a daemon would (the scenarios never leave two).
    ProvisionerJob completePendingJob(const QString &expectedType)
    {
        const QUuid worker = QUuid::createUuid();
        auto acquired = must(m_store->jobs().acquire(JobAcquireRequest{worker, {kProcess}, {}}),
                             "acquireProvisionerJob");
        if (!acquired)
            throw std::runtime_error("no pending job to complete");
        if (acquired->type != expectedType)
            throw std::runtime_error("the pending job is of another type");
        if (expectedType == job_type::templateVersionImport)
            return must(m_store->templates().completeImportJob(acquired->id, worker, {}, {}, {}),
                        "completeTemplateImportJob");
        return must(m_store->workspaces().completeBuildJob(acquired->id, worker, "state", {}),
                    "completeWorkspaceBuildJob");
    }

    Fixture fixture()
    {
        Fixture f;
        User owner;
        owner.username = u"alice"_s;
        owner.email = u"alice@example.com"_s;
        f.owner = must(m_store->users().insert(owner), "insertUser");

        File file;
        file.data = "a template archive";
        file.hash = QCryptographicHash::hash(file.data, QCryptographicHash::Sha256).toHex();
        file.mimetype = u"application/x-tar"_s;
        file.createdBy = f.owner.id;
        file = must(m_store->templates().insertFile(file), "insertFile");

        TemplateVersion version;
        version.name = u"v1"_s;
        version.fileId = file.id;
        version.createdBy = f.owner.id;
        ProvisionerJob import;
        import.provisioner = kProcess;
        import.type = job_type::templateVersionImport;
        import.initiatorId = f.owner.id;
        import.fileId = file.id;
        version =
            must(m_store->templates().insertVersion(version, import), "insertTemplateVersion");
        completePendingJob(job_type::templateVersionImport);

        Template tmpl;
        tmpl.name = u"dev"_s;
        tmpl.provisioner = kProcess;
        tmpl.createdBy = f.owner.id;
        f.tmpl = must(m_store->templates().insert(tmpl, version.id), "insertTemplate");
        f.version = must(m_store->templates().versionById(version.id), "templateVersionById");
        return f;
    }

    // A workspace whose first (start) build succeeded an hour ago; deadline invalid: none.
    QUuid startedWorkspace(const Fixture &f, const QString &name, const QDateTime &deadline,
                           const QString &schedule = {})
    {
        Workspace workspace;
        workspace.ownerId = f.owner.id;
        workspace.templateId = f.tmpl.id;
        workspace.name = name;
        workspace.autostartSchedule = schedule;
        workspace.ttlMs = 3600 * 1000;
        WorkspaceBuild build;
        build.transition = transition::start;
        build.templateVersionId = f.version.id;
        build.initiatorId = f.owner.id;
        build.createdAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
        ProvisionerJob job;
        job.provisioner = kProcess;
        job.type = job_type::workspaceBuild;
        const WorkspaceView view =
            must(m_store->workspaces().insert(workspace, build, job), "insertWorkspace");
        completePendingJob(job_type::workspaceBuild);
        if (deadline.isValid())
            must(m_store->workspaces().updateBuildDeadline(view.latestBuild.id, deadline, {}),
                 "updateWorkspaceBuildDeadline");
        return view.workspace.id;
    }

    // Adds a succeeded build of `transition` to the workspace, created at createdAt.
    void finishedBuild(const QUuid &workspaceId, const QString &transition,
                       const QDateTime &createdAt)
    {
        WorkspaceBuild build;
        build.workspaceId = workspaceId;
        build.transition = transition;
        build.createdAt = createdAt;
        ProvisionerJob job;
        job.provisioner = kProcess;
        job.type = job_type::workspaceBuild;
        must(m_store->workspaces().insertBuild(build, job), "insertWorkspaceBuild");
        completePendingJob(job_type::workspaceBuild);
    }

    QList<WorkspaceBuild> builds(const QUuid &workspaceId)
    {
        return must(m_store->workspaces().listBuilds(workspaceId, 0, 0), "listWorkspaceBuilds");
    }

    // Checks the build the scheduler made: the newest of the workspace, pending, by the owner.
    void verifyScheduledBuild(const Fixture &f, const QUuid &workspaceId, const QString &transition,
                              const QString &reason, int expectedBuilds)
    {
        const QList<WorkspaceBuild> all = builds(workspaceId);
        QCOMPARE(all.size(), expectedBuilds);
        const WorkspaceBuild &newest = all.first();
        QCOMPARE(newest.buildNumber, expectedBuilds);
        QCOMPARE(newest.transition, transition);
        QCOMPARE(newest.reason, reason);
        QCOMPARE(newest.initiatorId, f.owner.id);
        QCOMPARE(newest.templateVersionId, f.version.id);
        const ProvisionerJob job = must(m_store->jobs().byId(newest.jobId), "job");
        QCOMPARE(job.status, job_status::pending);
        QCOMPARE(job.type, job_type::workspaceBuild);
        QCOMPARE(job.provisioner, kProcess);
        QCOMPARE(workspaceIdOfJob(job), workspaceId);
        const WorkspaceView view = must(m_store->workspaces().byId(workspaceId), "workspaceById");
        QCOMPARE(view.latestBuild.id, newest.id);
        QCOMPARE(view.latestJob.status, job_status::pending);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Pubsub> m_pubsub;
    std::unique_ptr<ProvisionerJobServer> m_jobs;
    std::unique_ptr<WorkspaceBuilder> m_builder;
    std::unique_ptr<coder::core::WorkPool> m_pool;
    std::unique_ptr<LifecycleScheduler> m_scheduler;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        if (isPostgres()) {
            m_postgres = std::make_unique<TestPostgres>();
            CODER_REQUIRE_POSTGRES(*m_postgres);
        }
        auto store = openStore(config());
        QVERIFY2(store, store ? "" : qPrintable(store.error()));
        m_store = std::move(*store);
        auto pubsub = openPubsub(config());
        QVERIFY2(pubsub, pubsub ? "" : qPrintable(pubsub.error()));
        m_pubsub = std::move(*pubsub);
        m_jobs = std::make_unique<ProvisionerJobServer>(
            *m_store, *m_pubsub, [] { return QUrl(u"http://127.0.0.1:1"_s); });
        m_builder = std::make_unique<WorkspaceBuilder>(*m_store, *m_jobs);
        m_pool = std::make_unique<coder::core::WorkPool>(
            u"db"_s, 2, [store = m_store.get()] { store->closeThreadConnection(); });
        m_scheduler = std::make_unique<LifecycleScheduler>(*m_store, *m_builder, *m_pool, 60'000);
    }

    void cleanup()
    {
        m_scheduler.reset();
        m_pool.reset(); // waits for a tick still running
        m_builder.reset();
        m_jobs.reset();
        if (m_pubsub)
            m_pubsub->close();
        m_pubsub.reset();
        m_store.reset();
        m_postgres.reset();
        m_dir.reset();
    }

    void autostopStopsWorkspacesPastTheirDeadline()
    {
        const Fixture f = fixture();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QUuid due = startedWorkspace(f, u"due"_s, now.addSecs(-60));
        const QUuid later = startedWorkspace(f, u"later"_s, now.addSecs(3600));
        const QUuid noDeadline = startedWorkspace(f, u"no-deadline"_s, {});

        int posted = 0;
        auto subscription = m_pubsub->subscribe(channels::jobPosted, this,
                                                [&posted](const QByteArray &) { ++posted; });
        QVERIFY2(subscription, subscription ? "" : qPrintable(subscription.error()));

        QCOMPARE(m_scheduler->tick(now), 1);
        verifyScheduledBuild(f, due, transition::stop, u"autostop"_s, 2);
        QCOMPARE(builds(later).size(), 1);
        QCOMPARE(builds(noDeadline).size(), 1);
        // Daemons are woken for the new job.
        QTRY_COMPARE_WITH_TIMEOUT(posted, 1, 5000);

        // The stop build is pending (no daemon runs here): the next tick starts nothing, even
        // long after the deadline.
        QCOMPARE(m_scheduler->tick(now), 0);
        QCOMPARE(m_scheduler->tick(now.addSecs(600)), 0);
        QCOMPARE(builds(due).size(), 2);
        QCOMPARE(builds(later).size(), 1);

        // Later, past the second deadline, that one is stopped too.
        QCOMPARE(m_scheduler->tick(now.addSecs(3601)), 1);
        verifyScheduledBuild(f, later, transition::stop, u"autostop"_s, 2);
        QCOMPARE(builds(noDeadline).size(), 1);
    }

    void autostopIgnoresStoppedAndDeletedWorkspaces()
    {
        const Fixture f = fixture();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QUuid stopped = startedWorkspace(f, u"stopped"_s, now.addSecs(-600));
        finishedBuild(stopped, transition::stop, now.addSecs(-300));
        const QUuid deleted = startedWorkspace(f, u"deleted"_s, now.addSecs(-600));
        finishedBuild(deleted, transition::remove, now.addSecs(-300));
        QVERIFY(must(m_store->workspaces().byId(deleted), "workspaceById").workspace.deleted);

        QCOMPARE(m_scheduler->tick(now), 0);
        QCOMPARE(builds(stopped).size(), 2);
        QCOMPARE(builds(deleted).size(), 2);
    }

    void autostartStartsWhenTheScheduleFiredSinceTheStop()
    {
        const Fixture f = fixture();
        const QDateTime now = QDateTime::currentDateTimeUtc();

        // Every minute: a stop two minutes ago has been followed by at least one firing.
        const QUuid due =
            startedWorkspace(f, u"due"_s, now.addSecs(-600), u"CRON_TZ=UTC * * * * *"_s);
        finishedBuild(due, transition::stop, now.addSecs(-120));

        // Fires only tomorrow (its weekday, at noon UTC).
        const int tomorrow = now.addDays(1).date().dayOfWeek() % 7; // 0 = Sunday
        const QUuid tomorrowOnly = startedWorkspace(f, u"tomorrow"_s, now.addSecs(-600),
                                                    u"CRON_TZ=UTC 0 12 * * %1"_s.arg(tomorrow));
        finishedBuild(tomorrowOnly, transition::stop, now.addSecs(-120));

        // Fired ten minutes ago, before the stop two minutes ago: not again until tomorrow.
        const QDateTime earlier = now.addSecs(-600);
        const QUuid firedBeforeStop = startedWorkspace(
            f, u"fired-before-stop"_s, now.addSecs(-900),
            u"CRON_TZ=UTC %1 %2 * * *"_s.arg(earlier.time().minute()).arg(earlier.time().hour()));
        finishedBuild(firedBeforeStop, transition::stop, now.addSecs(-120));

        // Deleted: never started again, whatever its schedule says.
        const QUuid deleted =
            startedWorkspace(f, u"deleted"_s, now.addSecs(-600), u"CRON_TZ=UTC * * * * *"_s);
        finishedBuild(deleted, transition::stop, now.addSecs(-300));
        finishedBuild(deleted, transition::remove, now.addSecs(-120));
        QVERIFY(must(m_store->workspaces().byId(deleted), "workspaceById").workspace.deleted);

        // Running (not stopped, no deadline) with a schedule that fires every minute: nothing
        // to start.
        const QUuid running = startedWorkspace(f, u"running"_s, {}, u"CRON_TZ=UTC * * * * *"_s);

        QCOMPARE(m_scheduler->tick(now), 1);
        verifyScheduledBuild(f, due, transition::start, u"autostart"_s, 3);
        QCOMPARE(builds(tomorrowOnly).size(), 2);
        QCOMPARE(builds(firedBeforeStop).size(), 2);
        QCOMPARE(builds(deleted).size(), 3);
        QCOMPARE(builds(running).size(), 1);

        // The start build is pending: a second tick starts nothing more.
        QCOMPARE(m_scheduler->tick(now), 0);
        QCOMPARE(builds(due).size(), 3);

        // Two days later the "tomorrow" and "fired before the stop" schedules have fired.
        QCOMPARE(m_scheduler->tick(now.addDays(2)), 2);
        verifyScheduledBuild(f, tomorrowOnly, transition::start, u"autostart"_s, 3);
        verifyScheduledBuild(f, firedBeforeStop, transition::start, u"autostart"_s, 3);
        QCOMPARE(builds(deleted).size(), 3);
        QCOMPARE(builds(running).size(), 1);
    }

    void autostartSkipsABadStoredSchedule()
    {
        const Fixture f = fixture();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QUuid broken =
            startedWorkspace(f, u"broken"_s, now.addSecs(-600), u"not a schedule"_s);
        finishedBuild(broken, transition::stop, now.addSecs(-120));
        const QUuid due =
            startedWorkspace(f, u"due"_s, now.addSecs(-600), u"CRON_TZ=UTC * * * * *"_s);
        finishedBuild(due, transition::stop, now.addSecs(-120));

        QCOMPARE(m_scheduler->tick(now), 1);
        QCOMPARE(builds(broken).size(), 2);
        verifyScheduledBuild(f, due, transition::start, u"autostart"_s, 3);
    }

    void timerTicksOnItsOwn()
    {
        const Fixture f = fixture();
        const QUuid due =
            startedWorkspace(f, u"due"_s, QDateTime::currentDateTimeUtc().addSecs(-60));
        LifecycleScheduler scheduler(*m_store, *m_builder, *m_pool, 100);
        scheduler.start();
        QTRY_COMPARE_WITH_TIMEOUT(builds(due).size(), 2, 10'000);
        verifyScheduledBuild(f, due, transition::stop, u"autostop"_s, 2);
        // Further ticks keep it at one build.
        QTest::qWait(400);
        QCOMPARE(builds(due).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestLifecycleScheduler)
#include "test_lifecycle_scheduler.moc"
