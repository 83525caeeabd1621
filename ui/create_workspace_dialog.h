#pragma once

#include "core/workspace_types.h"

#include <QDialog>
#include <QList>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace coder::core {
class ApiClient;
}

namespace coder::ui {

class ParameterForm;

// Creating a workspace: a template (its active version), a name, and the form of the version's
// parameters; everything checked with core's rules as it is typed, so "Create" sends only what
// coderd will take. A refusal still shows on its field (or above the buttons). Shown with open().
class CreateWorkspaceDialog : public QDialog
{
    Q_OBJECT
public:
    CreateWorkspaceDialog(core::ApiClient &api, QWidget *parent = nullptr);

Q_SIGNALS:
    void created(const coder::core::Workspace &workspace);

private:
    void loadTemplates();
    void loadParameters();
    void validate();
    void submit();
    void showError(const QString &message);

    core::ApiClient &m_api;
    QList<core::Template> m_templates;
    QComboBox *m_template;
    QLineEdit *m_name;
    QLabel *m_nameProblem;
    ParameterForm *m_parameters;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QString m_refusedName; // the server's refusal of the name as typed
    bool m_busy = false;
    int m_loads = 0; // a newer template choice drops older parameter answers
};

} // namespace coder::ui
