// Workspaces and their builds in the Store contract (creation, build numbers and state,
// races, statuses, listing, autostart and autostop candidates, settings, values kept verbatim),
// built twice: test_workspace_store_sqlite and test_workspace_store_postgres
// (CODER_TEST_BACKEND_POSTGRES). Every test function gets a fresh database
// (ProvisioningStoreFixture).
#include "provisioning_store_fixture.h"
#include "server/database/provisioning_row_codec.h"

#include <QSet>
#include <QtTest>
#include <array>
#include <optional>

using namespace coder::server;
using namespace coder::test;
using namespace Qt::StringLiterals;

class TestWorkspaceStore : public ProvisioningStoreFixture
{
    Q_OBJECT

private Q_SLOTS:
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
            must(m_store->workspaces().insert(request, firstBuild, ProvisionerJob()), "insert");
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
            must(m_store->workspaces().byOwnerAndName(f.owner.id, u"DEV"_s), "byName");
        QCOMPARE(byName.workspace.id, view.workspace.id);
        QCOMPARE(byName.latestBuild.parameters, firstBuild.parameters);
        QCOMPARE(byName.workspace.createdAt, view.workspace.createdAt);
        QCOMPARE(m_store->workspaces().byOwnerAndName(QUuid::createUuid(), u"dev"_s).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->workspaces().byId(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);

        // A version of another template (here: of none) cannot build the workspace.
        WorkspaceBuild foreignBuild;
        foreignBuild.templateVersionId = loose.id;
        request.name = u"foreign"_s;
        auto foreign = m_store->workspaces().insert(request, foreignBuild, {});
        QCOMPARE(foreign.error().kind, StoreError::Conflict);
        QCOMPARE(foreign.error().field, u"template_version_id"_s);

        // The same name for the same owner, in any case: Conflict and nothing left behind.
        const qint64 jobs = count(u"provisioner_jobs"_s);
        request.name = u"dEV"_s;
        auto clash = m_store->workspaces().insert(request, {}, {});
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, u"name"_s);
        QCOMPARE(count(u"provisioner_jobs"_s), jobs);
        QCOMPARE(count(u"workspace_builds"_s), 1);
        QCOMPARE(count(u"workspaces"_s), 1);
        // Another owner may use it.
        const User other = user(u"other"_s);
        request.ownerId = other.id;
        QVERIFY(m_store->workspaces().insert(request, {}, {}));
        // A missing owner or template: NotFound, nothing left behind.
        request.ownerId = QUuid::createUuid();
        request.name = u"ghost"_s;
        QCOMPARE(m_store->workspaces().insert(request, {}, {}).error().kind, StoreError::NotFound);
        request.ownerId = f.owner.id;
        request.templateId = QUuid::createUuid();
        QCOMPARE(m_store->workspaces().insert(request, {}, {}).error().kind, StoreError::NotFound);
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
        auto busy = m_store->workspaces().insertBuild(stop, {});
        QCOMPARE(busy.error().kind, StoreError::Conflict);
        QCOMPARE(busy.error().field, u"build"_s);
        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        QCOMPARE(m_store->workspaces().insertBuild(stop, {}).error().field, u"build"_s);
        const QList<WorkspaceResource> resources = {
            resourceWithAgent(u"home"_s, {}, {}),
            resourceWithAgent(u"dev"_s, sha256Hex("token-1"), {u"code-server"_s, u"jupyter"_s}),
        };
        QVERIFY(m_store->workspaces().completeBuildJob(job.id, worker, "state-1", resources));
        WorkspaceBuild foreign = stop;
        foreign.templateVersionId = importedVersion(u"loose"_s, f.file.id).id;
        auto foreignVersion = m_store->workspaces().insertBuild(foreign, {});
        QCOMPARE(foreignVersion.error().kind, StoreError::Conflict);
        QCOMPARE(foreignVersion.error().field, u"template_version_id"_s);

