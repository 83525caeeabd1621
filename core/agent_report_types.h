#pragma once

#include "core/json_mapping.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

// What an agent reports about its workspace and coderd shows with the agent (Coder's metadata
// shapes, and our stream statistics), each with its one field list (json_mapping.h).
namespace coder::core {

using json::field;
using json::Required;

// What a metadata item measures, as the template declares it (Coder's
// WorkspaceAgentMetadataDescription).
struct WorkspaceAgentMetadataDescription
{
    QString displayName;
    QString key;
    QString script;
    qint64 interval = 10; // seconds
    qint64 timeout = 5;

    static auto jsonFields()
    {
        using D = WorkspaceAgentMetadataDescription;
        return std::make_tuple(field("display_name", &D::displayName),
                               field("key", &D::key, Required), field("script", &D::script),
                               field("interval", &D::interval), field("timeout", &D::timeout));
    }
};

// The latest value of a metadata item (Coder's WorkspaceAgentMetadataResult).
struct WorkspaceAgentMetadataResult
{
    QDateTime collectedAt;
    qint64 age = 0; // seconds since it was collected
    QString value;
    QString error;

    static auto jsonFields()
    {
        using R = WorkspaceAgentMetadataResult;
        return std::make_tuple(field("collected_at", &R::collectedAt), field("age", &R::age),
                               field("value", &R::value), field("error", &R::error));
    }
};

// One metadata item with its latest value (Coder's WorkspaceAgentMetadata).
struct WorkspaceAgentMetadata
{
    WorkspaceAgentMetadataResult result;
    WorkspaceAgentMetadataDescription description;

    static auto jsonFields()
    {
        return std::make_tuple(field("result", &WorkspaceAgentMetadata::result),
                               field("description", &WorkspaceAgentMetadata::description));
    }
};

// POST /workspaceagents/me/report-stats: the agent's streams (our shape; Coder's agent reports
// Tailscale connection counts instead).
struct AgentStats
{
    QJsonObject openStreams; // kind ("tcp", "udp", ...) -> streams open now
    qint64 bytesIn = 0;      // into the workspace, over the agent's life
    qint64 bytesOut = 0;

    static auto jsonFields()
    {
        return std::make_tuple(field("open_streams", &AgentStats::openStreams),
                               field("bytes_in", &AgentStats::bytesIn),
                               field("bytes_out", &AgentStats::bytesOut));
    }
};

} // namespace coder::core
