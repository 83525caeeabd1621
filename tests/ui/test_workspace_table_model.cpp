// WorkspaceTableModel on its own: feed events become row inserts, changes and removals (never a
// reset), a snapshot is diffed against the rows, each column shows what a user expects, and the
// model passes QAbstractItemModelTester throughout.
#include "ui/workspace_status.h"
#include "ui/workspace_table_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using coder::core::Workspace;
using coder::core::WorkspaceAgent;
using coder::core::WorkspaceResource;
using coder::ui::StatusLook;
using coder::ui::WorkspaceTableModel;

class TestWorkspaceTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void snapshotInsertsRows();
    void updatesChangeOneRowOrAppend();
    void sameWorkspaceAgainChangesNothing();
    void removalsTakeTheirRow();
    void snapshotAfterReconnectIsDiffed();
    void statusAndAgentColumns();
    void lastUsedReadsAsAnAge();

private:
    static Workspace make(const QString &name, const QString &status = u"running"_qs);
    QString text(int row, int column) const
    {
        return m_model->data(m_model->index(row, column), Qt::DisplayRole).toString();
    }
    QStringList names() const
    {
        QStringList all;
        for (int row = 0; row < m_model->rowCount(); ++row)
            all.append(text(row, WorkspaceTableModel::Name));
        return all;
    }

    WorkspaceTableModel *m_model = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
    QSignalSpy *m_resets = nullptr;
};

Workspace TestWorkspaceTableModel::make(const QString &name, const QString &status)
{
    Workspace workspace;
    workspace.id = QUuid::createUuid();
    workspace.name = name;
    workspace.ownerName = QStringLiteral("alice");
    workspace.templateName = QStringLiteral("local");
    workspace.latestBuild.status = status;
    workspace.latestBuild.transition =
        status == u"stopped" ? QStringLiteral("stop") : QStringLiteral("start");
    workspace.lastUsedAt = QDateTime::currentDateTimeUtc();
    return workspace;
}

void TestWorkspaceTableModel::init()
{
    m_model = new WorkspaceTableModel;
    m_tester = new QAbstractItemModelTester(m_model,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_resets = new QSignalSpy(m_model, &QAbstractItemModel::modelReset);
}

void TestWorkspaceTableModel::cleanup()
{
    QCOMPARE(m_resets->count(), 0); // never a reset, whatever a test did
    delete m_resets;
    delete m_tester;
    delete m_model;
}

void TestWorkspaceTableModel::snapshotInsertsRows()
{
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    m_model->applySnapshot({make(u"a"_qs), make(u"b"_qs), make(u"c"_qs)});
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(names(), (QStringList{u"a"_qs, u"b"_qs, u"c"_qs}));
    QCOMPARE(m_model->columnCount(), int(WorkspaceTableModel::ColumnCount));
    QCOMPARE(m_model->headerData(WorkspaceTableModel::Status, Qt::Horizontal, Qt::DisplayRole)
                 .toString(),
             u"Status"_qs);
    m_model->applySnapshot({});
    QCOMPARE(m_model->rowCount(), 0);
}

void TestWorkspaceTableModel::updatesChangeOneRowOrAppend()
{
    Workspace a = make(u"a"_qs), b = make(u"b"_qs);
    m_model->applySnapshot({a, b});
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    b.latestBuild.status = QStringLiteral("stopping");
    m_model->applyUpdate(b);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.first().at(1).toModelIndex().column(), WorkspaceTableModel::ColumnCount - 1);
    QCOMPARE(text(1, WorkspaceTableModel::Status), u"Stopping"_qs);
    QCOMPARE(inserted.count(), 0);
    m_model->applyUpdate(make(u"new"_qs));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(names(), (QStringList{u"a"_qs, u"b"_qs, u"new"_qs}));
    QCOMPARE(m_model->rowOf(b.id), 1);
    QCOMPARE(m_model->data(m_model->index(1, 0), WorkspaceTableModel::WorkspaceIdRole).toUuid(),
             b.id);
}

void TestWorkspaceTableModel::sameWorkspaceAgainChangesNothing()
{
    const Workspace a = make(u"a"_qs);
    m_model->applySnapshot({a});
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->applyUpdate(a);
    m_model->applySnapshot({a});
    QCOMPARE(changed.count(), 0);
}

void TestWorkspaceTableModel::removalsTakeTheirRow()
{
    const Workspace a = make(u"a"_qs), b = make(u"b"_qs), c = make(u"c"_qs);
    m_model->applySnapshot({a, b, c});
    QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
    m_model->applyRemoval(b.id);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(names(), (QStringList{u"a"_qs, u"c"_qs}));
    QCOMPARE(m_model->rowOf(c.id), 1);
    QCOMPARE(m_model->rowOf(b.id), -1);
    m_model->applyRemoval(b.id); // twice: nothing
    m_model->applyRemoval(QUuid::createUuid());
    QCOMPARE(removed.count(), 1);
}

