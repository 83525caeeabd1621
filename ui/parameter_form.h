#pragma once

#include "core/workspace_types.h"

#include <QHash>
#include <QList>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace coder::ui {

// A form generated from a template version's parameters: a line for strings and numbers, a
// check box for booleans, a list for options, one line per item for list(string); each with
// its description, a note when it cannot be changed after creation, and its problem shown as
// the user types (core's parameterProblem, the rule coderd applies). Values the server refused
// are shown on their fields too.
class ParameterForm : public QWidget
{
    Q_OBJECT
public:
    explicit ParameterForm(QWidget *parent = nullptr);

    // creating: immutable parameters are editable (a new workspace), else read-only.
    void setParameters(const QList<core::TemplateVersionParameter> &parameters, bool creating);
    QList<core::WorkspaceBuildParameter> values() const;
    // Every parameter's problem now, by name (empty: all fit).
    QHash<QString, QString> problems() const;
    // The server's refusal of a field (its name), shown until the value changes.
    void showProblem(const QString &name, const QString &problem);
    bool isEmpty() const { return m_fields.isEmpty(); }

Q_SIGNALS:
    void changed();

private:
    struct Field
    {
        core::TemplateVersionParameter parameter;
        QWidget *editor = nullptr;
        QLabel *problem = nullptr;
    };
    QString valueOf(const Field &field) const;
    void check(Field &field);
    void checkAll();

    QFormLayout *m_layout;
    QList<Field> m_fields;
};

} // namespace coder::ui
