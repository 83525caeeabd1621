#pragma once

#include "core/result.h"
#include "core/template_manifest.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUuid>
#include <functional>

namespace coder::server {

// What a provisioner is told about the workspace it builds.
struct WorkspaceInfo
{
    QUuid id;
    QString name;
    QUuid ownerId;
    QString ownerName;
    QString accessUrl; // coderd's URL, for the agent (CODER_AGENT_URL)
};

struct BuildRequest
{
    QUuid buildId;
    QString transition; // start | stop | delete
    WorkspaceInfo workspace;
    core::TemplateManifest manifest; // already rendered with the build's parameters
    QString templateDirectory; // the extracted template archive (read-only for the provisioner)
    QList<core::WorkspaceBuildParameter> parameters;
    QByteArray priorState; // what the previous build reported; empty for the first build
};

struct ProvisionedAgent
{
    core::TemplateAgent spec;
    QString token; // the agent's secret, made by the provisioner; coderd stores only its hash
};

struct ProvisionedResource
{
    QString name;
    QString type;
    bool persistent = false;
    QList<ProvisionedAgent> agents;
};

struct BuildResult
{
    QByteArray state; // opaque to coderd; handed back as the next build's priorState
    QList<ProvisionedResource> resources;
};

struct BuildFailure
{
    QString message;
    QByteArray state; // what exists despite the failure (empty: nothing)
};

// How a running job talks back. Every function is safe to call from the job's thread.
struct JobContext
{
    // level: trace|debug|info|warn|error; stage: what the job is doing ("Starting workspace").
    std::function<void(const QString &level, const QString &stage, const QString &output)> log;
    // Records what exists so far, before the job ends: a daemon killed mid-build leaves this
    // for the next stop/delete.
    std::function<void(const QByteArray &state)> checkpoint;
    // True once the job was canceled; the provisioner stops as soon as it safely can and fails
    // with the state of what exists.
    std::function<bool()> canceled;
};

// A way of creating workspaces. apply() blocks: each job runs in its own thread.
class Provisioner
{
public:
    virtual ~Provisioner() = default;
    virtual QString name() const = 0; // "process" | "docker"

    // Checks that the manifest can be built by this provisioner (resource types, images...).
    // Empty when it can; otherwise a message fit for the template's author.
    virtual QString check(const core::TemplateManifest &manifest) const = 0;

    // start: creates what the manifest declares (persistent resources kept from priorState);
    // stop: removes the ephemeral resources; delete: removes everything in priorState.
    virtual core::Result<BuildResult, BuildFailure> apply(const BuildRequest &request,
                                                          const JobContext &context) = 0;
};

} // namespace coder::server
