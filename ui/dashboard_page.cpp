#include "dashboard_page.h"

#include "workspace_table_model.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace coder::ui {

DashboardPage::DashboardPage(QWidget *parent)
    : QWidget(parent), m_filter(new QLineEdit(this)), m_table(new QTableView(this)),
      m_proxy(new QSortFilterProxyModel(this))
{
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by name, owner or template"));
    m_filter->setAccessibleName(tr("Filter workspaces"));
    m_filter->setClearButtonEnabled(true);
    m_proxy->setSortRole(WorkspaceTableModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1); // every column
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_table->setObjectName(QStringLiteral("workspaces"));
    m_table->setAccessibleName(tr("Workspaces"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(WorkspaceTableModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setHighlightSections(false);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT workspaceActivated(index.data(WorkspaceTableModel::WorkspaceIdRole).toUuid());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DashboardPage::selectionChanged);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

void DashboardPage::setModel(WorkspaceTableModel *model)
{
    m_proxy->setSourceModel(model);
    if (model) {
        for (int column = 0; column < WorkspaceTableModel::ColumnCount - 1; ++column)
            m_table->setColumnWidth(column, column == WorkspaceTableModel::Agent ? 200 : 140);
    }
    Q_EMIT selectionChanged();
}

QUuid DashboardPage::selectedWorkspace() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.first().data(WorkspaceTableModel::WorkspaceIdRole).toUuid();
}

} // namespace coder::ui
