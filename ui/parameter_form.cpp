#include "parameter_form.h"

#include "core/template_parameters.h"
#include "workspace_status.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace coder::ui {

ParameterForm::ParameterForm(QWidget *parent) : QWidget(parent), m_layout(new QFormLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    // First: the problems are up to date before anyone else hears of the change.
    connect(this, &ParameterForm::changed, this, &ParameterForm::checkAll);
}

void ParameterForm::setParameters(const QList<core::TemplateVersionParameter> &parameters,
                                  bool creating)
{
    while (m_layout->rowCount() > 0)
        m_layout->removeRow(0);
    m_fields.clear();
    for (const core::TemplateVersionParameter &parameter : parameters) {
        Field field;
        field.parameter = parameter;
        const QString label =
            parameter.displayName.isEmpty() ? parameter.name : parameter.displayName;
        QWidget *editor = nullptr;
        if (!parameter.options.isEmpty()) {
            auto *combo = new QComboBox(this);
            for (const core::TemplateVersionParameterOption &option : parameter.options) {
                combo->addItem(option.name.isEmpty() ? option.value : option.name, option.value);
                combo->setItemData(combo->count() - 1, option.description, Qt::ToolTipRole);
            }
            combo->setCurrentIndex(std::max(0, combo->findData(parameter.defaultValue)));
            connect(combo, &QComboBox::currentIndexChanged, this, &ParameterForm::changed);
            editor = combo;
        } else if (parameter.type == u"bool") {
            auto *box = new QCheckBox(this);
            box->setChecked(parameter.defaultValue == u"true");
            connect(box, &QCheckBox::toggled, this, &ParameterForm::changed);
            editor = box;
        } else if (parameter.type == u"list(string)") {
            auto *lines = new QPlainTextEdit(this);
            lines->setPlaceholderText(tr("One item per line"));
            lines->setTabChangesFocus(true);
            lines->setMaximumHeight(90);
            lines->setPlainText(
                core::parseStringList(parameter.defaultValue).value_or(QStringList()).join(u'\n'));
            connect(lines, &QPlainTextEdit::textChanged, this, &ParameterForm::changed);
            editor = lines;
        } else {
            auto *line = new QLineEdit(parameter.defaultValue, this);
            if (parameter.type == u"number")
                line->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
            connect(line, &QLineEdit::textChanged, this, &ParameterForm::changed);
            editor = line;
        }
        editor->setObjectName(QStringLiteral("parameter-") + parameter.name);
        editor->setAccessibleName(label);
        editor->setEnabled(creating || parameter.isMutable);
        field.editor = editor;

        auto *column = new QWidget(this);
        auto *layout = new QVBoxLayout(column);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(2);
        layout->addWidget(editor);
        QString note = parameter.descriptionPlaintext.isEmpty()
                           ? core::markdownToPlainText(parameter.description)
                           : parameter.descriptionPlaintext;
        if (!parameter.isMutable)
            note += (note.isEmpty() ? QString() : QStringLiteral(" ")) +
                    tr("(cannot be changed once the workspace exists)");
        if (!note.isEmpty()) {
            auto *description = new QLabel(note, column);
            description->setWordWrap(true);
            description->setEnabled(false); // the palette's muted text
            layout->addWidget(description);
        }
        field.problem = new QLabel(column);
        field.problem->setObjectName(QStringLiteral("problem-") + parameter.name);
        field.problem->setWordWrap(true);
        StatusLook::styleProblem(field.problem);
        field.problem->hide();
        layout->addWidget(field.problem);
        m_layout->addRow(label + (parameter.required ? QStringLiteral(" *") : QString()) +
                             QStringLiteral(":"),
                         column);
        m_fields.append(field);
    }
    checkAll();
}

void ParameterForm::checkAll()
{
    for (Field &field : m_fields)
        check(field);
}

QString ParameterForm::valueOf(const Field &field) const
{
    if (auto *combo = qobject_cast<QComboBox *>(field.editor))
        return combo->currentData().toString();
    if (auto *box = qobject_cast<QCheckBox *>(field.editor))
        return box->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (auto *lines = qobject_cast<QPlainTextEdit *>(field.editor)) {
        QJsonArray items;
        for (const QString &line : lines->toPlainText().split(u'\n', Qt::SkipEmptyParts))
            items.append(line.trimmed());
        return QString::fromUtf8(QJsonDocument(items).toJson(QJsonDocument::Compact));
    }
    return qobject_cast<QLineEdit *>(field.editor)->text();
}

void ParameterForm::check(Field &field)
{
    const QString value = valueOf(field);
    QString problem = core::parameterProblem(field.parameter, value);
    if (problem.isEmpty() && field.parameter.required && value.isEmpty())
        problem = tr("A value is required.");
    field.problem->setText(problem);
    field.problem->setVisible(!problem.isEmpty());
}

QList<core::WorkspaceBuildParameter> ParameterForm::values() const
{
    QList<core::WorkspaceBuildParameter> values;
    for (const Field &field : m_fields)
        values.append({field.parameter.name, valueOf(field)});
    return values;
}

QHash<QString, QString> ParameterForm::problems() const
{
    QHash<QString, QString> problems;
    for (const Field &field : m_fields) {
        if (!field.problem->text().isEmpty())
            problems.insert(field.parameter.name, field.problem->text());
    }
    return problems;
}

void ParameterForm::showProblem(const QString &name, const QString &problem)
{
    for (Field &field : m_fields) {
        if (field.parameter.name == name) {
            field.problem->setText(problem);
            field.problem->setVisible(true);
        }
    }
}

} // namespace coder::ui