        const WorkspaceBuild second = must(m_store->workspaces().insertBuild(stop, {}), "stop");
        QCOMPARE(second.buildNumber, 2);
        QCOMPARE(second.transition, transition::stop);
        QCOMPARE(second.templateVersionId, f.version.id);
        const WorkspaceBuild previous =
            must(m_store->workspaces().previousBuild(ws.workspace.id, second.buildNumber), "prev");
        QCOMPARE(previous.id, ws.latestBuild.id);
        QCOMPARE(previous.provisionerState, QByteArray("state-1"));
        QCOMPARE(m_store->workspaces().previousBuild(ws.workspace.id, 1).error().kind,
                 StoreError::NotFound);
        QCOMPARE(must(m_store->workspaces().buildById(second.id), "b").jobId, second.jobId);
        QCOMPARE(must(m_store->workspaces().buildByJobId(second.jobId), "b").id, second.id);
        QCOMPARE(m_store->workspaces().buildById(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        const auto builds = must(m_store->workspaces().listBuilds(ws.workspace.id, 0, 0), "list");
        QCOMPARE(builds.size(), 2);
        QCOMPARE(builds[0].buildNumber, 2);
        QCOMPARE(builds[1].buildNumber, 1);
        QCOMPARE(
            must(m_store->workspaces().listBuilds(ws.workspace.id, 1, 1), "page")[0].buildNumber,
            1);

        const QDateTime deadline = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
        const WorkspaceBuild bumped = must(m_store->workspaces().updateBuildDeadline(
                                               previous.id, deadline, deadline.addSecs(3600)),
                                           "deadline");
        QCOMPARE(bumped.deadline, deadline);
        QCOMPARE(bumped.maxDeadline, deadline.addSecs(3600));
        QCOMPARE(m_store->workspaces()
                     .updateBuildDeadline(QUuid::createUuid(), deadline, {})
                     .error()
                     .kind,
                 StoreError::NotFound);

        // Resources in the provisioner's order, with their agents and apps.
        const auto stored =
            must(m_store->jobs().resourcesByJobIds({job.id, second.jobId}), "resources");
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
        // The token's hash is stored, and never read back with the resources.
        QVERIFY(agent.authTokenHash.isEmpty());
        QCOMPARE(agentTokenHash(agent.id), sha256Hex("token-1"));
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
        QVERIFY(must(m_store->jobs().resourcesByJobIds({second.jobId}), "none").isEmpty());
        QVERIFY(must(m_store->jobs().resourcesByJobIds({}), "none").isEmpty());

        // Resources that cannot be stored fail the completion whole: the job stays running.
        const ProvisionerJob stopJob = acquire(worker);
        auto duplicateSlug = m_store->workspaces().completeBuildJob(
            stopJob.id, worker, "state-2",
            {resourceWithAgent(u"dev"_s, {}, {u"same"_s, u"same"_s})});
        QCOMPARE(duplicateSlug.error().kind, StoreError::Conflict);
        QCOMPARE(duplicateSlug.error().field, u"slug"_s);
        QCOMPARE(must(m_store->jobs().byId(stopJob.id), "j").status, job_status::running);
        QVERIFY(must(m_store->jobs().resourcesByJobIds({stopJob.id}), "none").isEmpty());
        auto reusedToken = m_store->workspaces().completeBuildJob(
            stopJob.id, worker, "state-2", {resourceWithAgent(u"x"_s, sha256Hex("token-1"), {})});
        QCOMPARE(reusedToken.error().field, u"auth_token_hash"_s);
        QVERIFY(m_store->workspaces().completeBuildJob(stopJob.id, worker, "state-2", {}));
        QCOMPARE(must(m_store->workspaces().buildById(second.id), "b").provisionerState,
                 QByteArray("state-2"));

        // A succeeded delete build deletes the workspace and frees its name.
        const WorkspaceBuild removal = build(ws.workspace.id, transition::remove);
        QCOMPARE(removal.buildNumber, 3);
        QVERIFY(!must(m_store->workspaces().byId(ws.workspace.id), "ws").workspace.deleted);
        runBuild();
        const WorkspaceView gone = must(m_store->workspaces().byId(ws.workspace.id), "deleted ws");
        QVERIFY(gone.workspace.deleted);
        QCOMPARE(gone.latestBuild.buildNumber, 3);
        QCOMPARE(m_store->workspaces().byOwnerAndName(f.owner.id, u"dev"_s).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->workspaces().insertBuild(stop, {}).error().kind, StoreError::NotFound);
        stop.workspaceId = QUuid::createUuid();
        QCOMPARE(m_store->workspaces().insertBuild(stop, {}).error().kind, StoreError::NotFound);
        QCOMPARE(m_store->workspaces().updateName(ws.workspace.id, u"x"_s).error().kind,
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
            results[i] = m_store->workspaces().insertBuild(build, {});
        });
        verifyOneWinner(results, u"build"_s);
        if (QTest::currentTestFailed())
            return;
        for (const auto &result : results) {
            if (*result)
                QCOMPARE((*result)->buildNumber, 2);
        }
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
            results[i] = m_store->workspaces().insert(request, {}, {});
        });
        verifyOneWinner(results, u"name"_s);
        if (QTest::currentTestFailed())
            return;
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
                QVERIFY(m_store->jobs().cancel(acquire(worker).id));
            } else if (c.status == u"canceled"_s) {
                QVERIFY(m_store->jobs().cancel(ws.latestJob.id));
            } else if (c.status == u"failed"_s) {
                QVERIFY(
                    m_store->workspaces().failJob(acquire(worker).id, worker, u"boom"_s, {}, {}));
            }
        }
        for (const Case &c : cases) {
            WorkspaceFilter filter;
            filter.status = c.status;
            const auto list = must(m_store->workspaces().list(filter), "listWorkspaces");
            QVERIFY2(list.size() == 1, qPrintable(c.status));
            QCOMPARE(list[0].workspace.id, ids.value(c.status));
            QCOMPARE(ProvisioningRowCodec::workspaceStatus(list[0].latestJob.status,
                                                           list[0].latestBuild.transition),
                     c.status);
            QCOMPARE(must(m_store->workspaces().count(filter), "count"), 1);
        }
        WorkspaceFilter unknown;
        unknown.status = u"exploded"_s;
        QVERIFY(must(m_store->workspaces().list(unknown), "unknown").isEmpty());
        QCOMPARE(must(m_store->workspaces().count({}), "all"), 9); // the deleted one is left out
        WorkspaceFilter withDeleted;
        withDeleted.includeDeleted = true;
        QCOMPARE(must(m_store->workspaces().count(withDeleted), "all"), 10);
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
            for (const WorkspaceView &view : must(m_store->workspaces().list(filter), "list"))
                result.append(view.ownerName + u'/' + view.workspace.name);
            return result;
        };
        QCOMPARE(names({}), (QStringList{u"amy/100%"_s, u"amy/api_server"_s, u"amy/Web"_s,
                                         u"Zed/apiXserver"_s, u"Zed/web"_s}));
        WorkspaceFilter filter;
        filter.ownerName = u"ZED"_s;
        QCOMPARE(names(filter), (QStringList{u"Zed/apiXserver"_s, u"Zed/web"_s}));
        QCOMPARE(must(m_store->workspaces().count(filter), "count"), 2);
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
        QCOMPARE(must(m_store->workspaces().count(filter), "count ignores paging"), 5);
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
        const WorkspaceView listed = must(m_store->workspaces().list({}), "list").first();
        QCOMPARE(listed.templateName, u"beta"_s);
        QCOMPARE(listed.latestJob.status, job_status::succeeded);
        QCOMPARE(listed.latestBuild.buildNumber, 1);
        QVERIFY(!listed.latestBuild.id.isNull());
    }

    // One resource without agents, one with two agents (apps on the first only): the
    // resources, agents and apps of a job come back whole and in the provisioner's order.
    void resourcesWithSeveralAgentsAndApps()
    {
        const Fixture f = fixture();
        workspace(f, u"many"_s, f.owner);
        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        WorkspaceResource volume;
        volume.type = u"volume"_s;
        volume.name = u"data"_s;
        WorkspaceResource machine = resourceWithAgent(u"vm"_s, sha256Hex("t-1"), {u"b"_s, u"a"_s});
        WorkspaceResource second = resourceWithAgent(u"vm2"_s, sha256Hex("t-2"), {});
        machine.agents.append(second.agents.first());
        must(m_store->workspaces().completeBuildJob(job.id, worker, "s", {volume, machine}),
             "complete");

        const auto stored = must(m_store->jobs().resourcesByJobIds({job.id}), "resources");
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].name, u"data"_s);
        QVERIFY(stored[0].agents.isEmpty());
        QCOMPARE(stored[1].name, u"vm"_s);
        QCOMPARE(stored[1].agents.size(), 2);
        QCOMPARE(stored[1].agents[0].name, u"vm-agent"_s);
        QCOMPARE(stored[1].agents[1].name, u"vm2-agent"_s);
        QCOMPARE(stored[1].agents[0].apps.size(), 2);
        QCOMPARE(stored[1].agents[0].apps[0].slug, u"b"_s);
        QCOMPARE(stored[1].agents[0].apps[1].slug, u"a"_s);
        QVERIFY(stored[1].agents[1].apps.isEmpty());
    }

    // Resources are kept once read (they never change), but their agents' state is read
    // fresh each time, and a job read before it had resources is read again.
    void resourcesKeptWithFreshAgentState()
    {
        const Fixture f = fixture();
        workspace(f, u"kept"_s, f.owner);
        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        QVERIFY(must(m_store->jobs().resourcesByJobIds({job.id}), "before completion").isEmpty());
        must(m_store->workspaces().completeBuildJob(
                 job.id, worker, "s", {resourceWithAgent(u"vm"_s, sha256Hex("t-k"), {u"a"_s})}),
             "complete");
        const auto first = must(m_store->jobs().resourcesByJobIds({job.id}), "first read");
        QCOMPARE(first.size(), 1);
        const WorkspaceAgent &agent = first[0].agents.at(0);
        QCOMPARE(agent.lifecycleState, u"created"_s);
        QVERIFY(!agent.lastConnectedAt.isValid());

        const qint64 connectedMs = 1'790'000'000'123;
        QCOMPARE(column(u"UPDATE workspace_agents SET lifecycle_state = 'ready', "
                        "first_connected_at = %1, last_connected_at = %1, updated_at = %1 "
                        "WHERE id = '%2'"_s.arg(connectedMs)
                            .arg(agent.id.toString(QUuid::WithoutBraces))),
                 QVariantList{});
        const auto second = must(m_store->jobs().resourcesByJobIds({job.id}), "second read");
        QCOMPARE(second.size(), 1);
        const WorkspaceAgent &fresh = second[0].agents.at(0);
        QCOMPARE(fresh.lifecycleState, u"ready"_s);
        QCOMPARE(fresh.firstConnectedAt.toMSecsSinceEpoch(), connectedMs);
        QCOMPARE(fresh.lastConnectedAt.toMSecsSinceEpoch(), connectedMs);
        QCOMPARE(fresh.updatedAt.toMSecsSinceEpoch(), connectedMs);
        QCOMPARE(fresh.name, agent.name);
        QCOMPARE(fresh.apps.size(), 1);
        // The first read's copy is the caller's own: the refresh did not write through it.
        QCOMPARE(first[0].agents.at(0).lifecycleState, u"created"_s);

        // A kept job and one read for the first time, in one call: both, in creation order.
        workspace(f, u"later"_s, f.owner);
        const ProvisionerJob later = acquire(worker);
        must(m_store->workspaces().completeBuildJob(
                 later.id, worker, "s", {resourceWithAgent(u"vm2"_s, sha256Hex("t-l"), {})}),
             "complete later");
        const auto both = must(m_store->jobs().resourcesByJobIds({later.id, job.id}), "both");
        QCOMPARE(both.size(), 2);
        QVERIFY(both[0].createdAt <= both[1].createdAt);
        QCOMPARE(QSet<QUuid>({both[0].jobId, both[1].jobId}), QSet<QUuid>({job.id, later.id}));
        const WorkspaceResource &kept = both[0].jobId == job.id ? both[0] : both[1];
        QCOMPARE(kept.agents.at(0).lifecycleState, u"ready"_s);
    }

    void autostopAndAutostartCandidates()
    {
        const Fixture f = fixture();
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
        auto started = [&](const QString &name, const QDateTime &deadline) {
            const WorkspaceView ws = workspace(f, name, f.owner);
            runBuild();
            if (deadline.isValid())
                must(m_store->workspaces().updateBuildDeadline(ws.latestBuild.id, deadline, {}),
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
        for (const WorkspaceView &view : must(m_store->workspaces().toAutostop(now), "autostop"))
            toStop.append(view.workspace.id);
        QCOMPARE(QSet<QUuid>(toStop.begin(), toStop.end()), (QSet<QUuid>{due, exactly}));

        QVERIFY(must(m_store->workspaces().withAutostart(), "none").isEmpty());
        must(m_store->workspaces().updateAutostart(stopped, u"CRON_TZ=UTC 0 9 * * *"_s),
             "schedule");
        must(m_store->workspaces().updateAutostart(due, u"CRON_TZ=UTC 0 9 * * *"_s), "schedule");
        const auto toStart = must(m_store->workspaces().withAutostart(), "autostart");
        QCOMPARE(toStart.size(), 1);
        QCOMPARE(toStart[0].workspace.id, stopped);
        QCOMPARE(toStart[0].workspace.autostartSchedule, u"CRON_TZ=UTC 0 9 * * *"_s);
        QVERIFY(m_store->jobs().cancel(pendingStop.jobId));
    }

    void updateWorkspaceSettings()
    {
        const Fixture f = fixture();
        const WorkspaceView dev = workspace(f, u"dev"_s, f.owner);
        runBuild();
        workspace(f, u"other"_s, f.owner);
        runBuild();
        const WorkspaceView renamed =
            must(m_store->workspaces().updateName(dev.workspace.id, u"Zoë's \"box\""_s), "rename");
        QCOMPARE(renamed.workspace.name, u"Zoë's \"box\""_s);
        QVERIFY(renamed.workspace.updatedAt >= dev.workspace.updatedAt);
        QCOMPARE(must(m_store->workspaces().byOwnerAndName(f.owner.id, u"Zoë's \"box\""_s), "n")
                     .workspace.id,
                 dev.workspace.id);
        auto clash = m_store->workspaces().updateName(dev.workspace.id, u"OTHER"_s);
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, u"name"_s);
        QCOMPARE(must(m_store->workspaces().updateTtl(dev.workspace.id, 7200'000), "ttl")
                     .workspace.ttlMs,
                 7200'000);
        QCOMPARE(must(m_store->workspaces().updateAutostart(dev.workspace.id, {}), "a")
                     .workspace.autostartSchedule,
                 QString());
        QCOMPARE(m_store->workspaces().updateTtl(QUuid::createUuid(), 1).error().kind,
                 StoreError::NotFound);
        build(dev.workspace.id, transition::remove);
        runBuild();
        QCOMPARE(m_store->workspaces().updateName(dev.workspace.id, u"again"_s).error().kind,
                 StoreError::NotFound);
    }

    void valuesRoundTripVerbatim()
    {
        const QString nasty =
            u"Robert'); DROP TABLE workspaces; -- \"x\" \\ ? $1 :name %s Zoë 日本語 🚀"_s;
        const Fixture f = fixture(u"o'neil \"quoted\" 🚀"_s);
        QCOMPARE(must(m_store->templates().byName(kDefaultOrganization, f.tmpl.name), "t").id,
                 f.tmpl.id);
        Template changed = f.tmpl;
        changed.description = nasty;
        changed.icon = nasty;
        must(m_store->templates().update(changed), "update");
        QCOMPARE(must(m_store->templates().byId(f.tmpl.id), "t").description, nasty);

        const WorkspaceView ws = workspace(f, nasty, f.owner);
        QCOMPARE(ws.workspace.name, nasty);
        QCOMPARE(must(m_store->workspaces().byOwnerAndName(f.owner.id, nasty), "ws").workspace.id,
                 ws.workspace.id);
        WorkspaceFilter filter;
        filter.name = u"'); drop"_s;
        QCOMPARE(must(m_store->workspaces().list(filter), "list").size(), 1);

        const QUuid worker = QUuid::createUuid();
        const ProvisionerJob job = acquire(worker);
        WorkspaceResource resource =
            resourceWithAgent(nasty, QByteArray("\x00\x01'\\\xff", 5), {u"app"_s});
        resource.agents[0].environmentVariables = {{nasty, nasty}};
        resource.agents[0].startupScript = nasty;
        resource.agents[0].apps[0].command = nasty;
        const QByteArray state("\x00{'\"}\xff\\", 8);
        must(m_store->workspaces().completeBuildJob(job.id, worker, state, {resource}), "complete");
        const auto stored = must(m_store->jobs().resourcesByJobIds({job.id}), "resources");
        QCOMPARE(stored[0].name, nasty);
        QCOMPARE(agentTokenHash(stored[0].agents[0].id), QByteArray("\x00\x01'\\\xff", 5));
        QCOMPARE(stored[0].agents[0].environmentVariables.value(nasty).toString(), nasty);
        QCOMPARE(stored[0].agents[0].startupScript, nasty);
        QCOMPARE(stored[0].agents[0].apps[0].command, nasty);
        QCOMPARE(must(m_store->workspaces().buildByJobId(job.id), "b").provisionerState, state);

        const WorkspaceBuild next = build(ws.workspace.id, transition::stop);
        const ProvisionerJob failed =
            must(m_store->workspaces().failJob(next.jobId, {}, nasty, u"E_'\""_s, {}), "fail");
        QCOMPARE(failed.error, nasty);
        QCOMPARE(must(m_store->jobs().byId(next.jobId), "j").error, nasty);
        QCOMPARE(must(m_store->jobs().byId(next.jobId), "j").errorCode, u"E_'\""_s);
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceStore)
#include "test_workspace_store.moc"