void TestWorkspaceTableModel::snapshotAfterReconnectIsDiffed()
{
    const Workspace a = make(u"a"_qs), b = make(u"b"_qs), c = make(u"c"_qs), d = make(u"d"_qs),
                    e = make(u"e"_qs);
    m_model->applySnapshot({a, b, c, d});
    // Meanwhile b and c went, d stopped, e came.
    Workspace stopped = d;
    stopped.latestBuild.status = QStringLiteral("stopped");
    QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->applySnapshot({a, stopped, e});
    QCOMPARE(names(), (QStringList{u"a"_qs, u"d"_qs, u"e"_qs}));
    QCOMPARE(removed.count(), 1); // b and c in one range
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(text(1, WorkspaceTableModel::Status), u"Stopped"_qs);
    QCOMPARE(m_model->rowOf(e.id), 2);
    QCOMPARE(m_model->rowOf(d.id), 1);
}

void TestWorkspaceTableModel::statusAndAgentColumns()
{
    Workspace workspace = make(u"a"_qs, u"failed"_qs);
    workspace.latestBuild.job.error = QStringLiteral("the start script failed");
    m_model->applySnapshot({workspace});
    const QModelIndex status = m_model->index(0, WorkspaceTableModel::Status);
    QCOMPARE(status.data().toString(), u"Failed"_qs);
    QCOMPARE(status.data(Qt::ToolTipRole).toString(), u"the start script failed"_qs);
    QCOMPARE(status.data(Qt::ForegroundRole).value<QColor>(),
             (StatusLook{QString(), StatusLook::Tone::Bad}.color()));
    QVERIFY(!status.data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(status.data(WorkspaceTableModel::StatusRole).toString(), u"failed"_qs);
    QCOMPARE(text(0, WorkspaceTableModel::Agent), u"—"_qs);

    WorkspaceAgent ready, starting;
    ready.status = QStringLiteral("connected");
    ready.lifecycleState = QStringLiteral("ready");
    starting.status = QStringLiteral("connected");
    starting.lifecycleState = QStringLiteral("starting");
    WorkspaceResource resource;
    resource.agents = {ready};
    workspace.latestBuild.status = QStringLiteral("running");
    workspace.latestBuild.resources = {resource};
    m_model->applyUpdate(workspace);
    QCOMPARE(text(0, WorkspaceTableModel::Agent), u"Connected · Ready"_qs);
    QCOMPARE(m_model->index(0, WorkspaceTableModel::Agent).data(Qt::ForegroundRole).value<QColor>(),
             (StatusLook{QString(), StatusLook::Tone::Good}.color()));
    // Several agents: the one in need of attention, with the count.
    workspace.latestBuild.resources[0].agents = {ready, starting};
    m_model->applyUpdate(workspace);
    QCOMPARE(text(0, WorkspaceTableModel::Agent), u"2 agents: Connected · Starting"_qs);
    WorkspaceAgent lost;
    lost.status = QStringLiteral("disconnected");
    workspace.latestBuild.resources[0].agents = {ready, lost};
    m_model->applyUpdate(workspace);
    QCOMPARE(text(0, WorkspaceTableModel::Agent), u"2 agents: Disconnected"_qs);
    QCOMPARE(text(0, WorkspaceTableModel::Template), u"local"_qs);
    QCOMPARE(text(0, WorkspaceTableModel::Owner), u"alice"_qs);
}

void TestWorkspaceTableModel::lastUsedReadsAsAnAge()
{
    const QDateTime now = QDateTime(QDate(2026, 12, 8), QTime(12, 0), Qt::UTC);
    QCOMPARE(WorkspaceTableModel::ago(now.addSecs(-10), now), u"just now"_qs);
    QCOMPARE(WorkspaceTableModel::ago(now.addSecs(-60), now), u"1 minute ago"_qs);
    QCOMPARE(WorkspaceTableModel::ago(now.addSecs(-150), now), u"2 minutes ago"_qs);
    QCOMPARE(WorkspaceTableModel::ago(now.addSecs(-3600), now), u"1 hour ago"_qs);
    QCOMPARE(WorkspaceTableModel::ago(now.addSecs(-3 * 3600), now), u"3 hours ago"_qs);
    QCOMPARE(WorkspaceTableModel::ago(now.addDays(-1), now), u"yesterday"_qs);
    QCOMPARE(WorkspaceTableModel::ago(now.addDays(-5), now), u"5 days ago"_qs);
    QCOMPARE(WorkspaceTableModel::ago(QDateTime(), now), u"never"_qs);
    Workspace workspace = make(u"a"_qs);
    workspace.lastUsedAt = now.addSecs(-7200);
    m_model->setClock([now] { return now; });
    m_model->applySnapshot({workspace});
    QCOMPARE(text(0, WorkspaceTableModel::LastUsed), u"2 hours ago"_qs);
    QCOMPARE(m_model->index(0, WorkspaceTableModel::LastUsed)
                 .data(WorkspaceTableModel::SortRole)
                 .toDateTime(),
             workspace.lastUsedAt);
}

QTEST_MAIN(TestWorkspaceTableModel)
#include "test_workspace_table_model.moc"
