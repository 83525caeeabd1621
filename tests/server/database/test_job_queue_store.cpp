// The provisioner job queue of the Store contract (a job's lifecycle, acquiring by
// provisioner, tags and age, concurrent daemons, logs, stale jobs, the daemons themselves),
// built twice: test_job_queue_store_sqlite and test_job_queue_store_postgres
// (CODER_TEST_BACKEND_POSTGRES). Every test function gets a fresh database
// (ProvisioningStoreFixture).
#include "provisioning_store_fixture.h"

#include <QSet>
#include <QtTest>
#include <array>

using namespace coder::server;
using namespace coder::test;
using namespace Qt::StringLiterals;

class TestJobQueueStore : public ProvisioningStoreFixture
{
    Q_OBJECT

private Q_SLOTS:
    void jobLifecycle()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        QCOMPARE(ws.latestJob.status, job_status::pending);
        QCOMPARE(ws.latestJob.type, job_type::workspaceBuild);
        QCOMPARE(ws.latestJob.provisioner, u"process"_s);
        QCOMPARE(ws.latestJob.fileId, f.file.id);
        QCOMPARE(ws.latestJob.input.value(u"workspace_build_id"_s).toString(),
                 ws.latestBuild.id.toString(QUuid::WithoutBraces));

        const QUuid worker = QUuid::createUuid();
        const QUuid stranger = QUuid::createUuid();
        // Heartbeats, checkpoints and completion belong to the daemon that acquired the job.
        QCOMPARE(m_store->jobs().heartbeat(ws.latestJob.id, worker).error().kind,
                 StoreError::Conflict);
        const ProvisionerJob running = acquire(worker);
        QCOMPARE(running.id, ws.latestJob.id);
        QCOMPARE(running.status, job_status::running);
        QCOMPARE(running.workerId, worker);
        QVERIFY(running.startedAt.isValid());
        QVERIFY(running.heartbeatAt.isValid());
        QVERIFY(!must(m_store->jobs().acquire(daemon(stranger)), "none").has_value());

        const ProvisionerJob beat = must(m_store->jobs().heartbeat(running.id, worker), "hb");
        QCOMPARE(beat.status, job_status::running);
        QVERIFY(beat.heartbeatAt >= running.heartbeatAt);
        auto wrongWorker = m_store->jobs().heartbeat(running.id, stranger);
        QCOMPARE(wrongWorker.error().kind, StoreError::Conflict);
        QCOMPARE(wrongWorker.error().field, u"job"_s);
        QCOMPARE(m_store->jobs().heartbeat(QUuid::createUuid(), worker).error().kind,
                 StoreError::NotFound);

        QVERIFY(m_store->workspaces().checkpointBuildState(running.id, worker, "partial"));
        QCOMPARE(must(m_store->workspaces().buildByJobId(running.id), "b").provisionerState,
                 QByteArray("partial"));
        QCOMPARE(m_store->workspaces().checkpointBuildState(running.id, stranger, "x").error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->workspaces().completeBuildJob(running.id, stranger, "s", {}).error().kind,
                 StoreError::Conflict);
        QCOMPARE(
            m_store->templates().completeImportJob(running.id, worker, {}, {}, {}).error().field,
            u"job"_s);

