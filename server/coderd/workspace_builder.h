#pragma once

#include "core/api_error.h"
#include "core/result.h"
#include "server/database/store.h"
#include "server/provisioner/template_manifest.h"

namespace coder::server {

class ProvisionerJobServer;

// Creates workspaces and their builds, for the API and for the autostart/autostop scheduler:
// checks that the transition makes sense in the workspace's state, picks the template version,
// resolves the parameters against it, and inserts build and job together, then wakes the
// provisioner daemons. Errors are the API's (400 with validations, 409, 410).
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
        QList<ParameterValue> parameters;
        QUuid initiatorId;
    };
    core::Result<WorkspaceView, core::ApiError> createWorkspace(const NewWorkspace &request);

    struct NewBuild
    {
        QString transition;
        QUuid templateVersionId; // null: the version of the latest build
        QList<ParameterValue> parameters;
        QUuid initiatorId;
        QString reason = QStringLiteral("initiator");
    };
    core::Result<WorkspaceBuild, core::ApiError> createBuild(const WorkspaceView &workspace,
                                                             const NewBuild &request);

private:
    struct Version
    {
        TemplateVersion version;
        ProvisionerJob importJob;
        QList<TemplateParameter> parameters;
    };
    core::Result<Version, core::ApiError> importedVersion(const QUuid &versionId,
                                                          const QString &field);
    static core::Result<QList<ParameterValue>, core::ApiError>
    resolve(const Version &version, const QList<ParameterValue> &requested,
            const QList<ParameterValue> &previous, bool creating);
    static ProvisionerJob buildJob(const Version &version, const QUuid &initiator,
                                   const QUuid &buildId, const QUuid &workspaceId);

    Store &m_store;
    ProvisionerJobServer &m_jobs;
};

class JsonBody;

// 410 Gone: the workspace was deleted.
core::ApiError workspaceGone(const QString &name, const QString &detail = {});

QJsonArray parameterValuesToJson(const QList<ParameterValue> &values);
// Reads "rich_parameter_values": [{"name", "value"}] (strings) from a request; problems are
// recorded in body.
QList<ParameterValue> readParameterValues(JsonBody &body);
QList<ParameterValue> parameterValuesFromJson(const QJsonArray &array);

} // namespace coder::server
