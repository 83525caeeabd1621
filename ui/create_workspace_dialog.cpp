#include "create_workspace_dialog.h"

#include "core/api_client.h"
#include "core/field_rules.h"
#include "parameter_form.h"
#include "workspace_status.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace coder::ui {

CreateWorkspaceDialog::CreateWorkspaceDialog(core::ApiClient &api, QWidget *parent)
    : QDialog(parent), m_api(api), m_template(new QComboBox(this)), m_name(new QLineEdit(this)),
      m_nameProblem(new QLabel(this)), m_parameters(new ParameterForm(this)),
      m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Create a workspace"));
    setMinimumSize(480, 360);
    m_template->setObjectName(QStringLiteral("template"));
    m_template->setAccessibleName(tr("Template"));
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setAccessibleName(tr("Workspace name"));
    m_name->setPlaceholderText(tr("e.g. backend"));
    for (QLabel *label : {m_nameProblem, m_error}) {
        StatusLook::styleProblem(label);
        label->hide();
    }
    m_nameProblem->setObjectName(QStringLiteral("nameProblem"));
    m_error->setObjectName(QStringLiteral("error"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("create"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Template:"), m_template);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_nameProblem);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_parameters);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_template, &QComboBox::currentIndexChanged, this,
            &CreateWorkspaceDialog::loadParameters);
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        m_refusedName.clear();
        validate();
    });
    connect(m_parameters, &ParameterForm::changed, this, &CreateWorkspaceDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &CreateWorkspaceDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    loadTemplates();
    validate();
}

void CreateWorkspaceDialog::loadTemplates()
{
    m_template->setEnabled(false);
    m_api.templates(QStringLiteral("default"), [self = QPointer(this)](auto templates) {
        if (!self)
            return;
        if (!templates)
            return self->showError(templates.error().describe());
        self->m_templates = *templates;
        for (const core::Template &each : std::as_const(self->m_templates))
            self->m_template->addItem(each.displayName.isEmpty() ? each.name : each.displayName,
                                      each.id);
        self->m_template->setEnabled(true);
        if (self->m_templates.isEmpty())
            self->showError(tr("This deployment has no templates yet: push one first."));
        self->validate();
    });
}

void CreateWorkspaceDialog::loadParameters()
{
    const int index = m_template->currentIndex();
    if (index < 0 || index >= m_templates.size())
        return;
    const int load = ++m_loads;
    m_parameters->setParameters({}, true);
    m_api.templateVersionRichParameters(
        m_templates.at(index).activeVersionId, [self = QPointer(this), load](auto parameters) {
            if (!self || load != self->m_loads)
                return;
            if (!parameters)
                return self->showError(parameters.error().describe());
            self->m_parameters->setParameters(*parameters, true);
            self->validate();
        });
}

void CreateWorkspaceDialog::validate()
{
    QString problem =
        m_name->text().isEmpty() ? QString() : core::resourceNameProblem(m_name->text().trimmed());
    if (problem.isEmpty())
        problem = m_refusedName; // the server's, until the name changes
    m_nameProblem->setText(problem);
    m_nameProblem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!m_busy && m_template->currentIndex() >= 0 && !m_name->text().isEmpty() &&
                     problem.isEmpty() && m_parameters->problems().isEmpty());
    if (!m_refusedName.isEmpty()) // a refused name may be sent again once changed
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
}

void CreateWorkspaceDialog::submit()
{
    const int index = m_template->currentIndex();
    if (index < 0)
        return;
    core::CreateWorkspaceRequest request;
    request.templateId = m_templates.at(index).id;
    request.name = m_name->text().trimmed();
    request.richParameterValues = m_parameters->values();
    m_busy = true;
    m_error->hide();
    validate();
    m_api.createWorkspace(
        QStringLiteral("me"), request,
        [self = QPointer(this)](core::Result<core::Workspace, core::ApiError> made) {
            if (!self)
                return;
            self->m_busy = false;
            if (made) {
                Q_EMIT self->created(*made);
                self->accept();
                return;
            }
            // Each refused field where it is typed; the rest above the buttons.
            for (const auto &validation : made.error().validations) {
                if (validation.field == u"name") {
                    self->m_refusedName = validation.detail;
                } else {
                    self->m_parameters->showProblem(validation.field, validation.detail);
                }
            }
            self->showError(made.error().describe());
        });
}

void CreateWorkspaceDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
    validate();
}

} // namespace coder::ui