        // Canceling a running job: canceling until its daemon ends it, then canceled with the
        // error kept.
        const ProvisionerJob canceling = must(m_store->jobs().cancel(running.id), "cancel");
        QCOMPARE(canceling.status, job_status::canceling);
        QVERIFY(canceling.canceledAt.isValid());
        QVERIFY(!canceling.completedAt.isValid());
        QCOMPARE(must(m_store->jobs().cancel(running.id), "again").status, job_status::canceling);
        QCOMPARE(must(m_store->jobs().heartbeat(running.id, worker), "hb").status,
                 job_status::canceling);
        QCOMPARE(m_store->workspaces().failJob(running.id, stranger, u"x"_s, {}, {}).error().kind,
                 StoreError::Conflict);
        const ProvisionerJob canceled =
            must(m_store->workspaces().failJob(running.id, worker, u"Canceled by the user."_s,
                                               u"CANCELED"_s, QByteArray("what exists")),
                 "fail canceling");
        QCOMPARE(canceled.status, job_status::canceled);
        QCOMPARE(canceled.error, u"Canceled by the user."_s);
        QCOMPARE(canceled.errorCode, u"CANCELED"_s);
        QVERIFY(canceled.completedAt.isValid());
        QCOMPARE(must(m_store->jobs().byId(running.id), "job").status, job_status::canceled);
        QCOMPARE(must(m_store->workspaces().buildByJobId(running.id), "b").provisionerState,
                 QByteArray("what exists"));
        QCOMPARE(must(m_store->workspaces().byId(ws.workspace.id), "ws").latestJob.status,
                 job_status::canceled);

        // A completed job can be neither canceled nor failed nor completed again.
        QCOMPARE(m_store->jobs().cancel(running.id).error().kind, StoreError::Conflict);
        QCOMPARE(m_store->workspaces().failJob(running.id, {}, u"x"_s, {}, {}).error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->workspaces().completeBuildJob(running.id, worker, "s", {}).error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->jobs().cancel(QUuid::createUuid()).error().kind, StoreError::NotFound);
        QCOMPARE(
            m_store->workspaces().failJob(QUuid::createUuid(), {}, u"x"_s, {}, {}).error().kind,
            StoreError::NotFound);

        // Canceling a pending job ends it at once.
        const WorkspaceBuild second = build(ws.workspace.id, transition::start);
        const ProvisionerJob dropped = must(m_store->jobs().cancel(second.jobId), "cancel");
        QCOMPARE(dropped.status, job_status::canceled);
        QVERIFY(dropped.completedAt.isValid());
        QVERIFY(dropped.error.isEmpty());
        QVERIFY(!must(m_store->jobs().acquire(daemon(worker)), "none").has_value());

