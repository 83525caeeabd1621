#include "forwards_panel.h"

#include "forward_manager.h"
#include "forward_table_model.h"
#include "workspace_status.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace coder::ui {

ForwardsPanel::ForwardsPanel(ForwardManager &manager, ForwardTableModel &model, QWidget *parent)
    : QWidget(parent), m_manager(manager), m_proxy(new QSortFilterProxyModel(this)),
      m_table(new QTableView(this)), m_remote(new QComboBox(this)), m_local(new QSpinBox(this)),
      m_add(new QPushButton(tr("&Forward"), this)),
      m_toggle(new QPushButton(tr("Turn o&ff"), this)),
      m_remove(new QPushButton(tr("Re&move"), this)), m_error(new QLabel(this))
{
    m_proxy->setSourceModel(&model);
    m_proxy->setFilterRole(ForwardTableModel::WorkspaceIdRole);
    m_table->setObjectName(QStringLiteral("forwards"));
    m_table->setAccessibleName(tr("Port forwards"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->hideColumn(ForwardTableModel::Workspace);
    m_remote->setObjectName(QStringLiteral("remotePort"));
    m_remote->setAccessibleName(tr("Port in the workspace"));
    m_remote->setEditable(true);
    m_remote->setValidator(new QIntValidator(1, 65535, m_remote));
    m_remote->lineEdit()->setPlaceholderText(tr("port in the workspace"));
    m_local->setObjectName(QStringLiteral("localPort"));
    m_local->setAccessibleName(tr("Local port (0: any free port)"));
    m_local->setRange(0, 65535);
    m_local->setSpecialValueText(tr("any free port"));
    m_add->setObjectName(QStringLiteral("addForward"));
    m_toggle->setObjectName(QStringLiteral("toggleForward"));
    m_remove->setObjectName(QStringLiteral("removeForward"));
    m_error->setObjectName(QStringLiteral("forwardError"));
    m_error->setWordWrap(true);
    StatusLook::styleProblem(m_error);
    m_error->hide();

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Port:"), this));
    controls->addWidget(m_remote);
    controls->addWidget(new QLabel(tr("on local port:"), this));
    controls->addWidget(m_local);
    controls->addWidget(m_add);
    controls->addStretch(1);
    controls->addWidget(m_toggle);
    controls->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_error);
    layout->addWidget(m_table);

    connect(m_add, &QPushButton::clicked, this, &ForwardsPanel::add);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (const int id = selectedId())
            m_manager.remove(id);
    });
    connect(m_toggle, &QPushButton::clicked, this, [this] {
        if (const ForwardManager::Forward *forward = m_manager.find(selectedId()))
            m_manager.setEnabled(forward->id, !forward->enabled);
        updateButtons();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ForwardsPanel::updateButtons);
    connect(&manager, &ForwardManager::changed, this, &ForwardsPanel::updateButtons);
    updateButtons();
}

void ForwardsPanel::setTarget(const QUuid &workspaceId, const QString &workspaceName,
                              const QUuid &agentId)
{
    m_workspaceId = workspaceId;
    m_workspaceName = workspaceName;
    m_agentId = agentId;
    m_proxy->setFilterFixedString(workspaceId.toString());
    m_add->setEnabled(!agentId.isNull());
}

void ForwardsPanel::setSuggestions(const QList<core::WorkspaceAgentListeningPort> &ports)
{
    const QString typed = m_remote->currentText();
    m_remote->clear();
    for (const core::WorkspaceAgentListeningPort &port : ports)
        m_remote->addItem(port.processName.isEmpty()
                              ? QString::number(port.port)
                              : QStringLiteral("%1 (%2)").arg(port.port).arg(port.processName),
                          port.port);
    m_remote->setEditText(typed);
}

void ForwardsPanel::add()
{
    bool ok = false;
    const int index = m_remote->findText(m_remote->currentText());
    const int remote =
        index >= 0 ? m_remote->itemData(index).toInt(&ok) : m_remote->currentText().toInt(&ok);
    if (!ok || remote < 1 || remote > 65535) {
        m_error->setText(tr("Choose a port in the workspace (1 to 65535)."));
        m_error->show();
        return;
    }
    core::tunnel::ForwardSpec spec;
    spec.remotePort = quint16(remote);
    spec.listenPort = quint16(m_local->value());
    auto added = m_manager.add(m_workspaceId, m_workspaceName, m_agentId, spec);
    m_error->setVisible(!added);
    if (!added)
        m_error->setText(added.error());
}

int ForwardsPanel::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(ForwardTableModel::ForwardIdRole).toInt();
}

void ForwardsPanel::updateButtons()
{
    const ForwardManager::Forward *forward = m_manager.find(selectedId());
    m_toggle->setEnabled(forward != nullptr);
    m_remove->setEnabled(forward != nullptr);
    m_toggle->setText(forward && !forward->enabled ? tr("Turn o&n") : tr("Turn o&ff"));
}

} // namespace coder::ui
