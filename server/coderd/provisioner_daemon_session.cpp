#include "provisioner_daemon_session.h"

#include "core/work_pool.h"
#include "provisioner_job_server.h"
#include "server/database/pubsub.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobServer)

namespace {

constexpr qint64 maxAcquireWaitMs = 60 * 1000;
constexpr qint64 touchIntervalMs = 5000;

// Runs one request other than acquire against the job server (on the pool); the reply to send.
QJsonObject handle(ProvisionerJobServer &jobs, const QUuid &worker, const QJsonObject &request)
{
    const qint64 id = request.value(QStringLiteral("id")).toInteger(-1);
    const QString type = request.value(QStringLiteral("type")).toString();
    auto failure = [id](const QString &error) {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("ok"), false},
                           {QStringLiteral("error"), error}};
    };
    auto success = [id](const QJsonObject &result = {}) {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("ok"), true},
                           {QStringLiteral("result"), result}};
    };
    const QUuid jobId = QUuid::fromString(request.value(QStringLiteral("job_id")).toString());
    if (jobId.isNull())
        return failure(QStringLiteral("job_id is missing or not a UUID"));
    core::Result<core::Ok, QString> done = core::Ok{};
    if (type == QLatin1String("heartbeat")) {
        auto canceled = jobs.heartbeat(jobId, worker);
        if (!canceled)
            return failure(canceled.error());
        return success({{QStringLiteral("canceled"), *canceled}});
    } else if (type == QLatin1String("logs")) {
        QList<JobLogLine> lines;
        for (const QJsonValue &line : request.value(QStringLiteral("logs")).toArray())
            lines.append(logLineFromJson(line.toObject()));
        done = jobs.appendLogs(jobId, worker, lines);
    } else if (type == QLatin1String("checkpoint")) {
        done = jobs.checkpoint(
            jobId, worker,
            QByteArray::fromBase64(request.value(QStringLiteral("state")).toString().toLatin1()));
    } else if (type == QLatin1String("complete_import")) {
        auto result = ImportResult::fromJson(request.value(QStringLiteral("result")).toObject());
        if (!result)
            return failure(result.error());
        done = jobs.completeImport(jobId, worker, *result);
    } else if (type == QLatin1String("complete_build")) {
        auto result = buildResultFromJson(request.value(QStringLiteral("result")).toObject());
        if (!result)
            return failure(result.error());
        done = jobs.completeBuild(jobId, worker, *result);
    } else if (type == QLatin1String("fail")) {
        done = jobs.fail(jobId, worker,
                         buildFailureFromJson(request.value(QStringLiteral("failure")).toObject()));
    } else {
        return failure(QStringLiteral("unknown request type \"%1\"").arg(type));
    }
    if (!done)
        return failure(done.error());
    return success();
}

} // namespace

void ProvisionerDaemonSession::start(ProvisionerJobServer &jobs, core::WorkPool &pool,
                                     QWebSocket *socket, const ProvisionerDaemon &daemon)
{
    new ProvisionerDaemonSession(jobs, pool, socket, daemon); // parented to the socket
}

ProvisionerDaemonSession::ProvisionerDaemonSession(ProvisionerJobServer &jobs, core::WorkPool &pool,
                                                   QWebSocket *socket,
                                                   const ProvisionerDaemon &daemon)
    : QObject(socket), m_jobs(jobs), m_pool(pool), m_socket(socket),
      m_daemon(daemon), m_identity{daemon.id, daemon.provisioners, daemon.tags},
      m_lastTouchMs(QDateTime::currentMSecsSinceEpoch()) // the upsert that admitted it
{
    qCInfo(lcJobServer) << "provisioner daemon" << daemon.name << "connected";
    socket->setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
    connect(socket, &QWebSocket::textMessageReceived, this, &ProvisionerDaemonSession::onMessage);
    connect(socket, &QWebSocket::disconnected, socket, [socket, name = daemon.name] {
        qCInfo(lcJobServer) << "provisioner daemon" << name << "disconnected";
        socket->deleteLater();
    });
    m_retry.setInterval(1000);
    connect(&m_retry, &QTimer::timeout, this, &ProvisionerDaemonSession::wantAcquire);
    auto subscription = jobs.pubsub().listen(
        channels::jobPosted, this, [this](const QByteArray &) { wantAcquire(); },
        [name = daemon.name](const QString &error) {
            if (!error.isEmpty()) // the one-second retry still finds jobs
                qCWarning(lcJobServer)
                    << "session of daemon" << name << "cannot listen for new jobs:" << error;
        });
    if (subscription)
        m_subscription = std::move(*subscription);
    else
        qCWarning(lcJobServer) << "daemon session cannot listen for new jobs:"
                               << subscription.error();
}

