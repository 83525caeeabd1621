#pragma once

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace coder::server {

class Store;
class WorkspaceBuilder;

// Coder's autobuild executor: every poll interval it stops running workspaces whose deadline
// has passed (reason "autostop") and starts stopped workspaces whose autostart schedule fired
// since they were stopped (reason "autostart"). With several replicas, two may try the same
// workspace in the same tick: the build race (one wins, the other gets a conflict) keeps it to
// one build. Runs on the thread it lives on.
class LifecycleScheduler : public QObject
{
    Q_OBJECT
public:
    LifecycleScheduler(Store &store, WorkspaceBuilder &builder, int pollIntervalMs,
                       QObject *parent = nullptr);

    void start();
    // One pass, as at every tick; returns the number of builds it started.
    int tick(const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    Store &m_store;
    WorkspaceBuilder &m_builder;
    QTimer m_timer;
};

} // namespace coder::server
