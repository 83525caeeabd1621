#include "schedule_command.h"

#include "core/api_client.h"
#include "core/cli/cli_format.h"
#include "core/cli/client_context.h"
#include "core/cli/table_writer.h"
#include "core/duration.h"
#include "core/workspace_schedule.h"

#include <CLI/CLI.hpp>
#include <QJsonDocument>
#include <QLocale>
#include <QTimeZone>

namespace coder::core::cli {

namespace {

const QString manual = QStringLiteral("manual");

QString joined(const std::vector<std::string> &words)
{
    QStringList parts;
    for (const auto &word : words)
        parts.append(QString::fromStdString(word));
    return parts.join(u' ').trimmed();
}

// "9:30AM Mon Mar 4 (in 3h)", in the zone given (the schedule's, else local time).
QString upcoming(const QDateTime &at, const QDateTime &now, const QTimeZone &zone)
{
    const QDateTime shown = zone.isValid() ? at.toTimeZone(zone) : at.toLocalTime();
    return QStringLiteral("%1 (in %2)")
        .arg(QLocale::c().toString(shown, QStringLiteral("h:mmAP ddd MMM d")),
             CliFormat::distance(now.msecsTo(at)));
}

} // namespace

void ScheduleCommand::add(CLI::App &root, std::shared_ptr<ClientContext> context)
{
    auto command = std::make_shared<ScheduleCommand>(std::move(context));
    CLI::App *schedule =
        root.add_subcommand("schedule", "Show or change when a workspace starts and stops");
    schedule->fallthrough();
    schedule->require_subcommand(1);
    auto callback = [command](void (ScheduleCommand::*body)()) {
        return [command, body] {
            ClientContext::runOnEventLoop([command, body] { (*command.*body)(); });
        };
    };

    CLI::App *show = schedule->add_subcommand("show", "Show a workspace's schedule");
    show->fallthrough();
    show->add_option("workspace", command->m_name, "[OWNER/]NAME of the workspace")->required();
    show->add_option("-o,--output", command->m_output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    show->callback(callback(&ScheduleCommand::show));

    CLI::App *start = schedule->add_subcommand(
        "start", "Start the workspace on a schedule: \"<time> [days] [zone]\" or \"manual\"");
    start->fallthrough();
    start->add_option("workspace", command->m_name, "[OWNER/]NAME of the workspace")->required();
    start
        ->add_option("schedule", command->m_words,
                     "e.g. 9:30AM Mon-Fri Europe/Paris (days default to every day, the zone to "
                     "this machine's), or manual")
        ->required();
    start->callback(callback(&ScheduleCommand::setStart));

    CLI::App *stop = schedule->add_subcommand(
        "stop", "Stop the workspace this long after each start (e.g. 8h), or \"manual\"");
    stop->fallthrough();
    stop->add_option("workspace", command->m_name, "[OWNER/]NAME of the workspace")->required();
    stop->add_option("duration", command->m_words, "e.g. 8h, 1h30m, or manual")->required();
    stop->callback(callback(&ScheduleCommand::setStop));

    CLI::App *extend =
        schedule->add_subcommand("extend", "Keep a running workspace up until this long from now")
            ->alias("override-stop");
    extend->fallthrough();
    extend->add_option("workspace", command->m_name, "[OWNER/]NAME of the workspace")->required();
    extend->add_option("duration", command->m_words, "e.g. 2h")->required();
    extend->callback(callback(&ScheduleCommand::extend));
}

ScheduleCommand::ScheduleCommand(std::shared_ptr<ClientContext> context)
    : m_context(context), m_runner(context)
{}

QString ScheduleCommand::renderTable(const Workspace &workspace, const QDateTime &now)
{
    QString startsAt = manual;
    QString startsNext = QStringLiteral("-");
    if (workspace.autostartSchedule) {
        const auto schedule = WorkspaceSchedule::parseCron(*workspace.autostartSchedule);
        if (schedule) {
            startsAt = schedule->toHuman();
            if (const auto next = schedule->nextStart(now))
                startsNext = upcoming(*next, now, schedule->timeZone());
        } else {
            startsAt = *workspace.autostartSchedule;
        }
    }
    const QString stopsAfter = workspace.ttlMs ? duration::format(*workspace.ttlMs) : manual;
    QString stopsNext = QStringLiteral("-");
    const WorkspaceBuild &build = workspace.latestBuild;
    if (build.status == u"running" && build.deadline.isValid())
        stopsNext = upcoming(build.deadline, now, QTimeZone());

    TableWriter table({QStringLiteral("workspace"), QStringLiteral("starts at"),
                       QStringLiteral("starts next"), QStringLiteral("stops after"),
                       QStringLiteral("stops next")});
    table.addRow({workspace.fullName(), startsAt, startsNext, stopsAfter, stopsNext});
    return table.render();
}

void ScheduleCommand::show()
{
    m_context->withClient([this](ApiClient *client) {
        m_runner.find(client, QString::fromStdString(m_name), [this](Workspace workspace) {
            if (m_output == "json") {
                const QJsonObject json = QJsonDocument::fromJson(json::toJson(workspace)).object();
                m_context->print(
                    QString::fromUtf8(
                        QJsonDocument(
                            QJsonObject{
                                {QStringLiteral("autostart_schedule"),
                                 json.value(QStringLiteral("autostart_schedule"))},
                                {QStringLiteral("ttl_ms"), json.value(QStringLiteral("ttl_ms"))}})
                            .toJson())
                        .trimmed());
            } else {
                m_context->print(renderTable(workspace));
            }
            m_context->finish(0);
        });
    });
}

void ScheduleCommand::setStart()
{
    const QString text = joined(m_words);
    std::optional<QString> cron;
    if (text.compare(manual, Qt::CaseInsensitive) != 0) {
        const auto schedule = WorkspaceSchedule::parseHuman(text);
        if (!schedule)
            return m_context->fail(schedule.error());
        cron = schedule->toCron();
    }
    m_context->withClient([this, cron](ApiClient *client) {
        m_runner.find(client, QString::fromStdString(m_name), [this, client, cron](Workspace ws) {
            client->putAutostart(ws.id, cron, [this, client, id = ws.id](Result<Ok, ApiError> r) {
                if (!r)
                    return m_context->fail(r.error());
                showAfterChange(client, id);
            });
        });
    });
}

void ScheduleCommand::setStop()
{
    const QString text = joined(m_words);
    std::optional<qint64> ttl;
    if (text.compare(manual, Qt::CaseInsensitive) != 0) {
        const auto parsed = duration::parse(text);
        if (!parsed)
            return m_context->fail(parsed.error());
        if (parsed.value() < 60 * 1000)
            return m_context->fail(
                QStringLiteral("a workspace runs at least 1m before it stops by itself"));
        ttl = parsed.value();
    }
    m_context->withClient([this, ttl](ApiClient *client) {
        m_runner.find(client, QString::fromStdString(m_name), [this, client, ttl](Workspace ws) {
            client->putTtl(ws.id, ttl, [this, client, id = ws.id](Result<Ok, ApiError> r) {
                if (!r)
                    return m_context->fail(r.error());
                showAfterChange(client, id);
            });
        });
    });
}

void ScheduleCommand::extend()
{
    const auto duration = duration::parse(joined(m_words));
    if (!duration)
        return m_context->fail(duration.error());
    m_context->withClient([this, duration = duration.value()](ApiClient *client) {
        m_runner.find(
            client, QString::fromStdString(m_name), [this, client, duration](Workspace ws) {
                const QDateTime deadline = QDateTime::currentDateTimeUtc().addMSecs(duration);
                client->extend(ws.id, deadline, [this, client, id = ws.id](Result<Ok, ApiError> r) {
                    if (!r)
                        return m_context->fail(r.error());
                    showAfterChange(client, id);
                });
            });
    });
}

void ScheduleCommand::showAfterChange(ApiClient *client, const QUuid &workspaceId)
{
    client->workspace(workspaceId, [this](Result<Workspace, ApiError> workspace) {
        if (!workspace)
            return m_context->fail(workspace.error());
        m_context->print(renderTable(workspace.value()));
        m_context->finish(0);
    });
}

} // namespace coder::core::cli