        // coderd fails a job nobody runs (workerId null); a failure without cancel is failed.
        const WorkspaceBuild third = build(ws.workspace.id, transition::start);
        const ProvisionerJob failed = must(
            m_store->workspaces().failJob(third.jobId, {}, u"No daemon."_s, u"NO_DAEMON"_s, {}),
            "fail pending");
        QCOMPARE(failed.status, job_status::failed);
        QCOMPARE(must(m_store->workspaces().buildByJobId(third.jobId), "b").provisionerState,
                 QByteArray());
        const QList<ProvisionerJob> jobs = must(
            m_store->jobs().byIds({third.jobId, QUuid::createUuid(), running.id}), "jobsByIds");
        QCOMPARE(jobs.size(), 2);
        QCOMPARE(jobs[0].id, third.jobId);
        QCOMPARE(jobs[1].id, running.id);
        QVERIFY(must(m_store->jobs().byIds({}), "empty").isEmpty());
    }

    void acquireMatchesProvisionerAndTags()
    {
        auto job = [this](const QString &provisioner, const QMap<QString, QString> &tags) {
            TemplateVersion version;
            version.name = u"v"_s;
            return must(m_store->templates().insertVersion(version, importJob(provisioner, tags)),
                        "insertTemplateVersion")
                .jobId;
        };
        auto take = [this](const QStringList &provisioners, const QMap<QString, QString> &tags) {
            auto acquired =
                must(m_store->jobs().acquire(daemon(QUuid::createUuid(), provisioners, tags)),
                     "acquire");
            return acquired ? acquired->id : QUuid();
        };
        const QUuid plain = job(u"process"_s, {});
        const QUuid docker = job(u"docker"_s, {});
        const QUuid eu = job(u"process"_s, {{u"region"_s, u"eu"_s}});
        const QUuid gpu = job(u"process"_s, {{u"region"_s, u"eu"_s}, {u"gpu"_s, u"yes"_s}});
        const QUuid quoted = job(u"process"_s, {{u"owner's \"key\""_s, u"Zoë 🚀"_s}});

        QCOMPARE(take({}, {}), QUuid());
        QCOMPARE(take({u"terraform"_s}, {}), QUuid());
        QCOMPARE(take({u"terraform"_s, u"docker"_s}, {{u"region"_s, u"eu"_s}}), docker);
        QCOMPARE(take({u"docker"_s}, {}), QUuid());
        // A daemon without tags runs only jobs without tags.
        QCOMPARE(take({u"process"_s}, {}), plain);
        QCOMPARE(take({u"process"_s}, {}), QUuid());
        // Every tag of the job, with the same value; the daemon may have more.
        QCOMPARE(take({u"process"_s}, {{u"region"_s, u"us"_s}, {u"gpu"_s, u"yes"_s}}), QUuid());
        QCOMPARE(take({u"process"_s}, {{u"gpu"_s, u"yes"_s}}), QUuid());
        QCOMPARE(take({u"process"_s}, {{u"region"_s, u"eu"_s}}), eu);
        QCOMPARE(take({u"process"_s}, {{u"region"_s, u"eu"_s}}), QUuid());
        QCOMPARE(
            take({u"process"_s},
                 {{u"region"_s, u"eu"_s}, {u"gpu"_s, u"yes"_s}, {u"owner's \"key\""_s, u"Zoë"_s}}),
            gpu);
        QCOMPARE(take({u"process"_s}, {{u"owner's \"key\""_s, u"Zoë"_s}}), QUuid());
        QCOMPARE(take({u"process"_s}, {{u"owner's \"key\""_s, u"Zoë 🚀"_s}}), quoted);
        QCOMPARE(must(m_store->jobs().byId(quoted), "job").tags.value(u"owner's \"key\""_s),
                 u"Zoë 🚀"_s);
    }

    void acquireTakesTheOldestFirst()
    {
        QList<QUuid> jobs;
        for (int i = 0; i < 5; ++i) {
            TemplateVersion version;
            version.name = u"v%1"_s.arg(i);
            ProvisionerJob job = importJob();
            job.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 - i * 1000, Qt::UTC);
            jobs.prepend(must(m_store->templates().insertVersion(version, job), "insert").jobId);
        }
        for (const QUuid &expected : jobs)
            QCOMPARE(acquire(QUuid::createUuid()).id, expected);
    }

    void jobQueueUnderConcurrentDaemons()
    {
        constexpr int kDaemons = 4;
        constexpr int kJobsPerDaemon = 200;
        QSet<QUuid> created;
        for (int i = 0; i < kDaemons * kJobsPerDaemon; ++i) {
            TemplateVersion version;
            version.name = u"v%1"_s.arg(i);
            created.insert(
                must(m_store->templates().insertVersion(version, importJob()), "insert").jobId);
        }
        QCOMPARE(created.size(), kDaemons * kJobsPerDaemon);

        std::array<QList<QUuid>, kDaemons> acquired;
        std::array<QString, kDaemons> errors;
        runThreads(*m_store, kDaemons, [&](int d) {
            const QUuid worker = QUuid::createUuid();
            for (;;) {
                auto job = m_store->jobs().acquire(daemon(worker));
                if (!job) {
                    errors[d] = u"acquire: "_s + job.error().message;
                    return;
                }
                if (!job->has_value())
                    return; // the queue is empty
                acquired[d].append((*job)->id);
                if ((*job)->workerId != worker || (*job)->status != job_status::running) {
                    errors[d] = u"acquired a job in a wrong state"_s;
                    return;
                }
                auto done = m_store->templates().completeImportJob((*job)->id, worker, {}, {}, {});
                if (!done) {
                    errors[d] = u"complete: "_s + done.error().message;
                    return;
                }
            }
        });
        for (const QString &error : errors)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        QSet<QUuid> seen;
        int total = 0;
        for (const auto &list : acquired) {
            total += list.size();
            for (const QUuid &id : list) {
                QVERIFY2(!seen.contains(id), "a job was handed out twice");
                seen.insert(id);
            }
        }
        QCOMPARE(total, kDaemons * kJobsPerDaemon);
        QCOMPARE(seen, created);
        QCOMPARE(column(u"SELECT count(*) FROM provisioner_jobs WHERE status = 'succeeded' AND "
                        "completed_at IS NOT NULL"_s)
                     .value(0)
                     .toInt(),
                 kDaemons * kJobsPerDaemon);
        QCOMPARE(count(u"provisioner_jobs"_s), kDaemons * kJobsPerDaemon);
    }

    void logsAfterAnId()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        const QString nasty =
            u"Robert'); DROP TABLE provisioner_job_logs; -- \"x\" \\ ? $1 日本語 🚀"_s;
        QList<ProvisionerJobLog> batch;
        for (const QString &output : {u"one"_s, u"two"_s, nasty}) {
            ProvisionerJobLog log;
            log.stage = u"Starting workspace"_s;
            log.output = output;
            log.level = output == nasty ? u"error"_s : u"info"_s;
            batch.append(log);
        }
        const auto appended = must(m_store->jobs().appendLogs(ws.latestJob.id, batch), "append");
        QCOMPARE(appended.size(), 3);
        QVERIFY(appended[0].id > 0);
        QVERIFY(appended[0].id < appended[1].id && appended[1].id < appended[2].id);
        const auto more =
            must(m_store->jobs().appendLogs(ws.latestJob.id, batch.mid(0, 1)), "append more");
        QVERIFY(more[0].id > appended[2].id);

        const auto all = must(m_store->jobs().logs(ws.latestJob.id, 0), "logs");
        QCOMPARE(all.size(), 4);
        QCOMPARE(all[2].output, nasty);
        QCOMPARE(all[2].level, u"error"_s);
        QCOMPARE(all[2].stage, u"Starting workspace"_s);
        QCOMPARE(all[2].source, u"provisioner"_s);
        QCOMPARE(all[2].jobId, ws.latestJob.id);
        QVERIFY(all[2].createdAt.isValid());
        const auto after = must(m_store->jobs().logs(ws.latestJob.id, appended[0].id), "a");
        QCOMPARE(after.size(), 3);
        QCOMPARE(after[0].output, u"two"_s);
        const auto page = must(m_store->jobs().logs(ws.latestJob.id, appended[0].id, 1), "p");
        QCOMPARE(page.size(), 1);
        QCOMPARE(page[0].id, appended[1].id);
        QCOMPARE(must(m_store->jobs().logs(ws.latestJob.id, more[0].id), "end").size(), 0);
        QCOMPARE(must(m_store->jobs().logs(QUuid::createUuid(), 0), "other").size(), 0);
        QCOMPARE(m_store->jobs().appendLogs(QUuid::createUuid(), batch).error().kind,
                 StoreError::NotFound);
    }

    void staleJobsFail()
    {
        const Fixture f = fixture();
        const WorkspaceView stale = workspace(f, u"stale"_s, f.owner);
        const ProvisionerJob staleJob = acquire(QUuid::createUuid());
        const WorkspaceView canceling = workspace(f, u"canceling"_s, f.owner);
        const ProvisionerJob cancelingJob = acquire(QUuid::createUuid());
        QVERIFY(m_store->jobs().cancel(cancelingJob.id));
        const WorkspaceView live = workspace(f, u"live"_s, f.owner);
        const ProvisionerJob liveJob = acquire(QUuid::createUuid());
        const WorkspaceView pending = workspace(f, u"pending"_s, f.owner);

        // Two daemons went silent an hour ago.
        const qint64 hourAgo = QDateTime::currentMSecsSinceEpoch() - 3600'000;
        QCOMPARE(column(u"UPDATE provisioner_jobs SET heartbeat_at = %1 WHERE id IN ('%2', '%3')"_s
                            .arg(hourAgo)
                            .arg(staleJob.id.toString(QUuid::WithoutBraces),
                                 cancelingJob.id.toString(QUuid::WithoutBraces))),
                 QVariantList{});
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-60);
        const auto failed =
            must(m_store->jobs().failStale(before, u"The daemon stopped responding."_s), "fail");
        QCOMPARE(failed.size(), 2);
        for (const ProvisionerJob &job : failed) {
            QVERIFY(job.id == staleJob.id || job.id == cancelingJob.id);
            QCOMPARE(job.status, job_status::failed);
            QCOMPARE(job.errorCode, u"HEARTBEAT_TIMEOUT"_s);
            QCOMPARE(job.error, u"The daemon stopped responding."_s);
            QVERIFY(job.completedAt.isValid());
        }
        QCOMPARE(must(m_store->jobs().byId(staleJob.id), "j").status, job_status::failed);
        QCOMPARE(must(m_store->jobs().byId(liveJob.id), "j").status, job_status::running);
        QCOMPARE(must(m_store->workspaces().byId(pending.workspace.id), "p").latestJob.status,
                 job_status::pending);
        QCOMPARE(must(m_store->workspaces().byId(stale.workspace.id), "s").latestJob.status,
                 job_status::failed);
        QCOMPARE(must(m_store->workspaces().byId(canceling.workspace.id), "c").latestJob.status,
                 job_status::failed);
        QVERIFY(must(m_store->jobs().failStale(before, {}), "again").isEmpty());

        // The cutoff itself: a heartbeat at `before` or later is alive, one just older is stale.
        const qint64 cutoff = before.toMSecsSinceEpoch();
        const auto beatAt = [&](const ProvisionerJob &job, qint64 at) {
            return column(
                u"UPDATE provisioner_jobs SET heartbeat_at = %1 WHERE id = '%2'"_s.arg(at).arg(
                    job.id.toString(QUuid::WithoutBraces)));
        };
        QCOMPARE(beatAt(liveJob, cutoff), QVariantList{});
        QVERIFY(must(m_store->jobs().failStale(before, {}), "at the cutoff").isEmpty());
        QCOMPARE(beatAt(liveJob, cutoff - 1), QVariantList{});
        const auto justStale = must(m_store->jobs().failStale(before, {}), "just before");
        QCOMPARE(justStale.size(), 1);
        QCOMPARE(justStale.first().id, liveJob.id);
        Q_UNUSED(live);
    }

    void provisionerDaemons()
    {
        ProvisionerDaemon d;
        d.name = u"host-1 'built-in'"_s;
        d.provisioners = {u"process"_s, u"docker"_s};
        d.tags = {{u"scope"_s, u"organization"_s}};
        d.version = u"0.1.0"_s;
        const ProvisionerDaemon first = must(m_store->jobs().upsertDaemon(d), "upsert");
        QVERIFY(!first.id.isNull());
        QCOMPARE(first.provisioners, d.provisioners);
        QCOMPARE(first.tags, d.tags);
        QVERIFY(first.lastSeenAt.isValid());
        // The same name reconnecting keeps its row.
        d.provisioners = {u"process"_s};
        d.tags = {};
        d.version = u"0.2.0"_s;
        const ProvisionerDaemon second = must(m_store->jobs().upsertDaemon(d), "again");
        QCOMPARE(second.id, first.id);
        QCOMPARE(second.createdAt, first.createdAt);
        QCOMPARE(second.provisioners, QStringList{u"process"_s});
        QVERIFY(second.tags.isEmpty());
        QCOMPARE(second.version, u"0.2.0"_s);
        d.name = u"another"_s;
        must(m_store->jobs().upsertDaemon(d), "another");
        const auto list = must(m_store->jobs().listDaemons(), "list");
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].name, u"another"_s);
        const QDateTime seen = QDateTime::fromMSecsSinceEpoch(1'900'000'000'000, Qt::UTC);
        QVERIFY(m_store->jobs().touchDaemon(first.id, seen));
        QCOMPARE(must(m_store->jobs().listDaemons(), "list")[1].lastSeenAt, seen);
        QCOMPARE(m_store->jobs().touchDaemon(QUuid::createUuid(), seen).error().kind,
                 StoreError::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestJobQueueStore)
#include "test_job_queue_store.moc"
