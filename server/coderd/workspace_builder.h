#pragma once

#include "core/template_manifest.h"
#include "domain_error.h"
#include "server/database/store.h"

namespace coder::server {

class ProvisionerJobServer;

// Creates workspaces and their builds, for the API and for the autostart/autostop scheduler:
// checks that the transition makes sense in the workspace's state, picks the template version,
// resolves the parameters against it, and inserts build and job together, then wakes the
// provisioner daemons. It decides; the actor's permissions were checked by its caller.
class WorkspaceBuilder
{
public:
    WorkspaceBuilder(Store &store, ProvisionerJobServer &jobs) : m_store(store), m_jobs(jobs) {}

    struct NewWorkspace
    {
        QUuid ownerId;
        QString name;
        QUuid templateId;        // one of these two
        QUuid templateVersionId; // (a version of a template)
        QString autostartSchedule;
        std::optional<qint64> ttlMs; // unset: the template's default
        QList<core::WorkspaceBuildParameter> parameters;
        QUuid initiatorId;
    };
    Outcome<WorkspaceView> createWorkspace(const NewWorkspace &request);

    struct NewBuild
    {
        QString transition;
        QUuid templateVersionId; // null: the version of the latest build
        QList<core::WorkspaceBuildParameter> parameters;
        QUuid initiatorId;
        QString reason = QStringLiteral("initiator");
    };
    Outcome<WorkspaceBuild> createBuild(const WorkspaceView &workspace, const NewBuild &request);

private:
    struct Version
    {
        TemplateVersion version;
        ProvisionerJob importJob;
        QList<core::TemplateVersionParameter> parameters;
    };
    Outcome<Version> importedVersion(const QUuid &versionId, const QString &field);
    static Outcome<QList<core::WorkspaceBuildParameter>>
    resolve(const Version &version, const QList<core::WorkspaceBuildParameter> &requested,
            const QList<core::WorkspaceBuildParameter> &previous, bool creating);
    static ProvisionerJob buildJob(const Version &version, const QUuid &initiator,
                                   const QUuid &buildId, const QUuid &workspaceId);

    Store &m_store;
    ProvisionerJobServer &m_jobs;
};

// Gone: the workspace was deleted.
DomainError workspaceGone(const QString &name, const QString &detail = {});

} // namespace coder::server
