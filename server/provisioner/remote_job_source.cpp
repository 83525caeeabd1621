#include "remote_job_source.h"

#include "core/api_client.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

namespace coder::server {

Q_DECLARE_LOGGING_CATEGORY(lcJobs)

// The socket side, on the source's own thread.
class RemoteJobSource::Connection : public QObject
{
public:
    // The socket and the timer are children, so that moveToThread takes them along.
    Connection(RemoteJobSource &source)
        : m_source(source), m_socket(QString(), QWebSocketProtocol::VersionLatest, this),
          m_reconnect(this)
    {
        m_reconnect.setSingleShot(true);
        connect(&m_reconnect, &QTimer::timeout, this, &Connection::open);
        connect(&m_socket, &QWebSocket::connected, this, [this] {
            m_backoffMs = 500;
            qCInfo(lcJobs) << "connected to coderd at" << m_source.m_options.url.toString();
            m_source.setConnected(true, {});
        });
        connect(&m_socket, &QWebSocket::disconnected, this, [this] { dropped(); });
        connect(&m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
                [this](QAbstractSocket::SocketError) { m_error = m_socket.errorString(); });
        connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject reply = QJsonDocument::fromJson(text.toUtf8()).object();
            m_source.resolve(reply.value(QStringLiteral("id")).toInteger(-1),
                             reply.value(QStringLiteral("ok")).toBool(),
                             reply.value(QStringLiteral("result")).toObject(),
                             reply.value(QStringLiteral("error")).toString());
        });
    }

    void open()
    {
        const Options &options = m_source.m_options;
        QUrl url = core::ApiClient::webSocketUrl(
            options.url, QStringLiteral("/api/v2/provisionerdaemons/serve"));
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("name"), options.name);
        query.addQueryItem(QStringLiteral("version"), QStringLiteral(CODER_VERSION));
        for (const QString &provisioner : options.provisioners)
            query.addQueryItem(QStringLiteral("provisioner"), provisioner);
        for (auto it = options.tags.cbegin(); it != options.tags.cend(); ++it)
            query.addQueryItem(QStringLiteral("tag"), it.key() + u'=' + it.value());
        url.setQuery(query);
        QNetworkRequest request(url);
        request.setRawHeader("Coder-Provisioner-Daemon-PSK", options.psk.toUtf8());
        m_error.clear();
        m_socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        m_socket.open(request);
    }

    void send(const QString &text) { m_socket.sendTextMessage(text); }
    void close()
    {
        m_closing = true;
        m_reconnect.stop();
        m_socket.abort();
    }

private:
    void dropped()
    {
        const QString why = m_error.isEmpty() ? QStringLiteral("the connection closed") : m_error;
        m_source.setConnected(false, why);
        if (m_closing)
            return;
        qCWarning(lcJobs) << "not connected to coderd:" << why << "- retrying in" << m_backoffMs
                          << "ms";
        m_reconnect.start(m_backoffMs);
        m_backoffMs = std::min(m_backoffMs * 2, 30000);
    }

    RemoteJobSource &m_source;
    QWebSocket m_socket;
    QTimer m_reconnect;
    QString m_error;
    int m_backoffMs = 500;
    bool m_closing = false;
};

RemoteJobSource::RemoteJobSource(Options options) : m_options(std::move(options))
{
    m_thread.setObjectName(QStringLiteral("provisionerd-socket"));
    m_thread.start();
    m_connection = new Connection(*this);
    m_connection->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_connection, [this] { m_connection->open(); });
}

