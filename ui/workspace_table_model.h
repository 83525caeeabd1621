#pragma once

#include "core/workspace_types.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QTimer>
#include <QUuid>
#include <functional>

namespace coder::ui {

// The dashboard's workspaces as a table, one row per workspace: name, owner, template, status
// (text, colour and icon), agents (status and lifecycle) and when it was last used. It is fed
// the events of a deployment's WorkspaceFeed and applies each as row inserts, changes and
// removals, never a reset, so views keep their selection and scroll position while workspaces
// change; a snapshot (the feed's first event, and the first after it reconnected) is diffed
// against the rows.
class WorkspaceTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Owner, Template, Status, Agent, LastUsed, ColumnCount };
    enum Role {
        WorkspaceIdRole = Qt::UserRole + 1, // QUuid
        SortRole,                           // what a proxy sorts a column by
        StatusRole,                         // the latest build's status as the API says it
    };

    explicit WorkspaceTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void applySnapshot(const QList<core::Workspace> &workspaces);
    void applyUpdate(const core::Workspace &workspace);
    void applyRemoval(const QUuid &workspaceId);
    void clear();

    // -1 when the workspace is not in the table.
    int rowOf(const QUuid &workspaceId) const { return m_rows.value(workspaceId, -1); }
    const core::Workspace &workspaceAt(int row) const { return m_workspaces.at(row); }
    // For tests and the benchmark: "now" as the "last used" column counts from.
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }

    // "just now", "5 minutes ago", "yesterday", a date: how long ago a moment was.
    static QString ago(const QDateTime &then, const QDateTime &now);

private:
    void reindexFrom(int row);

    QList<core::Workspace> m_workspaces;
    QHash<QUuid, int> m_rows; // id -> row
    QTimer m_ageTicker;       // "5 minutes ago" grows older without any change
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace coder::ui
