#include "metadata_collector.h"

#include "core/api_client.h"

#include <QLoggingCategory>
#include <QProcess>

namespace coder::server::agent {

Q_LOGGING_CATEGORY(lcMetadata, "coder.agent.metadata")

MetadataCollector::MetadataCollector(core::ApiClient &api, QObject *parent)
    : QObject(parent), m_api(api)
{}

void MetadataCollector::start(const QList<core::WorkspaceAgentMetadataDescription> &items,
                              const QString &directory, const QProcessEnvironment &environment)
{
    stop();
    m_directory = directory;
    m_environment = environment;
    for (const core::WorkspaceAgentMetadataDescription &item : items) {
        auto *timer = new QTimer(this);
        timer->setInterval(std::chrono::seconds(std::max<qint64>(1, item.interval)));
        connect(timer, &QTimer::timeout, this, [this, item] { run(item); });
        timer->start();
        m_timers.append(timer);
        run(item); // a first value at once
    }
}

void MetadataCollector::stop()
{
    qDeleteAll(m_timers);
    m_timers.clear();
}

void MetadataCollector::run(const core::WorkspaceAgentMetadataDescription &item)
{
    if (m_running.contains(item.key))
        return; // the last run has not ended: this one is skipped
    m_running.insert(item.key);
    auto *process = new QProcess(this);
    process->setProcessEnvironment(m_environment);
    process->setWorkingDirectory(m_directory);
    auto *timeout = new QTimer(process);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, process,
            [this, process, key = item.key, seconds = item.timeout] {
                process->disconnect(this);
                process->kill();
                m_running.remove(key);
                record(key, {}, QStringLiteral("timed out after %1 s").arg(seconds));
                process->deleteLater();
            });
    connect(process, &QProcess::finished, this,
            [this, process, key = item.key](int exitCode, QProcess::ExitStatus status) {
                m_running.remove(key);
                const QString out =
                    QString::fromUtf8(process->readAllStandardOutput().left(kMaxValue)).trimmed();
                const QString err =
                    QString::fromUtf8(process->readAllStandardError().left(kMaxValue)).trimmed();
                if (status == QProcess::NormalExit && exitCode == 0)
                    record(key, out, {});
                else
                    record(key, out,
                           err.isEmpty() ? QStringLiteral("exit code %1").arg(exitCode) : err);
                process->deleteLater();
            });
    connect(process, &QProcess::errorOccurred, this,
            [this, process, key = item.key](QProcess::ProcessError error) {
                if (error != QProcess::FailedToStart)
                    return;
                m_running.remove(key);
                record(key, {}, process->errorString());
                process->deleteLater();
            });
    process->start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), item.script});
    timeout->start(std::chrono::seconds(std::max<qint64>(1, item.timeout)));
}

void MetadataCollector::record(const QString &key, const QString &value, const QString &error)
{
    const QPair<QString, QString> now{value, error};
    if (m_last.value(key) == now && m_last.contains(key))
        return; // unchanged: coderd has it
    m_last.insert(key, now);
    m_pending.insert(key, {key, value, error, QDateTime::currentDateTimeUtc()});
    flush();
}

void MetadataCollector::flush()
{
    if (m_inFlight || m_pending.isEmpty())
        return;
    core::PostMetadataRequest request;
    request.metadata = m_pending.values();
    m_pending.clear();
    m_inFlight = true;
    m_api.sendJson("POST", QStringLiteral("/api/v2/workspaceagents/me/metadata"), request,
                   [this, request](core::Result<QJsonDocument, core::ApiError> result) {
                       m_inFlight = false;
                       if (!result) {
                           qCWarning(lcMetadata).noquote()
                               << "metadata report failed:" << result.error().message;
                           // Lost values come again on their next run unless unchanged: forget
                           // them, so they are sent then.
                           for (const core::AgentMetadataReport &item : request.metadata)
                               m_last.remove(item.key);
                       }
                       flush();
                   });
}

} // namespace coder::server::agent