RemoteJobSource::~RemoteJobSource()
{
    interrupt();
    QMetaObject::invokeMethod(
        m_connection,
        [this] {
            m_connection->close();
            delete m_connection;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QString RemoteJobSource::waitUntilConnected(int timeoutMs)
{
    QMutexLocker locker(&m_mutex);
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_attempted && !m_interrupted)
        if (!m_changed.wait(&m_mutex, deadline))
            break;
    if (!m_attempted && !m_interrupted)
        return QStringLiteral("no answer from %1 within %2 s")
            .arg(m_options.url.toString())
            .arg(timeoutMs / 1000);
    return m_connected ? QString() : m_lastError;
}

void RemoteJobSource::setConnected(bool connected, const QString &error)
{
    {
        QMutexLocker locker(&m_mutex);
        m_connected = connected;
        m_attempted = true;
        m_lastError = error;
    }
    m_changed.wakeAll();
    if (!connected)
        failAll(QStringLiteral("lost the connection to coderd: %1").arg(error));
}

void RemoteJobSource::resolve(qint64 id, bool ok, const QJsonObject &result, const QString &error)
{
    {
        QMutexLocker locker(&m_mutex);
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            return; // its caller gave up waiting
        it->second = {it->second.acquire, true, ok, result, error};
    }
    m_changed.wakeAll();
}

void RemoteJobSource::failAll(const QString &error, bool acquiresOnly)
{
    {
        QMutexLocker locker(&m_mutex);
        for (auto &[id, pending] : m_pending)
            if (!pending.done && (pending.acquire || !acquiresOnly))
                pending = {pending.acquire, true, false, {}, error};
    }
    m_changed.wakeAll();
}

void RemoteJobSource::interrupt()
{
    {
        QMutexLocker locker(&m_mutex);
        m_interrupted = true;
    }
    failAll(QStringLiteral("the daemon is stopping"), true);
}

core::Result<QJsonObject, QString> RemoteJobSource::call(const QString &type, QJsonObject request,
                                                         int timeoutMs)
{
    qint64 id;
    {
        QMutexLocker locker(&m_mutex);
        const bool acquire = type == QLatin1String("acquire");
        if (m_interrupted && acquire)
            return QStringLiteral("the daemon is stopping");
        if (!m_connected)
            return QStringLiteral("not connected to coderd: %1").arg(m_lastError);
        id = m_nextId++;
        m_pending.emplace(id, Pending{acquire, false, false, {}, {}});
    }
    request.insert(QStringLiteral("id"), id);
    request.insert(QStringLiteral("type"), type);
    const QString text = QString::fromUtf8(QJsonDocument(request).toJson(QJsonDocument::Compact));
    QMetaObject::invokeMethod(m_connection, [this, text] { m_connection->send(text); });

    QMutexLocker locker(&m_mutex);
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_pending[id].done)
        if (!m_changed.wait(&m_mutex, deadline))
            break;
    const bool answered = m_pending[id].done;
    const Pending pending = m_pending[id];
    m_pending.erase(id);
    if (!answered)
        return QStringLiteral("coderd did not answer a %1 request within %2 s")
            .arg(type)
            .arg(timeoutMs / 1000);
    if (!pending.ok)
        return pending.error;
    return pending.result;
}

core::Result<core::Ok, QString> RemoteJobSource::callForJob(const QString &type, const QUuid &jobId,
                                                            QJsonObject request)
{
    request.insert(QStringLiteral("job_id"), jobId.toString(QUuid::WithoutBraces));
    auto result = call(type, std::move(request), m_options.requestTimeoutMs);
    if (!result)
        return result.error();
    return core::Ok{};
}

core::Result<std::optional<AcquiredJob>, QString> RemoteJobSource::acquire(int waitMs)
{
    auto result = call(QStringLiteral("acquire"), {{QStringLiteral("timeout_ms"), waitMs}},
                       waitMs + m_options.requestTimeoutMs);
    if (!result)
        return result.error();
    const QJsonValue job = result->value(QStringLiteral("job"));
    if (!job.isObject())
        return std::optional<AcquiredJob>();
    auto decoded = AcquiredJob::fromJson(job.toObject());
    if (!decoded)
        return QStringLiteral("coderd sent a job this daemon cannot read: %1").arg(decoded.error());
    return std::optional<AcquiredJob>(std::move(*decoded));
}

core::Result<bool, QString> RemoteJobSource::heartbeat(const QUuid &jobId)
{
    auto result = call(QStringLiteral("heartbeat"),
                       {{QStringLiteral("job_id"), jobId.toString(QUuid::WithoutBraces)}},
                       m_options.requestTimeoutMs);
    if (!result)
        return result.error();
    return result->value(QStringLiteral("canceled")).toBool();
}

core::Result<core::Ok, QString> RemoteJobSource::appendLogs(const QUuid &jobId,
                                                            const QList<JobLogLine> &logs)
{
    QJsonArray lines;
    for (const JobLogLine &line : logs)
        lines.append(logLineToJson(line));
    return callForJob(QStringLiteral("logs"), jobId, {{QStringLiteral("logs"), lines}});
}

core::Result<core::Ok, QString> RemoteJobSource::checkpoint(const QUuid &jobId,
                                                            const QByteArray &state)
{
    return callForJob(QStringLiteral("checkpoint"), jobId,
                      {{QStringLiteral("state"), QString::fromLatin1(state.toBase64())}});
}

core::Result<core::Ok, QString> RemoteJobSource::completeImport(const QUuid &jobId,
                                                                const ImportResult &result)
{
    return callForJob(QStringLiteral("complete_import"), jobId,
                      {{QStringLiteral("result"), result.toJson()}});
}

core::Result<core::Ok, QString> RemoteJobSource::completeBuild(const QUuid &jobId,
                                                               const BuildResult &result)
{
    return callForJob(QStringLiteral("complete_build"), jobId,
                      {{QStringLiteral("result"), buildResultToJson(result)}});
}

core::Result<core::Ok, QString> RemoteJobSource::fail(const QUuid &jobId,
                                                      const BuildFailure &failure)
{
    return callForJob(QStringLiteral("fail"), jobId,
                      {{QStringLiteral("failure"), buildFailureToJson(failure)}});
}

} // namespace coder::server
