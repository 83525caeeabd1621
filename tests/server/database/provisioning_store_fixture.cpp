#include "provisioning_store_fixture.h"

#include "server/database/store.h"

#include <QCryptographicHash>
#include <QSqlQuery>

using namespace coder::server;
using namespace Qt::StringLiterals;

namespace coder::test {

const QUuid kDefaultOrganization = QUuid::fromString(u"c0de0000-0000-4000-8000-000000000001"_s);

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

ProvisionerJob importJob(const QString &provisioner, const QMap<QString, QString> &tags)
{
    ProvisionerJob job;
    job.provisioner = provisioner;
    job.type = job_type::templateVersionImport;
    job.tags = tags;
    return job;
}

JobAcquireRequest daemon(const QUuid &worker, const QStringList &provisioners,
                         const QMap<QString, QString> &tags)
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

DatabaseConfig ProvisioningStoreFixture::config() const
{
    return storeConfig(*m_dir, m_postgres.get());
}

QVariantList ProvisioningStoreFixture::column(const QString &sql)
{
    return firstColumn(*m_store, sql);
}

QByteArray ProvisioningStoreFixture::agentTokenHash(const QUuid &agentId)
{
    const QVariantList hashes =
        column(QStringLiteral("SELECT auth_token_hash FROM workspace_agents WHERE id = '%1'")
                   .arg(agentId.toString(QUuid::WithoutBraces)));
    return hashes.size() == 1 ? hashes[0].toByteArray() : QByteArray("(no such agent)");
}

qint64 ProvisioningStoreFixture::count(const QString &table)
{
    return column(u"SELECT count(*) FROM "_s + table).value(0).toLongLong();
}

User ProvisioningStoreFixture::user(const QString &username)
{
    User user;
    user.username = username;
    user.email = username + u"@example.com";
    return must(m_store->users().insert(user), "insertUser");
}

File ProvisioningStoreFixture::file(const QByteArray &data)
{
    File file;
    file.hash = sha256Hex(data);
    file.mimetype = u"application/x-tar"_s;
    file.data = data;
    return must(m_store->templates().insertFile(file), "insertFile");
}

ProvisionerJob ProvisioningStoreFixture::acquire(const QUuid &worker)
{
    auto job = must(m_store->jobs().acquire(daemon(worker)), "acquire");
    if (!job)
        throw std::runtime_error("no pending job to acquire");
    return *job;
}

TemplateVersion ProvisioningStoreFixture::importedVersion(const QString &name, const QUuid &fileId,
                                                          const QUuid &templateId)
{
    TemplateVersion version;
    version.name = name;
    version.fileId = fileId;
    version.templateId = templateId;
    version = must(m_store->templates().insertVersion(version, importJob()), "insertVersion");
    const QUuid worker = QUuid::createUuid();
    const ProvisionerJob job = acquire(worker);
    if (job.id != version.jobId)
        throw std::runtime_error("acquired another job than the version's import");
    must(m_store->templates().completeImportJob(job.id, worker, {}, {}, {}), "completeImport");
    return must(m_store->templates().versionById(version.id), "templateVersionById");
}

ProvisioningStoreFixture::Fixture ProvisioningStoreFixture::fixture(const QString &templateName)
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
    f.tmpl = must(m_store->templates().insert(tmpl, f.version.id), "insertTemplate");
    return f;
}

WorkspaceView ProvisioningStoreFixture::workspace(const Fixture &f, const QString &name,
                                                  const User &owner)
{
    Workspace workspace;
    workspace.ownerId = owner.id;
    workspace.templateId = f.tmpl.id;
    workspace.name = name;
    WorkspaceBuild build;
    build.transition = transition::start;
    return must(m_store->workspaces().insert(workspace, build, ProvisionerJob()),
                "insertWorkspace");
}

WorkspaceBuild ProvisioningStoreFixture::build(const QUuid &workspaceId, const QString &transition)
{
    WorkspaceBuild build;
    build.workspaceId = workspaceId;
    build.transition = transition;
    return must(m_store->workspaces().insertBuild(build, ProvisionerJob()), "insertWorkspaceBuild");
}

ProvisionerJob ProvisioningStoreFixture::runBuild(const QList<WorkspaceResource> &resources)
{
    const QUuid worker = QUuid::createUuid();
    const ProvisionerJob job = acquire(worker);
    return must(m_store->workspaces().completeBuildJob(job.id, worker, "state", resources),
                "completeWorkspaceBuildJob");
}

void ProvisioningStoreFixture::init()
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

void ProvisioningStoreFixture::cleanup()
{
    m_store.reset();
    m_postgres.reset();
    m_dir.reset();
}

} // namespace coder::test
