#pragma once

#include "core/mailbox.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace coder::core {
class WorkPool;
}

namespace coder::server {

class Store;
class WorkspaceBuilder;

// Coder's autobuild executor: every poll interval it stops running workspaces whose deadline
// has passed (reason "autostop") and starts stopped workspaces whose autostart schedule fired
// since they were stopped (reason "autostart"). With several replicas, two may try the same
// workspace in the same tick: the build race (one wins, the other gets a conflict) keeps it to
// one build. Its timer lives on the thread that hosts it; each tick runs on the pool (never two
// at once), so the host's thread never waits on the database.
class LifecycleScheduler : public QObject
{
    Q_OBJECT
public:
    LifecycleScheduler(Store &store, WorkspaceBuilder &builder, core::WorkPool &pool,
                       int pollIntervalMs, QObject *parent = nullptr);

    void start();
    void stop();
    // One pass, as at every tick, on the calling thread; returns the number of builds it
    // started.
    int tick(const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    static int runTick(Store &store, WorkspaceBuilder &builder, const QDateTime &now);

    Store &m_store;
    WorkspaceBuilder &m_builder;
    core::WorkPool &m_pool;
    QTimer m_timer;
    bool m_ticking = false; // a tick runs on the pool
    core::Mailbox m_mailbox{this};
};

} // namespace coder::server
