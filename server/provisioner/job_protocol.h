#pragma once

#include "core/result.h"
#include "provisioner.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QUuid>
#include <functional>

namespace coder::server {

// What passes between coderd and a provisioner daemon, in-process (built-in daemons) or as JSON
// over the daemon WebSocket (external ones). Binary fields travel base64-encoded.

// A job as handed to the daemon that acquired it.
struct AcquiredJob
{
    QUuid jobId;
    QString type;        // template_version_import | workspace_build
    QString provisioner; // process | docker
    QByteArray templateArchive;
    // workspace_build only:
    QUuid buildId;
    QString transition;
    WorkspaceInfo workspace;
    QList<core::WorkspaceBuildParameter> parameters;
    QByteArray priorState;

    QJsonObject toJson() const;
    static core::Result<AcquiredJob, QString> fromJson(const QJsonObject &json);
};

// What a succeeded import reports: the template's parameters and the resources it declares.
struct ImportResult
{
    QList<core::TemplateVersionParameter> parameters;
    QString readme;
    QList<ProvisionedResource> resources; // agents without tokens

    QJsonObject toJson() const;
    static core::Result<ImportResult, QString> fromJson(const QJsonObject &json);
};

struct JobLogLine
{
    QString level = QStringLiteral("info");
    QString stage;
    QString output;
};

QJsonObject buildResultToJson(const BuildResult &result);
core::Result<BuildResult, QString> buildResultFromJson(const QJsonObject &json);
QJsonObject buildFailureToJson(const BuildFailure &failure);
BuildFailure buildFailureFromJson(const QJsonObject &json);
QJsonObject resourceToJson(const ProvisionedResource &resource);
core::Result<ProvisionedResource, QString> resourceFromJson(const QJsonObject &json);
QJsonObject logLineToJson(const JobLogLine &line);
JobLogLine logLineFromJson(const QJsonObject &json);
QJsonObject tagsToJson(const QMap<QString, QString> &tags);
QMap<QString, QString> tagsFromJson(const QJsonObject &json);

// The daemon's view of coderd. Every call blocks and may be made from any daemon or job thread
// (never from a thread that serves sockets). Errors are messages fit for the daemon's log
// (coderd unreachable, job no longer ours, ...).
class JobSource
{
public:
    virtual ~JobSource() = default;

    // A job this daemon may run, waiting up to waitMs for one to come (0: just look);
    // std::nullopt when none came.
    virtual core::Result<std::optional<AcquiredJob>, QString> acquire(int waitMs) = 0;
    // Has wake called, from any thread, whenever a job may have been posted, so that an idle
    // daemon looks at once (a source without such news relies on acquire's wait). Several
    // wakes may be registered.
    virtual void onJobPosted(std::function<void()> wake) { Q_UNUSED(wake) }
    // A sign of life; returns true when the job was canceled and should stop.
    virtual core::Result<bool, QString> heartbeat(const QUuid &jobId) = 0;
    virtual core::Result<core::Ok, QString> appendLogs(const QUuid &jobId,
                                                       const QList<JobLogLine> &logs) = 0;
    virtual core::Result<core::Ok, QString> checkpoint(const QUuid &jobId,
                                                       const QByteArray &state) = 0;
    virtual core::Result<core::Ok, QString> completeImport(const QUuid &jobId,
                                                           const ImportResult &result) = 0;
    virtual core::Result<core::Ok, QString> completeBuild(const QUuid &jobId,
                                                          const BuildResult &result) = 0;
    virtual core::Result<core::Ok, QString> fail(const QUuid &jobId,
                                                 const BuildFailure &failure) = 0;
    // Ends a waiting acquire() at once, so the daemon can stop.
    virtual void interrupt() = 0;
    // Called on a thread that used this source, just before that thread ends.
    virtual void threadEnding() {}
};

} // namespace coder::server
