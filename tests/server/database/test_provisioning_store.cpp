// The provisioning part of the Store contract (files, templates, jobs, workspaces, builds),
// built twice: test_provisioning_store_sqlite and test_provisioning_store_postgres
// (CODER_TEST_BACKEND_POSTGRES). Every test function gets a fresh database.
#include "server/database/provisioning_row_codec.h"
#include "server/database/sql_store.h"
#include "server/database/store_factory.h"
#include "tests/support/test_postgres.h"

#include <QCryptographicHash>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <array>
#include <latch>
#include <memory>
#include <stdexcept>

using namespace coder::server;
using namespace Qt::StringLiterals;
using coder::test::TestPostgres;

namespace {

#ifdef CODER_TEST_BACKEND_POSTGRES
constexpr bool kPostgres = true;
#else
constexpr bool kPostgres = false;
#endif

const QUuid kDefaultOrganization = QUuid::fromString(u"c0de0000-0000-4000-8000-000000000001"_s);

// The value of a result a scenario needs. A failure is unexpected: it ends the run with the
// store's message (QTest reports the exception, then aborts).
template <typename T> T must(StoreResult<T> result, const char *what)
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

// Runs fn(index) on count threads that start together; each releases its connection.
template <typename Fn> void runThreads(Store &store, int count, Fn fn)
{
    std::latch start(count);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back(QThread::create([&store, &start, &fn, i] {
            start.arrive_and_wait();
            fn(i);
            store.closeThreadConnection();
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(300'000));
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

ProvisionerJob importJob(const QString &provisioner = u"process"_s,
                         const QMap<QString, QString> &tags = {})
{
    ProvisionerJob job;
    job.provisioner = provisioner;
    job.type = job_type::templateVersionImport;
    job.tags = tags;
    return job;
}

JobAcquireRequest daemon(const QUuid &worker, const QStringList &provisioners = {u"process"_s},
                         const QMap<QString, QString> &tags = {})
{
    return JobAcquireRequest{worker, provisioners, tags};
}

WorkspaceResource resourceWithAgent(const QString &name, const QByteArray &tokenHash,
                                    const QStringList &appSlugs)
{
    WorkspaceResource resource;
    resource.type = u"process"_s;
    resource.name = name;
    resource.persistent = name.startsWith(u"home"_s);
    resource.icon = u"/icon/" + name + u".svg";
    WorkspaceAgent agent;
    agent.name = name + u"-agent";
    agent.authTokenHash = tokenHash;
    agent.directory = u"/home/coder"_s;
    agent.environmentVariables = {{u"EDITOR"_s, u"vim"_s}};
    agent.startupScript = u"echo hi"_s;
    for (const QString &slug : appSlugs) {
        WorkspaceApp app;
        app.slug = slug;
        app.displayName = slug.toUpper();
        app.url = u"http://localhost:8080"_s;
        app.healthcheck = {{u"url"_s, u"http://localhost:8080/healthz"_s}, {u"interval"_s, 5}};
        agent.apps.append(app);
    }
    resource.agents.append(agent);
    return resource;
}

} // namespace

class TestProvisioningStore : public QObject
{
    Q_OBJECT

private:
    // A template with one succeeded version, used by most scenarios.
    struct Fixture
    {
        User owner;
        File file;
        TemplateVersion version;
        Template tmpl;
    };

    DatabaseConfig config() const
    {
        DatabaseConfig config;
        if (kPostgres) {
            config.backend = DatabaseConfig::Backend::Postgres;
            config.postgresUrl = m_postgres->url();
        } else {
            config.backend = DatabaseConfig::Backend::Sqlite;
            config.sqlitePath = m_dir->filePath(QStringLiteral("data/coder.db"));
        }
        return config;
    }

    // Runs a statement on the store's connection of this thread; returns the first column.
    QVariantList column(const QString &sql)
    {
        auto *sqlStore = dynamic_cast<SqlStore *>(m_store.get());
        auto db = sqlStore->connection();
        QVariantList values;
        if (!db)
            return values;
        QSqlQuery query(*db);
        if (!query.exec(sql))
            return {QString(u"error: "_s + query.lastError().text())};
        while (query.next())
            values.append(query.value(0));
        return values;
    }
    qint64 count(const QString &table)
    {
        return column(u"SELECT count(*) FROM "_s + table).value(0).toLongLong();
    }

    User user(const QString &username)
    {
        User user;
        user.username = username;
        user.email = username + u"@example.com";
        return must(m_store->insertUser(user), "insertUser");
    }

    File file(const QByteArray &data)
    {
        File file;
        file.hash = sha256Hex(data);
        file.mimetype = u"application/x-tar"_s;
        file.data = data;
        return must(m_store->insertFile(file), "insertFile");
    }

    // Acquires the oldest pending job (the scenarios keep at most one pending at a time).
    ProvisionerJob acquire(const QUuid &worker)
    {
        auto job = must(m_store->acquireProvisionerJob(daemon(worker)), "acquire");
        if (!job)
            throw std::runtime_error("no pending job to acquire");
        return *job;
    }

    // A version whose import ran and succeeded; attached to templateId when set.
    TemplateVersion importedVersion(const QString &name, const QUuid &fileId,
                                    const QUuid &templateId = {})
    {
        TemplateVersion version;
        version.name = name;
        version.fileId = fileId;
        version.templateId = templateId;
        version = must(m_store->insertTemplateVersion(version, importJob()), "insertVersion");
        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        if (job.id != version.jobId)
            throw std::runtime_error("acquired another job than the version's import");
        must(m_store->completeTemplateImportJob(job.id, worker, {}, {}, {}), "completeImport");
        return must(m_store->templateVersionById(version.id), "templateVersionById");
    }

    Fixture fixture(const QString &templateName = u"docker-dev"_s)
    {
        Fixture f;
        f.owner = user(u"owner-"_s + templateName);
        f.file = file(templateName.toUtf8());
        f.version = importedVersion(u"v1"_s, f.file.id);
        Template tmpl;
        tmpl.name = templateName;
        tmpl.displayName = u"Docker development"_s;
        tmpl.icon = u"/icon/docker.svg"_s;
        tmpl.provisioner = u"process"_s;
        tmpl.createdBy = f.owner.id;
        f.tmpl = must(m_store->insertTemplate(tmpl, f.version.id), "insertTemplate");
        return f;
    }

    WorkspaceView workspace(const Fixture &f, const QString &name, const User &owner)
    {
        Workspace workspace;
        workspace.ownerId = owner.id;
        workspace.templateId = f.tmpl.id;
        workspace.name = name;
        WorkspaceBuild build;
        build.transition = transition::start;
        return must(m_store->insertWorkspace(workspace, build, ProvisionerJob()),
                    "insertWorkspace");
    }

    WorkspaceBuild build(const QUuid &workspaceId, const QString &transition)
    {
        WorkspaceBuild build;
        build.workspaceId = workspaceId;
        build.transition = transition;
        return must(m_store->insertWorkspaceBuild(build, ProvisionerJob()), "insertWorkspaceBuild");
    }

    // Acquires the workspace's pending build job and completes it.
    ProvisionerJob runBuild(const QList<WorkspaceResource> &resources = {})
    {
        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        return must(m_store->completeWorkspaceBuildJob(job.id, worker, "state", resources),
                    "completeWorkspaceBuildJob");
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestPostgres> m_postgres;
    std::unique_ptr<Store> m_store;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        if (kPostgres) {
            m_postgres = std::make_unique<TestPostgres>();
            CODER_REQUIRE_POSTGRES(*m_postgres);
        }
        auto store = openStore(config());
        QVERIFY2(store, store ? "" : qPrintable(store.error()));
        m_store = std::move(*store);
    }

    void cleanup()
    {
        m_store.reset();
        m_postgres.reset();
        m_dir.reset();
    }

    void defaultOrganizationAndFiles()
    {
        const Organization coder = must(m_store->defaultOrganization(), "defaultOrganization");
        QCOMPARE(coder.id, kDefaultOrganization);
        QCOMPARE(coder.name, u"coder"_s);
        QCOMPARE(coder.displayName, u"Coder"_s);
        QVERIFY(coder.isDefault);
        QVERIFY(coder.createdAt.isValid());
        QCOMPARE(must(m_store->organizationByName(u"CoDeR"_s), "byName").id, coder.id);
        QCOMPARE(must(m_store->organizationById(coder.id), "byId").name, u"coder"_s);
        QCOMPARE(m_store->organizationById(QUuid::createUuid()).error().kind, StoreError::NotFound);
        QCOMPARE(m_store->organizationByName(u"other"_s).error().kind, StoreError::NotFound);

        const QByteArray data("\x00\x01tar\xff'\"", 9);
        const User uploader = user(u"uploader"_s);
        File upload;
        upload.hash = sha256Hex(data);
        upload.mimetype = u"application/x-tar"_s;
        upload.data = data;
        upload.createdBy = uploader.id;
        const File first = must(m_store->insertFile(upload), "insertFile");
        QVERIFY(!first.id.isNull());
        QCOMPARE(first.data, data);
        QCOMPARE(first.hash, sha256Hex(data));
        QCOMPARE(first.createdBy, uploader.id);
        // The same bytes again: the first row, no error, no second row.
        upload.id = QUuid::createUuid();
        upload.mimetype = u"application/octet-stream"_s;
        const File again = must(m_store->insertFile(upload), "insertFile again");
        QCOMPARE(again.id, first.id);
        QCOMPARE(again.mimetype, u"application/x-tar"_s);
        QCOMPARE(count(u"files"_s), 1);
        const File found = must(m_store->fileById(first.id), "fileById");
        QCOMPARE(found.data, data);
        QCOMPARE(found.mimetype, first.mimetype);
        QCOMPARE(found.createdAt, first.createdAt);
        QCOMPARE(m_store->fileById(QUuid::createUuid()).error().kind, StoreError::NotFound);
        // Another file with a taken id is a conflict on the id.
        File clash = upload;
        clash.id = first.id;
        clash.data = "other bytes";
        clash.hash = sha256Hex(clash.data);
        QCOMPARE(m_store->insertFile(clash).error().field, u"id"_s);
    }

    void templatesAndVersions()
    {
        const User admin = user(u"admin"_s);
        const File archive = file("template archive");

        TemplateVersion draft;
        draft.name = u"brave-hopper"_s;
        draft.message = u"first"_s;
        draft.fileId = archive.id;
        draft.createdBy = admin.id;
        const TemplateVersion version =
            must(m_store->insertTemplateVersion(draft, importJob()), "insertTemplateVersion");
        QVERIFY(version.templateId.isNull());
        QCOMPARE(version.organizationId, kDefaultOrganization);
        const ProvisionerJob pending = must(m_store->provisionerJobById(version.jobId), "job");
        QCOMPARE(pending.status, job_status::pending);
        QCOMPARE(pending.type, job_type::templateVersionImport);
        QCOMPARE(pending.fileId, archive.id);
        QCOMPARE(pending.initiatorId, admin.id);
        QCOMPARE(pending.input.value(u"template_version_id"_s).toString(),
                 version.id.toString(QUuid::WithoutBraces));
        QCOMPARE(must(m_store->templateVersionByJobId(version.jobId), "byJob").id, version.id);

        // A template cannot be made from a version whose import has not run... it can: Coder
        // creates the template right after the import succeeded, the store only ties them.
        const QUuid worker = QUuid::createUuid();
        QCOMPARE(acquire(worker).id, version.jobId);
        const QJsonArray parameters{QJsonObject{{u"name"_s, u"cpu"_s}, {u"type"_s, u"number"_s}}};
        const ProvisionerJob done = must(
            m_store->completeTemplateImportJob(version.jobId, worker, parameters, u"# Readme"_s,
                                               {resourceWithAgent(u"dev"_s, {}, {u"code"_s})}),
            "completeTemplateImportJob");
        QCOMPARE(done.status, job_status::succeeded);
        QVERIFY(done.completedAt.isValid());
        const TemplateVersion imported = must(m_store->templateVersionById(version.id), "byId");
        QCOMPARE(imported.parameters, parameters);
        QCOMPARE(imported.readme, u"# Readme"_s);
        const auto importResources =
            must(m_store->resourcesByJobIds({version.jobId}), "resources of import");
        QCOMPARE(importResources.size(), 1);
        QCOMPARE(importResources[0].transition, transition::start);
        QCOMPARE(importResources[0].agents.size(), 1);
        QVERIFY(importResources[0].agents[0].authTokenHash.isEmpty());

        Template tmpl;
        tmpl.name = u"Docker"_s;
        tmpl.displayName = u"Docker"_s;
        tmpl.description = u"Containers"_s;
        tmpl.provisioner = u"docker"_s;
        tmpl.defaultTtlMs = 8 * 3600 * 1000;
        tmpl.allowUserCancelWorkspaceJobs = false;
        tmpl.createdBy = admin.id;
        const Template created = must(m_store->insertTemplate(tmpl, version.id), "insertTemplate");
        QCOMPARE(created.organizationId, kDefaultOrganization);
        QCOMPARE(created.activeVersionId, version.id);
        QCOMPARE(must(m_store->templateVersionById(version.id), "v").templateId, created.id);

        for (const auto &found : {m_store->templateById(created.id),
                                  m_store->templateByName(kDefaultOrganization, u"dOcKeR"_s)}) {
            QVERIFY(found);
            QCOMPARE(found->id, created.id);
            QCOMPARE(found->name, u"Docker"_s);
            QCOMPARE(found->description, u"Containers"_s);
            QCOMPARE(found->provisioner, u"docker"_s);
            QCOMPARE(found->defaultTtlMs, 8 * 3600 * 1000);
            QCOMPARE(found->activityBumpMs, 3600000);
            QVERIFY(found->allowUserAutostart);
            QVERIFY(!found->allowUserCancelWorkspaceJobs);
            QCOMPARE(found->createdBy, admin.id);
            QCOMPARE(found->createdAt, created.createdAt);
            QVERIFY(!found->deleted);
        }
        QCOMPARE(m_store->templateById(QUuid::createUuid()).error().kind, StoreError::NotFound);

        // Names are unique per organization, case-insensitively; a version belongs to one
        // template.
        const TemplateVersion second = importedVersion(u"second"_s, archive.id);
        tmpl.name = u"DOCKER"_s;
        auto clash = m_store->insertTemplate(tmpl, second.id);
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, u"name"_s);
        QVERIFY(must(m_store->templateVersionById(second.id), "v").templateId.isNull());
        tmpl.name = u"other"_s;
        auto taken = m_store->insertTemplate(tmpl, version.id);
        QCOMPARE(taken.error().kind, StoreError::Conflict);
        QCOMPARE(taken.error().field, u"template_version_id"_s);
        QCOMPARE(m_store->insertTemplate(tmpl, QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        const Template other = must(m_store->insertTemplate(tmpl, second.id), "other");
        QCOMPARE(count(u"templates"_s), 2);

        auto list = must(m_store->listTemplates(kDefaultOrganization), "listTemplates");
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].name, u"Docker"_s);
        QCOMPARE(list[1].name, u"other"_s);
        QCOMPARE(must(m_store->listTemplates({}), "all").size(), 2);
        QCOMPARE(must(m_store->listTemplates(QUuid::createUuid()), "none").size(), 0);

        // Versions of a template: names unique per template, case-insensitively.
        TemplateVersion next;
        next.name = u"BRAVE-HOPPER"_s;
        next.templateId = created.id;
        next.fileId = archive.id;
        auto sameName = m_store->insertTemplateVersion(next, importJob());
        QCOMPARE(sameName.error().kind, StoreError::Conflict);
        QCOMPARE(sameName.error().field, u"name"_s);
        QCOMPARE(count(u"provisioner_jobs"_s), 2); // the failed insert left no job behind
        next.templateId = other.id;
        QVERIFY(m_store->insertTemplateVersion(next, importJob())); // another template: fine
        next.templateId = created.id;
        next.name = u"v2"_s;
        const TemplateVersion v2 = must(m_store->insertTemplateVersion(next, importJob()), "v2");
        QCOMPARE(must(m_store->templateVersionByName(created.id, u"V2"_s), "byName").id, v2.id);
        QCOMPARE(m_store->templateVersionByName(created.id, u"v3"_s).error().kind,
                 StoreError::NotFound);
        const auto versions = must(m_store->listTemplateVersions(created.id), "list versions");
        QCOMPARE(versions.size(), 2);
        QCOMPARE(versions[0].id, version.id);
        QCOMPARE(versions[1].id, v2.id);

        // Only a succeeded version of the template itself can become active.
        auto notImported = m_store->updateTemplateActiveVersion(created.id, v2.id);
        QCOMPARE(notImported.error().kind, StoreError::Conflict);
        QCOMPARE(notImported.error().field, u"template_version_id"_s);
        auto foreign = m_store->updateTemplateActiveVersion(created.id, second.id);
        QCOMPARE(foreign.error().kind, StoreError::Conflict);
        QCOMPARE(m_store->updateTemplateActiveVersion(created.id, QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->updateTemplateActiveVersion(QUuid::createUuid(), v2.id).error().kind,
                 StoreError::NotFound);
        // Two pending imports now (v2 and the other template's): run both.
        for (int i = 0; i < 2; ++i) {
            const QUuid w = QUuid::createUuid();
            const ProvisionerJob job = acquire(w);
            must(m_store->completeTemplateImportJob(job.id, w, {}, {}, {}), "complete");
        }
        const Template switched =
            must(m_store->updateTemplateActiveVersion(created.id, v2.id), "switch");
        QCOMPARE(switched.activeVersionId, v2.id);
        QVERIFY(switched.updatedAt >= created.updatedAt);

        Template changes = switched;
        changes.name = u"docker-v2"_s;
        changes.description = u"Zoë's \"containers\""_s;
        changes.defaultTtlMs = 0;
        changes.allowUserAutostop = false;
        const Template updated = must(m_store->updateTemplate(changes), "updateTemplate");
        QCOMPARE(updated.name, u"docker-v2"_s);
        QCOMPARE(updated.description, changes.description);
        QCOMPARE(updated.defaultTtlMs, 0);
        QVERIFY(!updated.allowUserAutostop);
        QCOMPARE(updated.activeVersionId, v2.id);
        changes.name = u"OTHER"_s;
        QCOMPARE(m_store->updateTemplate(changes).error().field, u"name"_s);
        changes.id = QUuid::createUuid();
        QCOMPARE(m_store->updateTemplate(changes).error().kind, StoreError::NotFound);
    }

    void deleteTemplateWhileUsed()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        auto refused = m_store->deleteTemplate(f.tmpl.id);
        QCOMPARE(refused.error().kind, StoreError::Conflict);
        QCOMPARE(refused.error().field, u"workspaces"_s);

        runBuild();
        build(ws.workspace.id, transition::remove);
        runBuild();
        QVERIFY(must(m_store->workspaceById(ws.workspace.id), "ws").workspace.deleted);

        QVERIFY(m_store->deleteTemplate(f.tmpl.id));
        QCOMPARE(m_store->templateById(f.tmpl.id).error().kind, StoreError::NotFound);
        QCOMPARE(must(m_store->listTemplates({}), "list").size(), 0);
        QCOMPARE(m_store->deleteTemplate(f.tmpl.id).error().kind, StoreError::NotFound);
        // The deleted workspace still shows its template; a new template may take the name.
        QCOMPARE(must(m_store->workspaceById(ws.workspace.id), "ws").templateName, f.tmpl.name);
        const TemplateVersion version = importedVersion(u"v1"_s, f.file.id);
        Template again = f.tmpl;
        again.id = QUuid();
        QVERIFY(m_store->insertTemplate(again, version.id));
        // No workspace can be made from a deleted template.
        Workspace orphan;
        orphan.ownerId = f.owner.id;
        orphan.templateId = f.tmpl.id;
        orphan.name = u"orphan"_s;
        QCOMPARE(m_store->insertWorkspace(orphan, {}, {}).error().kind, StoreError::NotFound);
    }

    void templateOwnerCounts()
    {
        const Fixture f = fixture();
        const Fixture g = fixture(u"unused"_s);
        const User alice = user(u"alice"_s);
        const User bob = user(u"bob"_s);
        for (const auto &[name, owner] : std::initializer_list<std::pair<QString, User>>{
                 {u"a1"_s, alice}, {u"a2"_s, alice}, {u"b1"_s, bob}, {u"o1"_s, f.owner}}) {
            const WorkspaceView ws = workspace(f, name, owner);
            runBuild();
            if (name == u"o1"_s) { // a deleted workspace does not count
                build(ws.workspace.id, transition::remove);
                runBuild();
            }
        }
        const QUuid unknown = QUuid::createUuid();
        const auto counts =
            must(m_store->templateOwnerCounts({f.tmpl.id, g.tmpl.id, unknown}), "counts");
        QCOMPARE(counts.value(f.tmpl.id), 2);
        QCOMPARE(counts.value(g.tmpl.id), 0);
        QVERIFY(counts.contains(unknown));
        QCOMPARE(counts.size(), 3);
        QVERIFY(must(m_store->templateOwnerCounts({}), "empty").isEmpty());
    }

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
        QCOMPARE(m_store->heartbeatProvisionerJob(ws.latestJob.id, worker).error().kind,
                 StoreError::Conflict);
        const ProvisionerJob running = acquire(worker);
        QCOMPARE(running.id, ws.latestJob.id);
        QCOMPARE(running.status, job_status::running);
        QCOMPARE(running.workerId, worker);
        QVERIFY(running.startedAt.isValid());
        QVERIFY(running.heartbeatAt.isValid());
        QVERIFY(!must(m_store->acquireProvisionerJob(daemon(stranger)), "none").has_value());

        const ProvisionerJob beat =
            must(m_store->heartbeatProvisionerJob(running.id, worker), "hb");
        QCOMPARE(beat.status, job_status::running);
        QVERIFY(beat.heartbeatAt >= running.heartbeatAt);
        auto wrongWorker = m_store->heartbeatProvisionerJob(running.id, stranger);
        QCOMPARE(wrongWorker.error().kind, StoreError::Conflict);
        QCOMPARE(wrongWorker.error().field, u"job"_s);
        QCOMPARE(m_store->heartbeatProvisionerJob(QUuid::createUuid(), worker).error().kind,
                 StoreError::NotFound);

        QVERIFY(m_store->checkpointWorkspaceBuildState(running.id, worker, "partial"));
        QCOMPARE(must(m_store->workspaceBuildByJobId(running.id), "b").provisionerState,
                 QByteArray("partial"));
        QCOMPARE(m_store->checkpointWorkspaceBuildState(running.id, stranger, "x").error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->completeWorkspaceBuildJob(running.id, stranger, "s", {}).error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->completeTemplateImportJob(running.id, worker, {}, {}, {}).error().field,
                 u"job"_s);

        // Canceling a running job: canceling until its daemon ends it, then canceled with the
        // error kept.
        const ProvisionerJob canceling = must(m_store->cancelProvisionerJob(running.id), "cancel");
        QCOMPARE(canceling.status, job_status::canceling);
        QVERIFY(canceling.canceledAt.isValid());
        QVERIFY(!canceling.completedAt.isValid());
        QCOMPARE(must(m_store->cancelProvisionerJob(running.id), "again").status,
                 job_status::canceling);
        QCOMPARE(must(m_store->heartbeatProvisionerJob(running.id, worker), "hb").status,
                 job_status::canceling);
        QCOMPARE(m_store->failProvisionerJob(running.id, stranger, u"x"_s, {}, {}).error().kind,
                 StoreError::Conflict);
        const ProvisionerJob canceled =
            must(m_store->failProvisionerJob(running.id, worker, u"Canceled by the user."_s,
                                             u"CANCELED"_s, QByteArray("what exists")),
                 "fail canceling");
        QCOMPARE(canceled.status, job_status::canceled);
        QCOMPARE(canceled.error, u"Canceled by the user."_s);
        QCOMPARE(canceled.errorCode, u"CANCELED"_s);
        QVERIFY(canceled.completedAt.isValid());
        QCOMPARE(must(m_store->provisionerJobById(running.id), "job").status, job_status::canceled);
        QCOMPARE(must(m_store->workspaceBuildByJobId(running.id), "b").provisionerState,
                 QByteArray("what exists"));
        QCOMPARE(must(m_store->workspaceById(ws.workspace.id), "ws").latestJob.status,
                 job_status::canceled);

        // A completed job can be neither canceled nor failed nor completed again.
        QCOMPARE(m_store->cancelProvisionerJob(running.id).error().kind, StoreError::Conflict);
        QCOMPARE(m_store->failProvisionerJob(running.id, {}, u"x"_s, {}, {}).error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->completeWorkspaceBuildJob(running.id, worker, "s", {}).error().kind,
                 StoreError::Conflict);
        QCOMPARE(m_store->cancelProvisionerJob(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->failProvisionerJob(QUuid::createUuid(), {}, u"x"_s, {}, {}).error().kind,
                 StoreError::NotFound);

        // Canceling a pending job ends it at once.
        const WorkspaceBuild second = build(ws.workspace.id, transition::start);
        const ProvisionerJob dropped = must(m_store->cancelProvisionerJob(second.jobId), "cancel");
        QCOMPARE(dropped.status, job_status::canceled);
        QVERIFY(dropped.completedAt.isValid());
        QVERIFY(dropped.error.isEmpty());
        QVERIFY(!must(m_store->acquireProvisionerJob(daemon(worker)), "none").has_value());

        // coderd fails a job nobody runs (workerId null); a failure without cancel is failed.
        const WorkspaceBuild third = build(ws.workspace.id, transition::start);
        const ProvisionerJob failed =
            must(m_store->failProvisionerJob(third.jobId, {}, u"No daemon."_s, u"NO_DAEMON"_s, {}),
                 "fail pending");
        QCOMPARE(failed.status, job_status::failed);
        QCOMPARE(must(m_store->workspaceBuildByJobId(third.jobId), "b").provisionerState,
                 QByteArray());
        const QList<ProvisionerJob> jobs =
            must(m_store->provisionerJobsByIds({third.jobId, QUuid::createUuid(), running.id}),
                 "jobsByIds");
        QCOMPARE(jobs.size(), 2);
        QCOMPARE(jobs[0].id, third.jobId);
        QCOMPARE(jobs[1].id, running.id);
        QVERIFY(must(m_store->provisionerJobsByIds({}), "empty").isEmpty());
    }

    void acquireMatchesProvisionerAndTags()
    {
        auto job = [this](const QString &provisioner, const QMap<QString, QString> &tags) {
            TemplateVersion version;
            version.name = u"v"_s;
            return must(m_store->insertTemplateVersion(version, importJob(provisioner, tags)),
                        "insertTemplateVersion")
                .jobId;
        };
        auto take = [this](const QStringList &provisioners, const QMap<QString, QString> &tags) {
            auto acquired = must(
                m_store->acquireProvisionerJob(daemon(QUuid::createUuid(), provisioners, tags)),
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
        QCOMPARE(must(m_store->provisionerJobById(quoted), "job").tags.value(u"owner's \"key\""_s),
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
            jobs.prepend(must(m_store->insertTemplateVersion(version, job), "insert").jobId);
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
                must(m_store->insertTemplateVersion(version, importJob()), "insert").jobId);
        }
        QCOMPARE(created.size(), kDaemons * kJobsPerDaemon);

        std::array<QList<QUuid>, kDaemons> acquired;
        std::array<QString, kDaemons> errors;
        runThreads(*m_store, kDaemons, [&](int d) {
            const QUuid worker = QUuid::createUuid();
            for (;;) {
                auto job = m_store->acquireProvisionerJob(daemon(worker));
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
                auto done = m_store->completeTemplateImportJob((*job)->id, worker, {}, {}, {});
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
        const auto appended =
            must(m_store->appendProvisionerJobLogs(ws.latestJob.id, batch), "append");
        QCOMPARE(appended.size(), 3);
        QVERIFY(appended[0].id > 0);
        QVERIFY(appended[0].id < appended[1].id && appended[1].id < appended[2].id);
        const auto more = must(m_store->appendProvisionerJobLogs(ws.latestJob.id, batch.mid(0, 1)),
                               "append more");
        QVERIFY(more[0].id > appended[2].id);

        const auto all = must(m_store->provisionerJobLogs(ws.latestJob.id, 0), "logs");
        QCOMPARE(all.size(), 4);
        QCOMPARE(all[2].output, nasty);
        QCOMPARE(all[2].level, u"error"_s);
        QCOMPARE(all[2].stage, u"Starting workspace"_s);
        QCOMPARE(all[2].source, u"provisioner"_s);
        QCOMPARE(all[2].jobId, ws.latestJob.id);
        QVERIFY(all[2].createdAt.isValid());
        const auto after = must(m_store->provisionerJobLogs(ws.latestJob.id, appended[0].id), "a");
        QCOMPARE(after.size(), 3);
        QCOMPARE(after[0].output, u"two"_s);
        const auto page =
            must(m_store->provisionerJobLogs(ws.latestJob.id, appended[0].id, 1), "p");
        QCOMPARE(page.size(), 1);
        QCOMPARE(page[0].id, appended[1].id);
        QCOMPARE(must(m_store->provisionerJobLogs(ws.latestJob.id, more[0].id), "end").size(), 0);
        QCOMPARE(must(m_store->provisionerJobLogs(QUuid::createUuid(), 0), "other").size(), 0);
        QCOMPARE(m_store->appendProvisionerJobLogs(QUuid::createUuid(), batch).error().kind,
                 StoreError::NotFound);
    }

    void staleJobsFail()
    {
        const Fixture f = fixture();
        const WorkspaceView stale = workspace(f, u"stale"_s, f.owner);
        const ProvisionerJob staleJob = acquire(QUuid::createUuid());
        const WorkspaceView canceling = workspace(f, u"canceling"_s, f.owner);
        const ProvisionerJob cancelingJob = acquire(QUuid::createUuid());
        QVERIFY(m_store->cancelProvisionerJob(cancelingJob.id));
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
        const auto failed = must(
            m_store->failStaleProvisionerJobs(before, u"The daemon stopped responding."_s), "fail");
        QCOMPARE(failed.size(), 2);
        for (const ProvisionerJob &job : failed) {
            QVERIFY(job.id == staleJob.id || job.id == cancelingJob.id);
            QCOMPARE(job.status, job_status::failed);
            QCOMPARE(job.errorCode, u"HEARTBEAT_TIMEOUT"_s);
            QCOMPARE(job.error, u"The daemon stopped responding."_s);
            QVERIFY(job.completedAt.isValid());
        }
        QCOMPARE(must(m_store->provisionerJobById(staleJob.id), "j").status, job_status::failed);
        QCOMPARE(must(m_store->provisionerJobById(liveJob.id), "j").status, job_status::running);
        QCOMPARE(must(m_store->workspaceById(pending.workspace.id), "p").latestJob.status,
                 job_status::pending);
        QCOMPARE(must(m_store->workspaceById(stale.workspace.id), "s").latestJob.status,
                 job_status::failed);
        QCOMPARE(must(m_store->workspaceById(canceling.workspace.id), "c").latestJob.status,
                 job_status::failed);
        QVERIFY(must(m_store->failStaleProvisionerJobs(before, {}), "again").isEmpty());
        Q_UNUSED(live);
    }

    void insertWorkspaceAtomically()
    {
        const Fixture f = fixture();
        const TemplateVersion loose = importedVersion(u"loose"_s, f.file.id);
        Workspace request;
        request.ownerId = f.owner.id;
        request.templateId = f.tmpl.id;
        request.name = u"Dev"_s;
        request.autostartSchedule = u"CRON_TZ=Europe/Paris 30 8 * * 1-5"_s;
        request.ttlMs = 3600'000;
        WorkspaceBuild firstBuild;
        firstBuild.parameters = {QJsonObject{{u"name"_s, u"cpu"_s}, {u"value"_s, u"2"_s}}};
        const WorkspaceView view =
            must(m_store->insertWorkspace(request, firstBuild, ProvisionerJob()), "insert");
        QVERIFY(!view.workspace.id.isNull());
        QCOMPARE(view.workspace.organizationId, kDefaultOrganization);
        QCOMPARE(view.workspace.name, u"Dev"_s);
        QCOMPARE(view.workspace.autostartSchedule, request.autostartSchedule);
        QCOMPARE(view.workspace.ttlMs, 3600'000);
        QVERIFY(!view.workspace.deleted);
        QCOMPARE(view.ownerName, f.owner.username);
        QCOMPARE(view.templateName, f.tmpl.name);
        QCOMPARE(view.templateDisplayName, f.tmpl.displayName);
        QCOMPARE(view.templateIcon, f.tmpl.icon);
        QCOMPARE(view.templateActiveVersionId, f.version.id);
        QVERIFY(view.templateAllowUserCancelWorkspaceJobs);
        QCOMPARE(view.latestBuild.buildNumber, 1);
        QCOMPARE(view.latestBuild.transition, transition::start);
        QCOMPARE(view.latestBuild.templateVersionId, f.version.id);
        QCOMPARE(view.latestBuild.initiatorId, f.owner.id);
        QCOMPARE(view.latestBuild.parameters, firstBuild.parameters);
        QCOMPARE(view.latestBuild.jobId, view.latestJob.id);
        QCOMPARE(view.latestJob.initiatorId, f.owner.id);
        QCOMPARE(view.latestJob.organizationId, kDefaultOrganization);

        const WorkspaceView byName =
            must(m_store->workspaceByOwnerAndName(f.owner.id, u"DEV"_s), "byName");
        QCOMPARE(byName.workspace.id, view.workspace.id);
        QCOMPARE(byName.latestBuild.parameters, firstBuild.parameters);
        QCOMPARE(byName.workspace.createdAt, view.workspace.createdAt);
        QCOMPARE(m_store->workspaceByOwnerAndName(QUuid::createUuid(), u"dev"_s).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->workspaceById(QUuid::createUuid()).error().kind, StoreError::NotFound);

        // A version of another template (here: of none) cannot build the workspace.
        WorkspaceBuild foreignBuild;
        foreignBuild.templateVersionId = loose.id;
        request.name = u"foreign"_s;
        auto foreign = m_store->insertWorkspace(request, foreignBuild, {});
        QCOMPARE(foreign.error().kind, StoreError::Conflict);
        QCOMPARE(foreign.error().field, u"template_version_id"_s);

        // The same name for the same owner, in any case: Conflict and nothing left behind.
        const qint64 jobs = count(u"provisioner_jobs"_s);
        request.name = u"dEV"_s;
        auto clash = m_store->insertWorkspace(request, {}, {});
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, u"name"_s);
        QCOMPARE(count(u"provisioner_jobs"_s), jobs);
        QCOMPARE(count(u"workspace_builds"_s), 1);
        QCOMPARE(count(u"workspaces"_s), 1);
        // Another owner may use it.
        const User other = user(u"other"_s);
        request.ownerId = other.id;
        QVERIFY(m_store->insertWorkspace(request, {}, {}));
        // A missing owner or template: NotFound, nothing left behind.
        request.ownerId = QUuid::createUuid();
        request.name = u"ghost"_s;
        QCOMPARE(m_store->insertWorkspace(request, {}, {}).error().kind, StoreError::NotFound);
        request.ownerId = f.owner.id;
        request.templateId = QUuid::createUuid();
        QCOMPARE(m_store->insertWorkspace(request, {}, {}).error().kind, StoreError::NotFound);
        QCOMPARE(count(u"workspaces"_s), 2);
        QCOMPARE(count(u"provisioner_jobs"_s), jobs + 1);
    }

    void buildNumbersAndState()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        WorkspaceBuild stop;
        stop.workspaceId = ws.workspace.id;
        stop.transition = transition::stop;
        auto busy = m_store->insertWorkspaceBuild(stop, {});
        QCOMPARE(busy.error().kind, StoreError::Conflict);
        QCOMPARE(busy.error().field, u"build"_s);
        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        QCOMPARE(m_store->insertWorkspaceBuild(stop, {}).error().field, u"build"_s);
        const QList<WorkspaceResource> resources = {
            resourceWithAgent(u"home"_s, {}, {}),
            resourceWithAgent(u"dev"_s, sha256Hex("token-1"), {u"code-server"_s, u"jupyter"_s}),
        };
        QVERIFY(m_store->completeWorkspaceBuildJob(job.id, worker, "state-1", resources));
        WorkspaceBuild foreign = stop;
        foreign.templateVersionId = importedVersion(u"loose"_s, f.file.id).id;
        auto foreignVersion = m_store->insertWorkspaceBuild(foreign, {});
        QCOMPARE(foreignVersion.error().kind, StoreError::Conflict);
        QCOMPARE(foreignVersion.error().field, u"template_version_id"_s);

        const WorkspaceBuild second = must(m_store->insertWorkspaceBuild(stop, {}), "stop");
        QCOMPARE(second.buildNumber, 2);
        QCOMPARE(second.transition, transition::stop);
        QCOMPARE(second.templateVersionId, f.version.id);
        const WorkspaceBuild previous =
            must(m_store->previousWorkspaceBuild(ws.workspace.id, second.buildNumber), "prev");
        QCOMPARE(previous.id, ws.latestBuild.id);
        QCOMPARE(previous.provisionerState, QByteArray("state-1"));
        QCOMPARE(m_store->previousWorkspaceBuild(ws.workspace.id, 1).error().kind,
                 StoreError::NotFound);
        QCOMPARE(must(m_store->workspaceBuildById(second.id), "b").jobId, second.jobId);
        QCOMPARE(must(m_store->workspaceBuildByJobId(second.jobId), "b").id, second.id);
        QCOMPARE(m_store->workspaceBuildById(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        const auto builds = must(m_store->listWorkspaceBuilds(ws.workspace.id, 0, 0), "list");
        QCOMPARE(builds.size(), 2);
        QCOMPARE(builds[0].buildNumber, 2);
        QCOMPARE(builds[1].buildNumber, 1);
        QCOMPARE(must(m_store->listWorkspaceBuilds(ws.workspace.id, 1, 1), "page")[0].buildNumber,
                 1);

        const QDateTime deadline = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
        const WorkspaceBuild bumped = must(
            m_store->updateWorkspaceBuildDeadline(previous.id, deadline, deadline.addSecs(3600)),
            "deadline");
        QCOMPARE(bumped.deadline, deadline);
        QCOMPARE(bumped.maxDeadline, deadline.addSecs(3600));
        QCOMPARE(
            m_store->updateWorkspaceBuildDeadline(QUuid::createUuid(), deadline, {}).error().kind,
            StoreError::NotFound);

        // Resources in the provisioner's order, with their agents and apps.
        const auto stored = must(m_store->resourcesByJobIds({job.id, second.jobId}), "resources");
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].name, u"home"_s);
        QVERIFY(stored[0].persistent);
        QCOMPARE(stored[0].transition, transition::start);
        QCOMPARE(stored[0].jobId, job.id);
        QCOMPARE(stored[1].name, u"dev"_s);
        QCOMPARE(stored[1].icon, u"/icon/dev.svg"_s);
        QCOMPARE(stored[1].agents.size(), 1);
        const WorkspaceAgent &agent = stored[1].agents[0];
        QCOMPARE(agent.name, u"dev-agent"_s);
        QCOMPARE(agent.resourceId, stored[1].id);
        QCOMPARE(agent.authTokenHash, sha256Hex("token-1"));
        QCOMPARE(agent.directory, u"/home/coder"_s);
        QCOMPARE(agent.environmentVariables.value(u"EDITOR"_s).toString(), u"vim"_s);
        QCOMPARE(agent.startupScript, u"echo hi"_s);
        QCOMPARE(agent.startupScriptTimeoutSeconds, 300);
        QCOMPARE(agent.lifecycleState, u"created"_s);
        QCOMPARE(agent.apps.size(), 2);
        QCOMPARE(agent.apps[0].slug, u"code-server"_s);
        QCOMPARE(agent.apps[1].slug, u"jupyter"_s);
        QCOMPARE(agent.apps[1].displayName, u"JUPYTER"_s);
        QCOMPARE(agent.apps[1].agentId, agent.id);
        QCOMPARE(agent.apps[1].healthcheck.value(u"interval"_s).toInt(), 5);
        QCOMPARE(agent.apps[1].sharingLevel, u"owner"_s);
        QVERIFY(must(m_store->resourcesByJobIds({second.jobId}), "none").isEmpty());
        QVERIFY(must(m_store->resourcesByJobIds({}), "none").isEmpty());

        // Resources that cannot be stored fail the completion whole: the job stays running.
        const ProvisionerJob stopJob = acquire(worker);
        auto duplicateSlug = m_store->completeWorkspaceBuildJob(
            stopJob.id, worker, "state-2",
            {resourceWithAgent(u"dev"_s, {}, {u"same"_s, u"same"_s})});
        QCOMPARE(duplicateSlug.error().kind, StoreError::Conflict);
        QCOMPARE(duplicateSlug.error().field, u"slug"_s);
        QCOMPARE(must(m_store->provisionerJobById(stopJob.id), "j").status, job_status::running);
        QVERIFY(must(m_store->resourcesByJobIds({stopJob.id}), "none").isEmpty());
        auto reusedToken = m_store->completeWorkspaceBuildJob(
            stopJob.id, worker, "state-2", {resourceWithAgent(u"x"_s, sha256Hex("token-1"), {})});
        QCOMPARE(reusedToken.error().field, u"auth_token_hash"_s);
        QVERIFY(m_store->completeWorkspaceBuildJob(stopJob.id, worker, "state-2", {}));
        QCOMPARE(must(m_store->workspaceBuildById(second.id), "b").provisionerState,
                 QByteArray("state-2"));

        // A succeeded delete build deletes the workspace and frees its name.
        const WorkspaceBuild removal = build(ws.workspace.id, transition::remove);
        QCOMPARE(removal.buildNumber, 3);
        QVERIFY(!must(m_store->workspaceById(ws.workspace.id), "ws").workspace.deleted);
        runBuild();
        const WorkspaceView gone = must(m_store->workspaceById(ws.workspace.id), "deleted ws");
        QVERIFY(gone.workspace.deleted);
        QCOMPARE(gone.latestBuild.buildNumber, 3);
        QCOMPARE(m_store->workspaceByOwnerAndName(f.owner.id, u"dev"_s).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->insertWorkspaceBuild(stop, {}).error().kind, StoreError::NotFound);
        stop.workspaceId = QUuid::createUuid();
        QCOMPARE(m_store->insertWorkspaceBuild(stop, {}).error().kind, StoreError::NotFound);
        QCOMPARE(m_store->updateWorkspaceName(ws.workspace.id, u"x"_s).error().kind,
                 StoreError::NotFound);
    }

    void racingBuildsOneWins()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        runBuild();
        constexpr int kRacers = 8;
        std::array<std::optional<StoreResult<WorkspaceBuild>>, kRacers> results;
        runThreads(*m_store, kRacers, [&](int i) {
            WorkspaceBuild build;
            build.workspaceId = ws.workspace.id;
            build.transition = i % 2 ? transition::stop : transition::remove;
            results[i] = m_store->insertWorkspaceBuild(build, {});
        });
        int winners = 0;
        for (const auto &result : results) {
            QVERIFY(result.has_value());
            if (*result) {
                ++winners;
                QCOMPARE((*result)->buildNumber, 2);
            } else {
                QVERIFY2(result->error().kind == StoreError::Conflict,
                         qPrintable(result->error().message));
                QCOMPARE(result->error().field, u"build"_s);
            }
        }
        QCOMPARE(winners, 1);
        QCOMPARE(count(u"workspace_builds"_s), 2);
        QCOMPARE(count(u"provisioner_jobs"_s), 3); // the import, build 1, build 2
    }

    void racingWorkspaceNamesOneWins()
    {
        const Fixture f = fixture();
        constexpr int kRacers = 8;
        std::array<std::optional<StoreResult<WorkspaceView>>, kRacers> results;
        runThreads(*m_store, kRacers, [&](int i) {
            Workspace request;
            request.ownerId = f.owner.id;
            request.templateId = f.tmpl.id;
            request.name = i % 2 ? u"Race"_s : u"rACE"_s;
            results[i] = m_store->insertWorkspace(request, {}, {});
        });
        int winners = 0;
        for (const auto &result : results) {
            QVERIFY(result.has_value());
            if (*result) {
                ++winners;
            } else {
                QVERIFY2(result->error().kind == StoreError::Conflict,
                         qPrintable(result->error().message));
                QCOMPARE(result->error().field, u"name"_s);
            }
        }
        QCOMPARE(winners, 1);
        QCOMPARE(count(u"workspaces"_s), 1);
        QCOMPARE(count(u"workspace_builds"_s), 1);
        QCOMPARE(count(u"provisioner_jobs"_s), 2); // the import and the winner's build
    }

    void workspaceStatusesThroughTheFilter()
    {
        const Fixture f = fixture();
        struct Case
        {
            QString status;
            QString name;
        };
        const QList<Case> cases = {
            {u"starting"_s, u"w-starting"_s},   {u"stopping"_s, u"w-stopping"_s},
            {u"deleting"_s, u"w-deleting"_s},   {u"running"_s, u"w-running"_s},
            {u"stopped"_s, u"w-stopped"_s},     {u"deleted"_s, u"w-deleted"_s},
            {u"canceling"_s, u"w-canceling"_s}, {u"canceled"_s, u"w-canceled"_s},
            {u"failed"_s, u"w-failed"_s},       {u"pending"_s, u"w-pending"_s},
        };
        QHash<QString, QUuid> ids;
        for (const Case &c : cases) {
            const WorkspaceView ws = workspace(f, c.name, f.owner);
            ids.insert(c.status, ws.workspace.id);
            auto startThen = [&](const QString &transition) {
                runBuild();
                build(ws.workspace.id, transition);
            };
            const QUuid worker = QUuid::createUuid();
            if (c.status == u"starting"_s) {
                acquire(worker);
            } else if (c.status == u"stopping"_s) {
                startThen(transition::stop);
                acquire(worker);
            } else if (c.status == u"deleting"_s) {
                startThen(transition::remove);
                acquire(worker);
            } else if (c.status == u"running"_s) {
                runBuild();
            } else if (c.status == u"stopped"_s) {
                startThen(transition::stop);
                runBuild();
            } else if (c.status == u"deleted"_s) {
                startThen(transition::remove);
                runBuild();
            } else if (c.status == u"canceling"_s) {
                QVERIFY(m_store->cancelProvisionerJob(acquire(worker).id));
            } else if (c.status == u"canceled"_s) {
                QVERIFY(m_store->cancelProvisionerJob(ws.latestJob.id));
            } else if (c.status == u"failed"_s) {
                QVERIFY(m_store->failProvisionerJob(acquire(worker).id, worker, u"boom"_s, {}, {}));
            }
        }
        for (const Case &c : cases) {
            WorkspaceFilter filter;
            filter.status = c.status;
            const auto list = must(m_store->listWorkspaces(filter), "listWorkspaces");
            QVERIFY2(list.size() == 1, qPrintable(c.status));
            QCOMPARE(list[0].workspace.id, ids.value(c.status));
            QCOMPARE(ProvisioningRowCodec::workspaceStatus(list[0].latestJob.status,
                                                           list[0].latestBuild.transition),
                     c.status);
            QCOMPARE(must(m_store->countWorkspaces(filter), "count"), 1);
        }
        WorkspaceFilter unknown;
        unknown.status = u"exploded"_s;
        QVERIFY(must(m_store->listWorkspaces(unknown), "unknown").isEmpty());
        QCOMPARE(must(m_store->countWorkspaces({}), "all"), 9); // the deleted one is left out
        WorkspaceFilter withDeleted;
        withDeleted.includeDeleted = true;
        QCOMPARE(must(m_store->countWorkspaces(withDeleted), "all"), 10);
    }

    void listWorkspacesFiltersAndOrder()
    {
        const Fixture f = fixture(u"alpha"_s);
        const Fixture g = fixture(u"beta"_s);
        const User zed = user(u"Zed"_s);
        const User amy = user(u"amy"_s);
        struct Row
        {
            const Fixture *fixture;
            const User *owner;
            QString name;
        };
        const QList<Row> rows = {{&f, &zed, u"web"_s},
                                 {&f, &amy, u"Web"_s},
                                 {&g, &amy, u"api_server"_s},
                                 {&g, &zed, u"apiXserver"_s},
                                 {&f, &amy, u"100%"_s}};
        for (const Row &row : rows) {
            workspace(*row.fixture, row.name, *row.owner);
            runBuild();
        }
        auto names = [this](const WorkspaceFilter &filter) {
            QStringList result;
            for (const WorkspaceView &view : must(m_store->listWorkspaces(filter), "list"))
                result.append(view.ownerName + u'/' + view.workspace.name);
            return result;
        };
        QCOMPARE(names({}), (QStringList{u"amy/100%"_s, u"amy/api_server"_s, u"amy/Web"_s,
                                         u"Zed/apiXserver"_s, u"Zed/web"_s}));
        WorkspaceFilter filter;
        filter.ownerName = u"ZED"_s;
        QCOMPARE(names(filter), (QStringList{u"Zed/apiXserver"_s, u"Zed/web"_s}));
        QCOMPARE(must(m_store->countWorkspaces(filter), "count"), 2);
        filter = {};
        filter.ownerId = amy.id;
        QCOMPARE(names(filter).size(), 3);
        filter = {};
        filter.templateName = u"BETA"_s;
        QCOMPARE(names(filter), (QStringList{u"amy/api_server"_s, u"Zed/apiXserver"_s}));
        filter = {};
        filter.templateId = f.tmpl.id;
        QCOMPARE(names(filter).size(), 3);
        filter = {};
        filter.name = u"_"_s; // literal, not a wildcard
        QCOMPARE(names(filter), (QStringList{u"amy/api_server"_s}));
        filter.name = u"%"_s;
        QCOMPARE(names(filter), (QStringList{u"amy/100%"_s}));
        filter.name = u"WE"_s;
        QCOMPARE(names(filter), (QStringList{u"amy/Web"_s, u"Zed/web"_s}));
        filter = {};
        filter.limit = 2;
        filter.offset = 1;
        QCOMPARE(names(filter), (QStringList{u"amy/api_server"_s, u"amy/Web"_s}));
        QCOMPARE(must(m_store->countWorkspaces(filter), "count ignores paging"), 5);
        filter.offset = 4;
        QCOMPARE(names(filter), (QStringList{u"Zed/web"_s}));

        // The order follows a change of username: the copy the list sorts on (migration
        // 0003) is kept in step by a trigger, as no store call renames a user yet.
        QCOMPARE(column(u"UPDATE users SET username = 'Aaron' WHERE id = '"_s +
                        zed.id.toString(QUuid::WithoutBraces) + u"'"_s),
                 QVariantList{});
        filter = {};
        filter.limit = 3;
        QCOMPARE(names(filter),
                 (QStringList{u"Aaron/apiXserver"_s, u"Aaron/web"_s, u"amy/100%"_s}));

        // A listing carries what the API shows, not the build's payload.
        const WorkspaceView listed = must(m_store->listWorkspaces({}), "list").first();
        QCOMPARE(listed.templateName, u"beta"_s);
        QCOMPARE(listed.latestJob.status, job_status::succeeded);
        QCOMPARE(listed.latestBuild.buildNumber, 1);
        QVERIFY(!listed.latestBuild.id.isNull());
    }

    void autostopAndAutostartCandidates()
    {
        const Fixture f = fixture();
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
        auto started = [&](const QString &name, const QDateTime &deadline) {
            const WorkspaceView ws = workspace(f, name, f.owner);
            runBuild();
            if (deadline.isValid())
                must(m_store->updateWorkspaceBuildDeadline(ws.latestBuild.id, deadline, {}),
                     "deadline");
            return ws.workspace.id;
        };
        const QUuid due = started(u"due"_s, now.addSecs(-1));
        const QUuid exactly = started(u"exactly"_s, now);
        started(u"later"_s, now.addSecs(60));
        started(u"no-deadline"_s, {});
        const QUuid stopped = started(u"stopped"_s, now.addSecs(-60));
        build(stopped, transition::stop);
        runBuild();
        const QUuid building = started(u"building"_s, now.addSecs(-60));
        const WorkspaceBuild pendingStop = build(building, transition::stop);

        QList<QUuid> toStop;
        for (const WorkspaceView &view : must(m_store->workspacesToAutostop(now), "autostop"))
            toStop.append(view.workspace.id);
        QCOMPARE(QSet<QUuid>(toStop.begin(), toStop.end()), (QSet<QUuid>{due, exactly}));

        QVERIFY(must(m_store->workspacesWithAutostart(), "none").isEmpty());
        must(m_store->updateWorkspaceAutostart(stopped, u"CRON_TZ=UTC 0 9 * * *"_s), "schedule");
        must(m_store->updateWorkspaceAutostart(due, u"CRON_TZ=UTC 0 9 * * *"_s), "schedule");
        const auto toStart = must(m_store->workspacesWithAutostart(), "autostart");
        QCOMPARE(toStart.size(), 1);
        QCOMPARE(toStart[0].workspace.id, stopped);
        QCOMPARE(toStart[0].workspace.autostartSchedule, u"CRON_TZ=UTC 0 9 * * *"_s);
        QVERIFY(m_store->cancelProvisionerJob(pendingStop.jobId));
    }

    void updateWorkspaceSettings()
    {
        const Fixture f = fixture();
        const WorkspaceView dev = workspace(f, u"dev"_s, f.owner);
        runBuild();
        workspace(f, u"other"_s, f.owner);
        runBuild();
        const WorkspaceView renamed =
            must(m_store->updateWorkspaceName(dev.workspace.id, u"Zoë's \"box\""_s), "rename");
        QCOMPARE(renamed.workspace.name, u"Zoë's \"box\""_s);
        QVERIFY(renamed.workspace.updatedAt >= dev.workspace.updatedAt);
        QCOMPARE(must(m_store->workspaceByOwnerAndName(f.owner.id, u"Zoë's \"box\""_s), "n")
                     .workspace.id,
                 dev.workspace.id);
        auto clash = m_store->updateWorkspaceName(dev.workspace.id, u"OTHER"_s);
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, u"name"_s);
        QCOMPARE(
            must(m_store->updateWorkspaceTtl(dev.workspace.id, 7200'000), "ttl").workspace.ttlMs,
            7200'000);
        QCOMPARE(must(m_store->updateWorkspaceAutostart(dev.workspace.id, {}), "a")
                     .workspace.autostartSchedule,
                 QString());
        QCOMPARE(m_store->updateWorkspaceTtl(QUuid::createUuid(), 1).error().kind,
                 StoreError::NotFound);
        build(dev.workspace.id, transition::remove);
        runBuild();
        QCOMPARE(m_store->updateWorkspaceName(dev.workspace.id, u"again"_s).error().kind,
                 StoreError::NotFound);
    }

    void provisionerDaemons()
    {
        ProvisionerDaemon d;
        d.name = u"host-1 'built-in'"_s;
        d.provisioners = {u"process"_s, u"docker"_s};
        d.tags = {{u"scope"_s, u"organization"_s}};
        d.version = u"0.1.0"_s;
        const ProvisionerDaemon first = must(m_store->upsertProvisionerDaemon(d), "upsert");
        QVERIFY(!first.id.isNull());
        QCOMPARE(first.provisioners, d.provisioners);
        QCOMPARE(first.tags, d.tags);
        QVERIFY(first.lastSeenAt.isValid());
        // The same name reconnecting keeps its row.
        d.provisioners = {u"process"_s};
        d.tags = {};
        d.version = u"0.2.0"_s;
        const ProvisionerDaemon second = must(m_store->upsertProvisionerDaemon(d), "again");
        QCOMPARE(second.id, first.id);
        QCOMPARE(second.createdAt, first.createdAt);
        QCOMPARE(second.provisioners, QStringList{u"process"_s});
        QVERIFY(second.tags.isEmpty());
        QCOMPARE(second.version, u"0.2.0"_s);
        d.name = u"another"_s;
        must(m_store->upsertProvisionerDaemon(d), "another");
        const auto list = must(m_store->listProvisionerDaemons(), "list");
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].name, u"another"_s);
        const QDateTime seen = QDateTime::fromMSecsSinceEpoch(1'900'000'000'000, Qt::UTC);
        QVERIFY(m_store->touchProvisionerDaemon(first.id, seen));
        QCOMPARE(must(m_store->listProvisionerDaemons(), "list")[1].lastSeenAt, seen);
        QCOMPARE(m_store->touchProvisionerDaemon(QUuid::createUuid(), seen).error().kind,
                 StoreError::NotFound);
    }

    void valuesRoundTripVerbatim()
    {
        const QString nasty =
            u"Robert'); DROP TABLE workspaces; -- \"x\" \\ ? $1 :name %s Zoë 日本語 🚀"_s;
        const Fixture f = fixture(u"o'neil \"quoted\" 🚀"_s);
        QCOMPARE(must(m_store->templateByName(kDefaultOrganization, f.tmpl.name), "t").id,
                 f.tmpl.id);
        Template changed = f.tmpl;
        changed.description = nasty;
        changed.icon = nasty;
        must(m_store->updateTemplate(changed), "update");
        QCOMPARE(must(m_store->templateById(f.tmpl.id), "t").description, nasty);

        const WorkspaceView ws = workspace(f, nasty, f.owner);
        QCOMPARE(ws.workspace.name, nasty);
        QCOMPARE(must(m_store->workspaceByOwnerAndName(f.owner.id, nasty), "ws").workspace.id,
                 ws.workspace.id);
        WorkspaceFilter filter;
        filter.name = u"'); drop"_s;
        QCOMPARE(must(m_store->listWorkspaces(filter), "list").size(), 1);

        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        WorkspaceResource resource =
            resourceWithAgent(nasty, QByteArray("\x00\x01'\\\xff", 5), {u"app"_s});
        resource.agents[0].environmentVariables = {{nasty, nasty}};
        resource.agents[0].startupScript = nasty;
        resource.agents[0].apps[0].command = nasty;
        const QByteArray state("\x00{'\"}\xff\\", 8);
        must(m_store->completeWorkspaceBuildJob(job.id, worker, state, {resource}), "complete");
        const auto stored = must(m_store->resourcesByJobIds({job.id}), "resources");
        QCOMPARE(stored[0].name, nasty);
        QCOMPARE(stored[0].agents[0].authTokenHash, QByteArray("\x00\x01'\\\xff", 5));
        QCOMPARE(stored[0].agents[0].environmentVariables.value(nasty).toString(), nasty);
        QCOMPARE(stored[0].agents[0].startupScript, nasty);
        QCOMPARE(stored[0].agents[0].apps[0].command, nasty);
        QCOMPARE(must(m_store->workspaceBuildByJobId(job.id), "b").provisionerState, state);

        const WorkspaceBuild next = build(ws.workspace.id, transition::stop);
        const ProvisionerJob failed =
            must(m_store->failProvisionerJob(next.jobId, {}, nasty, u"E_'\""_s, {}), "fail");
        QCOMPARE(failed.error, nasty);
        QCOMPARE(must(m_store->provisionerJobById(next.jobId), "j").error, nasty);
        QCOMPARE(must(m_store->provisionerJobById(next.jobId), "j").errorCode, u"E_'\""_s);
    }
};

QTEST_GUILESS_MAIN(TestProvisioningStore)
#include "test_provisioning_store.moc"
