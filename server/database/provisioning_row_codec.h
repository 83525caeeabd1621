#pragma once

#include "provisioning_models.h"
#include "store_error.h"

#include <QSqlQuery>
#include <QVariant>
#include <optional>

namespace coder::server {

// Rows of the provisioning tables (0002_provisioning.sql) to models and back, the same way for
// both backends; RowCodec's conventions (times in ms, "" for NOT NULL text, JSON as text).
class ProvisioningRowCodec
{
public:
    static const QString fileColumns;
    static const QString organizationColumns;
    static const QString templateColumns;
    static const QString templateVersionColumns;
    // input comes last: a workspace listing leaves it out (jobColumnsWithoutInput).
    static const QString jobColumns;
    static const QString jobColumnsWithoutInput;
    static const QString jobLogColumns;
    static const QString daemonColumns;
    static const QString workspaceColumns;
    // parameters and provisioner_state come last: a workspace listing leaves them out.
    static const QString buildColumns;
    static const QString buildColumnsWithoutPayload;
    static const QString resourceColumns;
    // An agent's definition, then its state (agentStateColumns); without auth_token_hash,
    // which is never read back. Only the state changes once the agent is written.
    static const QString agentColumns;
    static const QString agentStateColumns;
    static constexpr int agentColumnCount = 28; // in agentColumns
    static const QString agentLogColumns;
    static const QString appColumns;

    static constexpr int workspaceColumnCount = 11;
    static constexpr int templateVersionColumnCount = 13;
    static constexpr int buildColumnCount = 14;
    static constexpr int buildColumnCountWithoutPayload = 12;
    static constexpr int jobColumnCount = 18;
    static constexpr int jobColumnCountWithoutInput = 17;

    // Coder's job status: completed -> failed (error) | canceled (canceled_at) | succeeded;
    // otherwise canceling (canceled_at) | pending (not started) | running.
    static QString jobStatus(const ProvisionerJob &job);
    // The workspace status Coder derives from the latest build's job status and transition.
    static QString workspaceStatus(const QString &jobStatus, const QString &transition);

    static QString tagsJson(const QMap<QString, QString> &tags);
    static QString stringListJson(const QStringList &list);
    static QString arrayJson(const QJsonArray &array);
    static QVariant optionalBytes(const QByteArray &value); // empty: SQL NULL

    static File file(const QSqlQuery &query, int first = 0);
    static Organization organization(const QSqlQuery &query, int first = 0);
    static Template tmpl(const QSqlQuery &query, int first = 0);
    static TemplateVersion templateVersion(const QSqlQuery &query, int first = 0);
    // withInput: the row has the input column (jobColumns rather than jobColumnsWithoutInput).
    static ProvisionerJob job(const QSqlQuery &query, int first = 0, bool withInput = true);
    static ProvisionerJobLog jobLog(const QSqlQuery &query, int first = 0);
    static ProvisionerDaemon daemon(const QSqlQuery &query, int first = 0);
    static Workspace workspace(const QSqlQuery &query, int first = 0);
    static WorkspaceBuild build(const QSqlQuery &query, int first = 0, bool withPayload = true);
    static WorkspaceResource resource(const QSqlQuery &query, int first = 0);
    static WorkspaceAgent agent(const QSqlQuery &query, int first = 0);
    // Overwrites the state of a from agentStateColumns at first.
    static void agentState(WorkspaceAgent &a, const QSqlQuery &query, int first = 0);
    static AgentLog agentLog(const QSqlQuery &query, int first = 0);
    static WorkspaceApp app(const QSqlQuery &query, int first = 0);

    // The Conflict for a unique index of these tables named in a driver's first error line.
    static std::optional<StoreError> uniqueConflict(const QString &firstLine);
};

} // namespace coder::server
