#pragma once

#include "core/workspace_types.h"

#include <QList>
#include <QString>
#include <QUuid>
#include <optional>

// One message of the deployment-wide workspace feed, GET /api/v2/workspaces/watch-ws (our
// extension: Coder watches one workspace at a time). coderd writes it, the desktop app reads it.
namespace coder::core {

struct WorkspaceEvent
{
    // "snapshot": every workspace the user may see, at the start and after coderd lost track
    // (the client drops the rows not in it); "update": one workspace as it is now (new or
    // changed); "delete": one workspace gone, or no longer visible to the user.
    inline static const QString kSnapshot = QStringLiteral("snapshot");
    inline static const QString kUpdate = QStringLiteral("update");
    inline static const QString kDelete = QStringLiteral("delete");

    QString type;
    QList<Workspace> workspaces;        // snapshot
    std::optional<Workspace> workspace; // update
    QUuid workspaceId;                  // delete

    static auto jsonFields()
    {
        using E = WorkspaceEvent;
        return std::make_tuple(json::field("type", &E::type, json::Required),
                               json::field("workspaces", &E::workspaces, json::OmitEmpty),
                               json::field("workspace", &E::workspace, json::OmitEmpty),
                               json::field("workspace_id", &E::workspaceId, json::OmitEmpty));
    }
};

} // namespace coder::core
