// Organizations, files, templates and their versions: the provisioning part of the Store
// contract before any workspace exists, built twice: test_provisioning_store_sqlite and
// test_provisioning_store_postgres (CODER_TEST_BACKEND_POSTGRES). Every test function gets a
// fresh database (ProvisioningStoreFixture).
#include "provisioning_store_fixture.h"

#include <QtTest>

using namespace coder::server;
using namespace coder::test;
using namespace Qt::StringLiterals;

class TestProvisioningStore : public ProvisioningStoreFixture
{
    Q_OBJECT

private Q_SLOTS:
    void defaultOrganizationAndFiles()
    {
        const Organization coder =
            must(m_store->templates().defaultOrganization(), "defaultOrganization");
        QCOMPARE(coder.id, kDefaultOrganization);
        QCOMPARE(coder.name, u"coder"_s);
        QCOMPARE(coder.displayName, u"Coder"_s);
        QVERIFY(coder.isDefault);
        QVERIFY(coder.createdAt.isValid());
        QCOMPARE(must(m_store->templates().organizationByName(u"CoDeR"_s), "byName").id, coder.id);
        QCOMPARE(must(m_store->templates().organizationById(coder.id), "byId").name, u"coder"_s);
        QCOMPARE(m_store->templates().organizationById(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        QCOMPARE(m_store->templates().organizationByName(u"other"_s).error().kind,
                 StoreError::NotFound);

        const QByteArray data("\x00\x01tar\xff'\"", 9);
        const User uploader = user(u"uploader"_s);
        File upload;
        upload.hash = sha256Hex(data);
        upload.mimetype = u"application/x-tar"_s;
        upload.data = data;
        upload.createdBy = uploader.id;
        const File first = must(m_store->templates().insertFile(upload), "insertFile");
        QVERIFY(!first.id.isNull());
        QCOMPARE(first.data, data);
        QCOMPARE(first.hash, sha256Hex(data));
        QCOMPARE(first.createdBy, uploader.id);
        // The same bytes again: the first row, no error, no second row.
        upload.id = QUuid::createUuid();
        upload.mimetype = u"application/octet-stream"_s;
        const File again = must(m_store->templates().insertFile(upload), "insertFile again");
        QCOMPARE(again.id, first.id);
        QCOMPARE(again.mimetype, u"application/x-tar"_s);
        QCOMPARE(count(u"files"_s), 1);
        const File found = must(m_store->templates().fileById(first.id), "fileById");
        QCOMPARE(found.data, data);
        QCOMPARE(found.mimetype, first.mimetype);
        QCOMPARE(found.createdAt, first.createdAt);
        QCOMPARE(m_store->templates().fileById(QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        // Another file with a taken id is a conflict on the id.
        File clash = upload;
        clash.id = first.id;
        clash.data = "other bytes";
        clash.hash = sha256Hex(clash.data);
        QCOMPARE(m_store->templates().insertFile(clash).error().field, u"id"_s);
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
            must(m_store->templates().insertVersion(draft, importJob()), "insertTemplateVersion");
        QVERIFY(version.templateId.isNull());
        QCOMPARE(version.organizationId, kDefaultOrganization);
        const ProvisionerJob pending = must(m_store->jobs().byId(version.jobId), "job");
        QCOMPARE(pending.status, job_status::pending);
        QCOMPARE(pending.type, job_type::templateVersionImport);
        QCOMPARE(pending.fileId, archive.id);
        QCOMPARE(pending.initiatorId, admin.id);
        QCOMPARE(pending.input.value(u"template_version_id"_s).toString(),
                 version.id.toString(QUuid::WithoutBraces));
        QCOMPARE(must(m_store->templates().versionByJobId(version.jobId), "byJob").id, version.id);

        // A template cannot be made from a version whose import has not run... it can: Coder
        // creates the template right after the import succeeded, the store only ties them.
        const QUuid worker = QUuid::createUuid();
        QCOMPARE(acquire(worker).id, version.jobId);
        const QJsonArray parameters{QJsonObject{{u"name"_s, u"cpu"_s}, {u"type"_s, u"number"_s}}};
        const ProvisionerJob done = must(
            m_store->templates().completeImportJob(version.jobId, worker, parameters, u"# Readme"_s,
                                                   {resourceWithAgent(u"dev"_s, {}, {u"code"_s})}),
            "completeTemplateImportJob");
        QCOMPARE(done.status, job_status::succeeded);
        QVERIFY(done.completedAt.isValid());
        const TemplateVersion imported = must(m_store->templates().versionById(version.id), "byId");
        QCOMPARE(imported.parameters, parameters);
        QCOMPARE(imported.readme, u"# Readme"_s);
        const auto importResources =
            must(m_store->jobs().resourcesByJobIds({version.jobId}), "resources of import");
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
        const Template created =
            must(m_store->templates().insert(tmpl, version.id), "insertTemplate");
        QCOMPARE(created.organizationId, kDefaultOrganization);
        QCOMPARE(created.activeVersionId, version.id);
        QCOMPARE(must(m_store->templates().versionById(version.id), "v").templateId, created.id);

        for (const auto &found : {m_store->templates().byId(created.id),
                                  m_store->templates().byName(kDefaultOrganization, u"dOcKeR"_s)}) {
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
        QCOMPARE(m_store->templates().byId(QUuid::createUuid()).error().kind, StoreError::NotFound);

        // Names are unique per organization, case-insensitively; a version belongs to one
        // template.
        const TemplateVersion second = importedVersion(u"second"_s, archive.id);
        tmpl.name = u"DOCKER"_s;
        auto clash = m_store->templates().insert(tmpl, second.id);
        QCOMPARE(clash.error().kind, StoreError::Conflict);
        QCOMPARE(clash.error().field, u"name"_s);
        QVERIFY(must(m_store->templates().versionById(second.id), "v").templateId.isNull());
        tmpl.name = u"other"_s;
        auto taken = m_store->templates().insert(tmpl, version.id);
        QCOMPARE(taken.error().kind, StoreError::Conflict);
        QCOMPARE(taken.error().field, u"template_version_id"_s);
        QCOMPARE(m_store->templates().insert(tmpl, QUuid::createUuid()).error().kind,
                 StoreError::NotFound);
        const Template other = must(m_store->templates().insert(tmpl, second.id), "other");
        QCOMPARE(count(u"templates"_s), 2);

        auto list = must(m_store->templates().list(kDefaultOrganization), "listTemplates");
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].name, u"Docker"_s);
        QCOMPARE(list[1].name, u"other"_s);
        QCOMPARE(must(m_store->templates().list({}), "all").size(), 2);
        QCOMPARE(must(m_store->templates().list(QUuid::createUuid()), "none").size(), 0);

        // Versions of a template: names unique per template, case-insensitively.
        TemplateVersion next;
        next.name = u"BRAVE-HOPPER"_s;
        next.templateId = created.id;
        next.fileId = archive.id;
        auto sameName = m_store->templates().insertVersion(next, importJob());
        QCOMPARE(sameName.error().kind, StoreError::Conflict);
        QCOMPARE(sameName.error().field, u"name"_s);
        QCOMPARE(count(u"provisioner_jobs"_s), 2); // the failed insert left no job behind
        next.templateId = other.id;
        QVERIFY(m_store->templates().insertVersion(next, importJob())); // another template: fine
        next.templateId = created.id;
        next.name = u"v2"_s;
        const TemplateVersion v2 =
            must(m_store->templates().insertVersion(next, importJob()), "v2");
        QCOMPARE(must(m_store->templates().versionByName(created.id, u"V2"_s), "byName").id, v2.id);
        QCOMPARE(m_store->templates().versionByName(created.id, u"v3"_s).error().kind,
                 StoreError::NotFound);
        const auto versions = must(m_store->templates().listVersions(created.id), "list versions");
        QCOMPARE(versions.size(), 2);
        QCOMPARE(versions[0].id, version.id);
        QCOMPARE(versions[1].id, v2.id);

        // Only a succeeded version of the template itself can become active.
        auto notImported = m_store->templates().updateActiveVersion(created.id, v2.id);
        QCOMPARE(notImported.error().kind, StoreError::Conflict);
        QCOMPARE(notImported.error().field, u"template_version_id"_s);
        auto foreign = m_store->templates().updateActiveVersion(created.id, second.id);
        QCOMPARE(foreign.error().kind, StoreError::Conflict);
        QCOMPARE(
            m_store->templates().updateActiveVersion(created.id, QUuid::createUuid()).error().kind,
            StoreError::NotFound);
        QCOMPARE(m_store->templates().updateActiveVersion(QUuid::createUuid(), v2.id).error().kind,
                 StoreError::NotFound);
        // Two pending imports now (v2 and the other template's): run both.
        for (int i = 0; i < 2; ++i) {
            const QUuid w = QUuid::createUuid();
            const ProvisionerJob job = acquire(w);
            must(m_store->templates().completeImportJob(job.id, w, {}, {}, {}), "complete");
        }
        const Template switched =
            must(m_store->templates().updateActiveVersion(created.id, v2.id), "switch");
        QCOMPARE(switched.activeVersionId, v2.id);
        QVERIFY(switched.updatedAt >= created.updatedAt);

        Template changes = switched;
        changes.name = u"docker-v2"_s;
        changes.description = u"Zoë's \"containers\""_s;
        changes.defaultTtlMs = 0;
        changes.allowUserAutostop = false;
        const Template updated = must(m_store->templates().update(changes), "updateTemplate");
        QCOMPARE(updated.name, u"docker-v2"_s);
        QCOMPARE(updated.description, changes.description);
        QCOMPARE(updated.defaultTtlMs, 0);
        QVERIFY(!updated.allowUserAutostop);
        QCOMPARE(updated.activeVersionId, v2.id);
        changes.name = u"OTHER"_s;
        QCOMPARE(m_store->templates().update(changes).error().field, u"name"_s);
        changes.id = QUuid::createUuid();
        QCOMPARE(m_store->templates().update(changes).error().kind, StoreError::NotFound);
    }

    void deleteTemplateWhileUsed()
    {
        const Fixture f = fixture();
        const WorkspaceView ws = workspace(f, u"dev"_s, f.owner);
        auto refused = m_store->templates().remove(f.tmpl.id);
        QCOMPARE(refused.error().kind, StoreError::Conflict);
        QCOMPARE(refused.error().field, u"workspaces"_s);

        runBuild();
        build(ws.workspace.id, transition::remove);
        runBuild();
        QVERIFY(must(m_store->workspaces().byId(ws.workspace.id), "ws").workspace.deleted);

        QVERIFY(m_store->templates().remove(f.tmpl.id));
        QCOMPARE(m_store->templates().byId(f.tmpl.id).error().kind, StoreError::NotFound);
        QCOMPARE(must(m_store->templates().list({}), "list").size(), 0);
        QCOMPARE(m_store->templates().remove(f.tmpl.id).error().kind, StoreError::NotFound);
        // The deleted workspace still shows its template; a new template may take the name.
        QCOMPARE(must(m_store->workspaces().byId(ws.workspace.id), "ws").templateName, f.tmpl.name);
        const TemplateVersion version = importedVersion(u"v1"_s, f.file.id);
        Template again = f.tmpl;
        again.id = QUuid();
        QVERIFY(m_store->templates().insert(again, version.id));
        // No workspace can be made from a deleted template.
        Workspace orphan;
        orphan.ownerId = f.owner.id;
        orphan.templateId = f.tmpl.id;
        orphan.name = u"orphan"_s;
        QCOMPARE(m_store->workspaces().insert(orphan, {}, {}).error().kind, StoreError::NotFound);
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
        const auto counts = must(
            m_store->workspaces().ownerCountsByTemplate({f.tmpl.id, g.tmpl.id, unknown}), "counts");
        QCOMPARE(counts.value(f.tmpl.id), 2);
        QCOMPARE(counts.value(g.tmpl.id), 0);
        QVERIFY(counts.contains(unknown));
        QCOMPARE(counts.size(), 3);
        QVERIFY(must(m_store->workspaces().ownerCountsByTemplate({}), "empty").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProvisioningStore)
#include "test_provisioning_store.moc"
