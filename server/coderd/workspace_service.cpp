#include "workspace_service.h"

#include "audit_recorder.h"
#include "core/cron_schedule.h"
#include "core/field_rules.h"
#include "provisioner_job_server.h"
#include "provisioning_views.h"
#include "server/database/pubsub.h"
#include "server/database/store.h"
#include "user_service.h"
#include "workspace_builder.h"

namespace coder::server {

namespace {

constexpr qint64 minTtlMs = 60 * 1000;
constexpr qint64 maxTtlMs = 7LL * 24 * 3600 * 1000;

const QString kWorkspace = QStringLiteral("workspace");

QString ttlProblem(qint64 ttl)
{
    if (ttl < minTtlMs)
        return QStringLiteral("Must be at least one minute.");
    if (ttl > maxTtlMs)
        return QStringLiteral("Must be at most 7 days.");
    return {};
}

QString scheduleProblem(const QString &schedule)
{
    auto parsed = core::CronSchedule::parse(schedule);
    return parsed ? QString() : QStringLiteral("Invalid schedule: %1.").arg(parsed.error());
}

} // namespace

Outcome<WorkspaceView> WorkspaceService::find(const Actor &actor, const QUuid &id, Action action)
{
    auto view = m_store.workspaces().byId(id);
    if (!view)
        return DomainError::fromStore(view.error(), kWorkspace);
    if (auto denied = requireAccess(actor.subject(), action,
                                    {Resource::Workspace, view->workspace.ownerId, {}}))
        return *denied;
    return *view;
}

Outcome<WorkspaceView> WorkspaceService::changeable(const Actor &actor, const QUuid &id)
{
    auto view = find(actor, id, Action::Update);
    if (!view)
        return view.error();
    if (view->workspace.deleted)
        return workspaceGone(view->workspace.name);
    return view;
}

Outcome<core::Workspace> WorkspaceService::shown(const WorkspaceView &view)
{
    ProvisioningViews views(m_store);
    return views.workspace(view);
}

void WorkspaceService::announce(const QUuid &workspaceId)
{
    channels::workspaceChanged(m_pubsub, workspaceId, "settings");
}

Outcome<core::Workspace> WorkspaceService::create(const Actor &actor, const QString &owner,
                                                  const core::CreateWorkspaceRequest &request)
{
    auto user = m_users.resolve(actor, owner);
    if (!user)
        return user.error();
    if (auto denied =
            requireAccess(actor.subject(), Action::Create, {Resource::Workspace, user->id, {}}))
        return *denied;
    DomainError invalid = DomainError::invalid(QStringLiteral("Validation failed."));
    if (const QString problem = core::resourceNameProblem(request.name); !problem.isEmpty())
        invalid.withValidation(QStringLiteral("name"), problem);
    if (request.templateId.isNull() && request.templateVersionId.isNull())
        invalid.withValidation(QStringLiteral("template_id"),
                               QStringLiteral("Either template_id or template_version_id is "
                                              "required."));
    const QString schedule = request.autostartSchedule.value_or(QString());
    if (!schedule.isEmpty())
        if (const QString problem = scheduleProblem(schedule); !problem.isEmpty())
            invalid.withValidation(QStringLiteral("autostart_schedule"), problem);
    if (request.ttlMs && *request.ttlMs != 0)
        if (const QString problem = ttlProblem(*request.ttlMs); !problem.isEmpty())
            invalid.withValidation(QStringLiteral("ttl_ms"), problem);
    if (!invalid.validations.isEmpty())
        return invalid;

    WorkspaceBuilder::NewWorkspace create;
    create.ownerId = user->id;
    create.initiatorId = actor.user().id;
    create.name = request.name;
    create.templateId = request.templateId;
    create.templateVersionId = request.templateVersionId;
    create.autostartSchedule = schedule;
    create.ttlMs = request.ttlMs;
    for (const core::WorkspaceBuildParameter &parameter : request.richParameterValues)
        create.parameters.append({parameter.name, parameter.value});
    auto created = m_builder.createWorkspace(create);
    if (!created)
        return created.error();
    m_audit.record(actor, {actor.user().id, QStringLiteral("create"), kWorkspace,
                           core::idText(created->workspace.id), created->workspace.name, 201,
                           QJsonObject{{QStringLiteral("owner"), user->username}}});
    return shown(*created);
}

Outcome<WorkspaceFilter> WorkspaceService::parseQuery(const Actor &actor, const QString &query)
{
    WorkspaceFilter filter;
    static const QStringList statuses{QStringLiteral("pending"),   QStringLiteral("starting"),
                                      QStringLiteral("running"),   QStringLiteral("stopping"),
                                      QStringLiteral("stopped"),   QStringLiteral("failed"),
                                      QStringLiteral("canceling"), QStringLiteral("canceled"),
                                      QStringLiteral("deleting"),  QStringLiteral("deleted")};
    for (const QString &term : query.split(u' ', Qt::SkipEmptyParts)) {
        const qsizetype colon = term.indexOf(u':');
        const QString key = colon < 0 ? QStringLiteral("name") : term.left(colon);
        const QString value = colon < 0 ? term : term.mid(colon + 1);
        if (key == QLatin1String("owner")) {
            if (value == QLatin1String("me"))
                filter.ownerId = actor.user().id;
            else
                filter.ownerName = value;
        } else if (key == QLatin1String("template")) {
            filter.templateName = value;
        } else if (key == QLatin1String("status")) {
            if (!statuses.contains(value))
                return DomainError::invalidField(
                    QStringLiteral("q"), QStringLiteral("Unknown status \"%1\"; one of: %2.")
                                             .arg(value, statuses.join(u", ")));
            filter.status = value;
            filter.includeDeleted = value == QLatin1String("deleted");
        } else if (key == QLatin1String("name")) {
            filter.name = value;
        } else {
            return DomainError::invalidField(
                QStringLiteral("q"),
                QStringLiteral("Unknown filter \"%1\"; use owner:, template:, status: or name:.")
                    .arg(key));
        }
    }
    return filter;
}

Outcome<core::WorkspacesPage> WorkspaceService::list(const Actor &actor, const QString &query,
                                                     Pagination page)
{
    auto filter = parseQuery(actor, query);
    if (!filter)
        return filter.error();
    // Without the right to read every workspace, a user lists exactly the ones they may read.
    if (!authorize(actor.subject(), Action::Read, {Resource::Workspace, {}, {}})) {
        if (!filter->ownerId.isNull() && filter->ownerId != actor.user().id)
            filter->ownerId = QUuid::createUuid(); // nobody's: an empty list
        else
            filter->ownerId = actor.user().id;
    }
    filter->limit = page.limit;
    filter->offset = page.offset;
    auto listed = m_store.workspaces().page(*filter);
    if (!listed)
        return DomainError::fromStore(listed.error(), QStringLiteral("workspaces"));
    ProvisioningViews views(m_store);
    return views.workspaces(listed->workspaces, listed->count);
}

Outcome<core::Workspace> WorkspaceService::byOwnerAndName(const Actor &actor, const QString &owner,
                                                          const QString &name, bool includeDeleted)
{
    auto user = m_users.resolve(actor, owner);
    if (!user)
        return user.error();
    auto view = m_store.workspaces().byOwnerAndName(user->id, name);
    // A deleted workspace of that name (the most recent), as Coder.
    if (!view && view.error().kind == StoreError::NotFound && includeDeleted) {
        WorkspaceFilter filter;
        filter.ownerId = user->id;
        filter.name = name;
        filter.includeDeleted = true;
        if (auto candidates = m_store.workspaces().list(filter)) {
            for (const WorkspaceView &candidate : std::as_const(*candidates))
                if (candidate.workspace.name.compare(name, Qt::CaseInsensitive) == 0 &&
                    (!view || candidate.workspace.updatedAt > view->workspace.updatedAt))
                    view = candidate;
        }
    }
    if (!view)
        return DomainError::fromStore(view.error(), kWorkspace);
    if (auto denied =
            requireAccess(actor.subject(), Action::Read, {Resource::Workspace, user->id, {}}))
        return *denied;
    return shown(*view);
}

Outcome<core::Workspace> WorkspaceService::get(const Actor &actor, const QUuid &id,
                                               bool includeDeleted)
{
    auto view = find(actor, id, Action::Read);
    if (!view)
        return view.error();
    if (view->workspace.deleted && !includeDeleted)
        return workspaceGone(view->workspace.name,
                             QStringLiteral("Add ?include_deleted=true to see it."));
    return shown(*view);
}

Outcome<core::Ok> WorkspaceService::rename(const Actor &actor, const QUuid &id, const QString &name)
{
    auto view = changeable(actor, id);
    if (!view)
        return view.error();
    if (const QString problem = core::resourceNameProblem(name); !problem.isEmpty())
        return DomainError::invalidField(QStringLiteral("name"), problem);
    auto updated = m_store.workspaces().updateName(view->workspace.id, name);
    if (!updated) {
        if (updated.error().kind == StoreError::Conflict)
            return DomainError::conflict(
                QStringLiteral("Workspace \"%1\" already exists.").arg(name),
                QStringLiteral("name"));
        return DomainError::fromStore(updated.error(), kWorkspace);
    }
    m_audit.record(actor, {actor.user().id, QStringLiteral("write"), kWorkspace,
                           core::idText(view->workspace.id), name, 204,
                           QJsonObject{{QStringLiteral("name"),
                                        AuditRecorder::change(view->workspace.name, name)}}});
    announce(view->workspace.id);
    return core::Ok{};
}

Outcome<core::Ok> WorkspaceService::setAutostart(const Actor &actor, const QUuid &id,
                                                 const QString &schedule)
{
    auto view = changeable(actor, id);
    if (!view)
        return view.error();
    if (!schedule.isEmpty()) {
        if (const QString problem = scheduleProblem(schedule); !problem.isEmpty())
            return DomainError::invalidField(QStringLiteral("schedule"), problem);
        auto tmpl = m_store.templates().byId(view->workspace.templateId);
        if (tmpl && !tmpl->allowUserAutostart)
            return DomainError::invalid(
                QStringLiteral("Autostart is not allowed for workspaces using this template."));
    }
    auto updated = m_store.workspaces().updateAutostart(view->workspace.id, schedule);
    if (!updated)
        return DomainError::fromStore(updated.error(), kWorkspace);
    m_audit.record(
        actor, {actor.user().id, QStringLiteral("write"), kWorkspace,
                core::idText(view->workspace.id), view->workspace.name, 204,
                QJsonObject{{QStringLiteral("autostart_schedule"),
                             AuditRecorder::change(view->workspace.autostartSchedule, schedule)}}});
    announce(view->workspace.id);
    return core::Ok{};
}

Outcome<core::Ok> WorkspaceService::setTtl(const Actor &actor, const QUuid &id, qint64 ttlMs)
{
    auto view = changeable(actor, id);
    if (!view)
        return view.error();
    if (ttlMs != 0)
        if (const QString problem = ttlProblem(ttlMs); !problem.isEmpty())
            return DomainError::invalidField(QStringLiteral("ttl_ms"), problem);
    if (ttlMs > 0) {
        auto tmpl = m_store.templates().byId(view->workspace.templateId);
        if (tmpl && !tmpl->allowUserAutostop)
            return DomainError::invalid(QStringLiteral(
                "Custom autostop TTL is not allowed for workspaces using this template."));
    }
    auto updated = m_store.workspaces().updateTtl(view->workspace.id, ttlMs);
    if (!updated)
        return DomainError::fromStore(updated.error(), kWorkspace);
    m_audit.record(actor, {actor.user().id, QStringLiteral("write"), kWorkspace,
                           core::idText(view->workspace.id), view->workspace.name, 204,
                           QJsonObject{{QStringLiteral("ttl_ms"),
                                        AuditRecorder::change(view->workspace.ttlMs, ttlMs)}}});
    announce(view->workspace.id);
    return core::Ok{};
}

Outcome<core::Ok> WorkspaceService::extend(const Actor &actor, const QUuid &id,
                                           const QDateTime &deadline)
{
    auto view = changeable(actor, id);
    if (!view)
        return view.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (deadline < now.addSecs(60))
        return DomainError::invalidField(QStringLiteral("deadline"),
                                         QStringLiteral("Must be at least one minute in the "
                                                        "future."));
    if (deadline > now.addMSecs(maxTtlMs))
        return DomainError::invalidField(QStringLiteral("deadline"),
                                         QStringLiteral("Must be within 7 days."));
    if (view->latestBuild.transition != transition::start ||
        view->latestJob.status != job_status::succeeded)
        return DomainError::invalid(
            QStringLiteral("The workspace must be running to extend its deadline."));
    if (!view->latestBuild.deadline.isValid())
        return DomainError::invalid(
            QStringLiteral("Workspace shutdown is manual."),
            QStringLiteral("The workspace has no autostop deadline to extend; set a ttl first."));
    auto updated = m_store.workspaces().updateBuildDeadline(view->latestBuild.id, deadline,
                                                            view->latestBuild.maxDeadline);
    if (!updated)
        return DomainError::fromStore(updated.error(), QStringLiteral("workspace build"));
    m_audit.record(
        actor, {actor.user().id, QStringLiteral("write"), kWorkspace,
                core::idText(view->workspace.id), view->workspace.name, 200,
                QJsonObject{{QStringLiteral("deadline"),
                             AuditRecorder::change(core::formatApiTime(view->latestBuild.deadline),
                                                   core::formatApiTime(deadline))}}});
    announce(view->workspace.id);
    return core::Ok{};
}

} // namespace coder::server