void ProvisionerDaemonSession::send(const QJsonObject &message)
{
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void ProvisionerDaemonSession::reply(qint64 id, bool ok, const QJsonObject &result,
                                     const QString &error)
{
    QJsonObject message{{QStringLiteral("id"), id}, {QStringLiteral("ok"), ok}};
    if (ok)
        message.insert(QStringLiteral("result"), result);
    else
        message.insert(QStringLiteral("error"), error);
    send(message);
}

void ProvisionerDaemonSession::onMessage(const QString &text)
{
    const QJsonObject request = QJsonDocument::fromJson(text.toUtf8()).object();
    const qint64 id = request.value(QStringLiteral("id")).toInteger(-1);
    const QString type = request.value(QStringLiteral("type")).toString();
    if (id < 0 || type.isEmpty()) {
        m_socket->close(QWebSocketProtocol::CloseCodeProtocolError,
                        QStringLiteral("every message needs an id and a type"));
        return;
    }
    if (type == QLatin1String("acquire")) {
        const qint64 wait = std::clamp<qint64>(
            request.value(QStringLiteral("timeout_ms")).toInteger(10000), 0, maxAcquireWaitMs);
        m_pending.append({id, QDateTime::currentMSecsSinceEpoch() + wait});
        wantAcquire();
        return;
    }
    m_requests.append(request);
    next();
}

void ProvisionerDaemonSession::wantAcquire()
{
    m_acquireWanted = true;
    next();
}

void ProvisionerDaemonSession::next()
{
    // A job taken for a daemon that can no longer hear it would only wait for the reaper.
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        m_pending.clear();
        m_requests.clear();
        m_retry.stop();
        return;
    }
    if (m_busy)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool touch = now - m_lastTouchMs >= touchIntervalMs;
    if (touch)
        m_lastTouchMs = now;
    ProvisionerJobServer &jobs = m_jobs;
    const QUuid daemonId = m_daemon.id;
    auto touchDaemon = [&jobs, daemonId, touch] {
        if (touch)
            jobs.store().jobs().touchDaemon(daemonId, QDateTime::currentDateTimeUtc());
    };
    if (!m_requests.isEmpty()) {
        m_busy = true;
        m_pool.run(
            m_mailbox.address(),
            [&jobs, daemonId, touchDaemon, request = m_requests.takeFirst()] {
                touchDaemon();
                return handle(jobs, daemonId, request);
            },
            [this](const QJsonObject &reply) {
                m_busy = false;
                send(reply);
                next();
            });
        return;
    }
    if (!m_acquireWanted || m_pending.isEmpty())
        return;
    m_acquireWanted = false;
    m_busy = true;
    m_pool.run(
        m_mailbox.address(),
        [&jobs, touchDaemon,
         identity = m_identity]() -> core::Result<std::optional<QJsonObject>, QString> {
            touchDaemon();
            auto job = jobs.acquire(identity);
            if (!job)
                return job.error();
            if (!*job)
                return std::optional<QJsonObject>();
            return std::optional<QJsonObject>((*job)->toJson());
        },
        [this](const core::Result<std::optional<QJsonObject>, QString> &job) {
            m_busy = false;
            acquired(job);
            next();
        });
}

void ProvisionerDaemonSession::acquired(
    const core::Result<std::optional<QJsonObject>, QString> &job)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState || m_pending.isEmpty())
        return; // a job taken meanwhile goes to the reaper when its heartbeat stays away
    if (!job || *job) {
        const PendingAcquire pending = m_pending.takeFirst();
        if (!job)
            reply(pending.id, false, {}, job.error());
        else
            reply(pending.id, true, {{QStringLiteral("job"), **job}});
        m_acquireWanted = !m_pending.isEmpty(); // the others may find a job too
    } else {
        // Nothing to run: answer the waits that are over, keep the others.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (qsizetype i = m_pending.size() - 1; i >= 0; --i) {
            if (m_pending.at(i).deadlineMs <= now) {
                reply(m_pending.at(i).id, true, {{QStringLiteral("job"), QJsonValue()}});
                m_pending.removeAt(i);
            }
        }
    }
    if (m_pending.isEmpty())
        m_retry.stop();
    else if (!m_retry.isActive())
        m_retry.start();
}

} // namespace coder::server
