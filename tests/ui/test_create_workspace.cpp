// Creating a workspace from the desktop app against a real coderd (offscreen): the template
// picker lists the deployment's templates, the form is generated from the active version's
// parameters (the `local` example: a one-line greeting, a number of CPUs from 1 to 8 that is
// fixed at creation), values are checked as they are typed with core's rules (Create stays
// disabled), a value the server refuses shows on its field, and the workspace that is created
// carries the chosen values and appears in the table. QAbstractItemModelTester on the table.
#include "desktop_test_support.h"
#include "tests/support/coderd_fixture.h"
#include "tests/support/provisioning_helpers.h"
#include "ui/create_workspace_dialog.h"
#include "ui/deployment_session.h"
#include "ui/desktop_app.h"
#include "ui/main_window.h"
#include "ui/session_manager.h"
#include "ui/workspace_table_model.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace coder::test;
using namespace coder::ui;

class TestCreateWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void formFollowsTheParameters();
    void refusedNameShowsOnItsField();

private:
    CreateWorkspaceDialog *openDialog();
    QPushButton *createButton(CreateWorkspaceDialog *dialog) const
    {
        return dialog->findChild<QPushButton *>(QStringLiteral("create"));
    }

    CoderdFixture m_coderd;
    QByteArray m_owner;
    QTemporaryDir m_home;
    std::unique_ptr<DesktopApp> m_app;
};

void TestCreateWorkspace::initTestCase()
{
    QVERIFY(m_home.isValid());
    CODER_START_CODERD(m_coderd);
    m_owner = m_coderd.api().setupOwner();
    QVERIFY(!pushTemplate(m_coderd.api(), m_owner, QStringLiteral("local"), exampleTemplateDir())
                 .isEmpty());
    m_app = makeDesktopApp(m_home.path());
    m_app->start();
    QVERIFY(logInWithToken(*m_app, m_coderd.url(), m_owner));
}

void TestCreateWorkspace::cleanupTestCase()
{
    m_app.reset();
    deleteEveryWorkspace(m_coderd.api(), m_owner);
}

CreateWorkspaceDialog *TestCreateWorkspace::openDialog()
{
    QAction *create = m_app->window().createAction();
    if (!create->isEnabled())
        return nullptr;
    create->trigger();
    auto *dialog = m_app->window().findChild<CreateWorkspaceDialog *>();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

void TestCreateWorkspace::formFollowsTheParameters()
{
    WorkspaceTableModel *table = m_app->sessions().current()->workspaces();
    QAbstractItemModelTester tester(table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    CreateWorkspaceDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *templates = dialog->findChild<QComboBox *>(QStringLiteral("template"));
    QTRY_COMPARE_WITH_TIMEOUT(templates->count(), 1, 10'000);
    QCOMPARE(templates->currentText(), u"local"_qs);
    QLineEdit *cpus = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (cpus = dialog->findChild<QLineEdit *>(QStringLiteral("parameter-cpus"))), 10'000);
    auto *greeting = dialog->findChild<QLineEdit *>(QStringLiteral("parameter-greeting"));
    QVERIFY(greeting);
    QCOMPARE(cpus->text(), u"2"_qs); // the default
    QCOMPARE(greeting->text(), u"Hello from Coder"_qs);

    // A bad name and a number out of range are refused as they are typed.
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("name"));
    name->setText(u"not a name!"_qs);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("nameProblem"))->isVisible());
    QVERIFY(!createButton(dialog)->isEnabled());
    name->setText(u"from-the-app"_qs);
    QVERIFY(!dialog->findChild<QLabel *>(QStringLiteral("nameProblem"))->isVisible());
    QVERIFY(createButton(dialog)->isEnabled());
    cpus->setText(u"9"_qs);
    auto *cpusProblem = dialog->findChild<QLabel *>(QStringLiteral("problem-cpus"));
    QVERIFY(cpusProblem->isVisible());
    QVERIFY2(cpusProblem->text().contains(u"8"), qPrintable(cpusProblem->text()));
    QVERIFY(!createButton(dialog)->isEnabled());
    cpus->setText(u"3"_qs);
    QVERIFY(!cpusProblem->isVisible());
    greeting->setText(u"Hi from the desktop"_qs);
    QVERIFY(createButton(dialog)->isEnabled());

    createButton(dialog)->click();
    // Accepted, the dialog deletes itself: watched through a QPointer.
    const QPointer<CreateWorkspaceDialog> open = dialog;
    QTRY_VERIFY_WITH_TIMEOUT(!open || !open->isVisible(), 10'000);
    const auto row = [table] {
        for (int i = 0; i < table->rowCount(); ++i) {
            if (table->workspaceAt(i).name == u"from-the-app")
                return i;
        }
        return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(row() >= 0, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(table->workspaceAt(row()).latestBuild.status, u"running"_qs, 60'000);
    // The values chosen are the build's.
    const QString buildId = table->workspaceAt(row()).latestBuild.id.toString(QUuid::WithoutBraces);
    const QJsonArray parameters =
        m_coderd.api()
            .get(u"/api/v2/workspacebuilds/"_qs + buildId + u"/parameters"_qs, m_owner)
            .array();
    QMap<QString, QString> values;
    for (const QJsonValue &parameter : parameters)
        values.insert(parameter.toObject().value(u"name").toString(),
                      parameter.toObject().value(u"value").toString());
    QCOMPARE(values.value(u"cpus"_qs), u"3"_qs);
    QCOMPARE(values.value(u"greeting"_qs), u"Hi from the desktop"_qs);
}

void TestCreateWorkspace::refusedNameShowsOnItsField()
{
    // The name is taken: only the server knows; its refusal shows on the name field and the
    // dialog stays open with what was typed.
    CreateWorkspaceDialog *dialog = openDialog();
    QVERIFY(dialog);
    QLineEdit *cpus = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (cpus = dialog->findChild<QLineEdit *>(QStringLiteral("parameter-cpus"))), 10'000);
    dialog->findChild<QLineEdit *>(QStringLiteral("name"))->setText(u"from-the-app"_qs);
    createButton(dialog)->click();
    auto *error = dialog->findChild<QLabel *>(QStringLiteral("error"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 10'000);
    QVERIFY2(error->text().contains(u"already exists"), qPrintable(error->text()));
    auto *nameProblem = dialog->findChild<QLabel *>(QStringLiteral("nameProblem"));
    QVERIFY(nameProblem->isVisible());
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("name"))->text(), u"from-the-app"_qs);
    dialog->reject();
}

QTEST_MAIN(TestCreateWorkspace)
#include "test_create_workspace.moc"
