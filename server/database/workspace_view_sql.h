#pragma once

#include "provisioning_models.h"
#include "sql_dialect.h"

#include <QSqlQuery>
#include <QVariantList>

namespace coder::server {

// How WorkspaceStore selects and decodes a WorkspaceView: the workspace with its owner's name,
// what the API shows of its template and organization, its latest build and that build's job,
// version name and initiator's name; and the filtered, paged listing built on the list index
// (migration 0003).
class WorkspaceViewSql
{
public:
    explicit WorkspaceViewSql(const SqlDialect &dialect) : m_dialect(dialect) {}

    // "SELECT <view columns> FROM workspaces w JOIN ..." (without the build's payload unless
    // full), and the joins of it that follow FROM.
    QString select(bool full) const;
    QString joins() const;
    // " FROM workspaces w JOIN ... WHERE ..." with the joins the filter needs (users u,
    // templates t, latest build b and its job j, each when filtered on).
    QString filter(const WorkspaceFilter &filter, QVariantList &values) const;
    // The listing statement of a filter's page; with the filter's total as a last column.
    QString list(const WorkspaceFilter &filter, bool withCount, QVariantList &values) const;

    // A view from the columns of select(full); *next, when given, is the index after them.
    static WorkspaceView decode(const QSqlQuery &q, bool full, int *next = nullptr);
    // Owner's username, then name: the list index's order.
    static const QString &order();

private:
    const SqlDialect &m_dialect;
};

} // namespace coder::server
