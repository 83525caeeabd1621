#include "provisioner_daemon_session.h"

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
}

void ProvisionerDaemonSession::start(ProvisionerJobServer &jobs, QWebSocket *socket,
                                     const ProvisionerDaemon &daemon)
{
    new ProvisionerDaemonSession(jobs, socket, daemon); // parented to the socket
}

ProvisionerDaemonSession::ProvisionerDaemonSession(ProvisionerJobServer &jobs, QWebSocket *socket,
                                                   const ProvisionerDaemon &daemon)
    : QObject(socket), m_jobs(jobs), m_socket(socket),
      m_daemon(daemon), m_identity{daemon.id, daemon.provisioners, daemon.tags}
{
    qCInfo(lcJobServer) << "provisioner daemon" << daemon.name << "connected";
    socket->setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
    connect(socket, &QWebSocket::textMessageReceived, this, &ProvisionerDaemonSession::onMessage);
    connect(socket, &QWebSocket::disconnected, socket, [socket, name = daemon.name] {
        qCInfo(lcJobServer) << "provisioner daemon" << name << "disconnected";
        socket->deleteLater();
    });
    m_retry.setInterval(1000);
    connect(&m_retry, &QTimer::timeout, this, &ProvisionerDaemonSession::retryAcquires);
    auto subscription = jobs.pubsub().subscribe(channels::jobPosted, this,
                                                [this](const QByteArray &) { retryAcquires(); });
    if (subscription)
        m_subscription = std::move(*subscription);
    else // the one-second retry still finds jobs
        qCWarning(lcJobServer) << "daemon session cannot listen for new jobs:"
                               << subscription.error();
}

void ProvisionerDaemonSession::reply(qint64 id, bool ok, const QJsonObject &result,
                                     const QString &error)
{
    QJsonObject message{{QStringLiteral("id"), id}, {QStringLiteral("ok"), ok}};
    if (ok)
        message.insert(QStringLiteral("result"), result);
    else
        message.insert(QStringLiteral("error"), error);
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void ProvisionerDaemonSession::touch()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastTouchMs < 5000)
        return;
    m_lastTouchMs = now;
    m_jobs.store().touchProvisionerDaemon(m_daemon.id, QDateTime::currentDateTimeUtc());
}

void ProvisionerDaemonSession::onMessage(const QString &text)
{
    touch();
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
        retryAcquires();
        return;
    }
    bool ok = true;
    const QJsonObject result = handle(type, request, ok);
    reply(id, ok, ok ? result : QJsonObject(),
          ok ? QString() : result.value(QStringLiteral("error")).toString());
}

QJsonObject ProvisionerDaemonSession::handle(const QString &type, const QJsonObject &request,
                                             bool &ok)
{
    auto failure = [&ok](const QString &error) {
        ok = false;
        return QJsonObject{{QStringLiteral("error"), error}};
    };
    const QUuid jobId = QUuid::fromString(request.value(QStringLiteral("job_id")).toString());
    if (jobId.isNull())
        return failure(QStringLiteral("job_id is missing or not a UUID"));
    const QUuid worker = m_daemon.id;
    core::Result<core::Ok, QString> done = core::Ok{};
    if (type == QLatin1String("heartbeat")) {
        auto canceled = m_jobs.heartbeat(jobId, worker);
        if (!canceled)
            return failure(canceled.error());
        return {{QStringLiteral("canceled"), *canceled}};
    } else if (type == QLatin1String("logs")) {
        QList<JobLogLine> lines;
        for (const QJsonValue &line : request.value(QStringLiteral("logs")).toArray())
            lines.append(logLineFromJson(line.toObject()));
        done = m_jobs.appendLogs(jobId, worker, lines);
    } else if (type == QLatin1String("checkpoint")) {
        done = m_jobs.checkpoint(
            jobId, worker,
            QByteArray::fromBase64(request.value(QStringLiteral("state")).toString().toLatin1()));
    } else if (type == QLatin1String("complete_import")) {
        auto result = ImportResult::fromJson(request.value(QStringLiteral("result")).toObject());
        if (!result)
            return failure(result.error());
        done = m_jobs.completeImport(jobId, worker, *result);
    } else if (type == QLatin1String("complete_build")) {
        auto result = buildResultFromJson(request.value(QStringLiteral("result")).toObject());
        if (!result)
            return failure(result.error());
        done = m_jobs.completeBuild(jobId, worker, *result);
    } else if (type == QLatin1String("fail")) {
        done =
            m_jobs.fail(jobId, worker,
                        buildFailureFromJson(request.value(QStringLiteral("failure")).toObject()));
    } else {
        return failure(QStringLiteral("unknown request type \"%1\"").arg(type));
    }
    if (!done)
        return failure(done.error());
    return {};
}

void ProvisionerDaemonSession::retryAcquires()
{
    // A job taken for a daemon that can no longer hear it would only wait for the reaper.
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        m_pending.clear();
        m_retry.stop();
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (!m_pending.isEmpty()) {
        const PendingAcquire pending = m_pending.first();
        auto job = m_jobs.acquire(m_identity);
        if (!job) {
            m_pending.removeFirst();
            reply(pending.id, false, {}, job.error());
            continue;
        }
        if (*job) {
            m_pending.removeFirst();
            reply(pending.id, true, {{QStringLiteral("job"), (*job)->toJson()}});
            continue;
        }
        // Nothing to run: answer the waits that are over, keep the others.
        for (qsizetype i = m_pending.size() - 1; i >= 0; --i) {
            if (m_pending.at(i).deadlineMs <= now) {
                reply(m_pending.at(i).id, true, {{QStringLiteral("job"), QJsonValue()}});
                m_pending.removeAt(i);
            }
        }
        break;
    }
    if (m_pending.isEmpty())
        m_retry.stop();
    else if (!m_retry.isActive())
        m_retry.start();
}

} // namespace coder::server
