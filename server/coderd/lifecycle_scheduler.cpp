#include "lifecycle_scheduler.h"

#include "core/cron_schedule.h"
#include "core/work_pool.h"
#include "server/database/store.h"
#include "workspace_builder.h"

#include <QLoggingCategory>

namespace coder::server {

Q_LOGGING_CATEGORY(lcLifecycle, "coder.lifecycle")

LifecycleScheduler::LifecycleScheduler(Store &store, WorkspaceBuilder &builder,
                                       core::WorkPool &pool, int pollIntervalMs, QObject *parent)
    : QObject(parent), m_store(store), m_builder(builder), m_pool(pool)
{
    m_timer.setInterval(std::max(100, pollIntervalMs));
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (std::exchange(m_ticking, true))
            return; // the last tick still runs: this one would find the same work
        // The work keeps no pointer to this object (the pool may finish it after it is gone);
        // the store and builder it uses outlive the pool's work (Coderd drains the pool first).
        m_pool.run(
            m_mailbox.address(),
            [&store = m_store, &builder = m_builder] {
                runTick(store, builder, QDateTime::currentDateTimeUtc());
            },
            [this] { m_ticking = false; });
    });
}

void LifecycleScheduler::start()
{
    m_timer.start();
}

void LifecycleScheduler::stop()
{
    m_timer.stop();
}

int LifecycleScheduler::tick(const QDateTime &now)
{
    return runTick(m_store, m_builder, now);
}

int LifecycleScheduler::runTick(Store &store, WorkspaceBuilder &builder, const QDateTime &now)
{
    int started = 0;
    auto build = [&](const WorkspaceView &view, const QString &transition, const QString &reason) {
        WorkspaceBuilder::NewBuild request;
        request.transition = transition;
        request.initiatorId = view.workspace.ownerId;
        request.reason = reason;
        auto created = builder.createBuild(view, request);
        if (created) {
            ++started;
            qCInfo(lcLifecycle) << reason << "of workspace" << view.ownerName << "/"
                                << view.workspace.name;
        } else if (!created.error().is(DomainError::Kind::Conflict)) { // another replica was first
            qCWarning(lcLifecycle) << reason << "of workspace" << view.workspace.id
                                   << "failed:" << created.error().message;
        }
    };

    if (auto due = store.workspaces().toAutostop(now))
        for (const WorkspaceView &view : std::as_const(*due))
            build(view, transition::stop, QStringLiteral("autostop"));
    else
        qCWarning(lcLifecycle) << "cannot list workspaces to stop:" << due.error().message;

    auto scheduled = store.workspaces().withAutostart();
    if (!scheduled) {
        qCWarning(lcLifecycle) << "cannot list workspaces to start:" << scheduled.error().message;
        return started;
    }
    for (const WorkspaceView &view : std::as_const(*scheduled)) {
        auto schedule = core::CronSchedule::parse(view.workspace.autostartSchedule);
        if (!schedule)
            continue; // validated when set; a stored bad one never fires
        // Due when a scheduled time came after the workspace was stopped.
        const QDateTime next = schedule->next(view.latestBuild.createdAt);
        if (next.isValid() && next <= now)
            build(view, transition::start, QStringLiteral("autostart"));
    }
    return started;
}

} // namespace coder::server
