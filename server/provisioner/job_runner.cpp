#include "job_runner.h"

#include "core/template_archive.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <atomic>

namespace coder::server {

Q_LOGGING_CATEGORY(lcJobs, "coder.provisionerd")

namespace {

// Heartbeats from a thread of its own (a QTimer in its event loop) while the job works, so a
// provisioner blocked in a long step still shows coderd that the job is alive, and flags a cancel
// (or a job taken away).
class Heartbeat
{
public:
    Heartbeat(JobSource &source, const QUuid &jobId, int intervalMs)
    {
        m_thread.setObjectName(QStringLiteral("heartbeat"));
        auto *timer = new QTimer;
        timer->setInterval(intervalMs);
        timer->moveToThread(&m_thread);
        QObject::connect(timer, &QTimer::timeout, timer, [this, &source, jobId] {
            auto canceled = source.heartbeat(jobId);
            if (!canceled)
                qCWarning(lcJobs) << "heartbeat of job" << jobId << "failed:" << canceled.error();
            else if (*canceled)
                m_canceled = true;
        });
        QObject::connect(&m_thread, &QThread::started, timer, qOverload<>(&QTimer::start));
        QObject::connect(&m_thread, &QThread::finished, timer, [timer, &source] {
            source.threadEnding();
            delete timer;
        });
        m_thread.start();
    }
    ~Heartbeat()
    {
        m_thread.quit();
        m_thread.wait(); // a heartbeat in flight ends first: it is waited for on the job's thread
    }
    bool canceled() const { return m_canceled; }

private:
    std::atomic<bool> m_canceled = false;
    QThread m_thread;
};

QList<ProvisionedResource> declaredResources(const core::TemplateManifest &manifest)
{
    QList<ProvisionedResource> resources;
    for (const core::TemplateResource &resource : manifest.resources) {
        ProvisionedResource declared{resource.name, resource.type, resource.persistent, {}};
        for (const core::TemplateAgent &agent : resource.agents)
            declared.agents.append({agent, {}});
        resources.append(declared);
    }
    return resources;
}

} // namespace

JobRunner::JobRunner(QHash<QString, Provisioner *> provisioners, Options options)
    : m_provisioners(std::move(provisioners)), m_options(std::move(options))
{}

void JobRunner::run(JobSource &source, const AcquiredJob &job) const
{
    QElapsedTimer elapsed;
    elapsed.start();
    Heartbeat heartbeat(source, job.jobId, m_options.heartbeatIntervalMs);
    JobContext context;
    // The stage of the last line logged: a failure is reported under the stage that failed.
    QString stage = QStringLiteral("Setting up");
    context.log = [&source, &job, &stage](const QString &level, const QString &lineStage,
                                          const QString &output) {
        stage = lineStage;
        if (auto sent = source.appendLogs(job.jobId, {{level, stage, output}}); !sent)
            qCWarning(lcJobs) << "could not send a log line of job" << job.jobId << ":"
                              << sent.error();
    };
    context.checkpoint = [&source, &job](const QByteArray &state) {
        if (auto sent = source.checkpoint(job.jobId, state); !sent)
            qCWarning(lcJobs) << "could not record the state of job" << job.jobId << ":"
                              << sent.error();
    };
    context.canceled = [&heartbeat] { return heartbeat.canceled(); };

    // Reports a failure; `logged`: the provisioner already logged its message.
    auto failWith = [&](const BuildFailure &failure, bool logged = false) {
        if (!logged)
            context.log(QStringLiteral("error"), stage, failure.message);
        if (auto sent = source.fail(job.jobId, failure); !sent)
            qCWarning(lcJobs) << "could not report the failure of job" << job.jobId << ":"
                              << sent.error();
    };

    QTemporaryDir unpacked(m_options.workDirectory + QStringLiteral("/template-XXXXXX"));
    if (!unpacked.isValid()) {
        failWith({QStringLiteral("cannot create a directory to unpack the template in %1: %2")
                      .arg(m_options.workDirectory, unpacked.errorString()),
                  job.priorState});
        return;
    }
    if (auto extracted = core::TemplateArchive::extract(job.templateArchive, unpacked.path());
        !extracted) {
        failWith({QStringLiteral("the template archive is invalid: %1").arg(extracted.error()),
                  job.priorState});
        return;
    }
    auto manifest = core::TemplateManifest::load(unpacked.path());
    if (!manifest) {
        failWith(
            {QStringLiteral("the template is invalid: %1").arg(manifest.error()), job.priorState});
        return;
    }
    Provisioner *provisioner = m_provisioners.value(job.provisioner);
    if (!provisioner) {
        failWith(
            {QStringLiteral("this provisioner daemon has no %1 provisioner").arg(job.provisioner),
             job.priorState});
        return;
    }
    if (manifest->provisioner != job.provisioner) {
        failWith({QStringLiteral("the template is for the %1 provisioner, the job for %2")
                      .arg(manifest->provisioner, job.provisioner),
                  job.priorState});
        return;
    }

    if (job.type == QLatin1String("template_version_import")) {
        auto imported = runImport(job, *manifest, *provisioner, context);
        if (!imported) {
            failWith(imported.error());
            return;
        }
        if (auto sent = source.completeImport(job.jobId, *imported); !sent)
            qCWarning(lcJobs) << "could not complete job" << job.jobId << ":" << sent.error();
    } else {
        bool applied = false;
        auto built = runBuild(job, *manifest, unpacked.path(), *provisioner, context, applied);
        if (!built) {
            failWith(built.error(), applied);
            return;
        }
        if (auto sent = source.completeBuild(job.jobId, *built); !sent)
            qCWarning(lcJobs) << "could not complete job" << job.jobId << ":" << sent.error();
    }
    qCInfo(lcJobs) << "job" << job.jobId << job.type << "done in" << elapsed.elapsed() << "ms";
}

core::Result<ImportResult, BuildFailure>
JobRunner::runImport(const AcquiredJob &job, const core::TemplateManifest &manifest,
                     Provisioner &provisioner, const JobContext &context)
{
    const QString stage = QStringLiteral("Parsing template");
    context.log(QStringLiteral("info"), stage,
                QStringLiteral("%1 parameters, %2 resources for the %3 provisioner")
                    .arg(manifest.parameters.size())
                    .arg(manifest.resources.size())
                    .arg(job.provisioner));
    if (const QString problem = provisioner.check(manifest); !problem.isEmpty())
        return BuildFailure{problem, {}};
    if (context.canceled())
        return BuildFailure{QStringLiteral("The job was canceled."), {}};
    return ImportResult{manifest.parameters, manifest.readme, declaredResources(manifest)};
}

core::Result<BuildResult, BuildFailure>
JobRunner::runBuild(const AcquiredJob &job, const core::TemplateManifest &manifest,
                    const QString &templateDirectory, Provisioner &provisioner,
                    const JobContext &context, bool &applied)
{
    QMap<QString, QString> variables{
        {QStringLiteral("workspace.name"), job.workspace.name},
        {QStringLiteral("workspace.owner"), job.workspace.ownerName},
        {QStringLiteral("workspace.id"), job.workspace.id.toString(QUuid::WithoutBraces)},
        {QStringLiteral("workspace.transition"), job.transition},
    };
    for (const core::WorkspaceBuildParameter &value : job.parameters)
        variables.insert(QStringLiteral("parameter.") + value.name, value.value);
    BuildRequest request;
    request.buildId = job.buildId;
    request.transition = job.transition;
    request.workspace = job.workspace;
    request.manifest = manifest.render(variables);
    request.templateDirectory = templateDirectory;
    request.parameters = job.parameters;
    request.priorState = job.priorState;
    if (const QString problem = provisioner.check(request.manifest); !problem.isEmpty())
        return BuildFailure{problem, job.priorState};
    applied = true; // the provisioner logs its own failures
    return provisioner.apply(request, context);
}

} // namespace coder::server
