#pragma once

#include "job_protocol.h"

#include <QMap>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QUrl>
#include <QWaitCondition>
#include <map>

class QWebSocket;

namespace coder::server {

// The JobSource of an external daemon (`coder provisionerd start`): a WebSocket to coderd's
// /api/v2/provisionerdaemons/serve, authenticated with the pre-shared key, on a thread of its
// own, reconnecting with backoff (0.5 s doubling to 30 s) whenever it drops. Daemon and job
// threads call in and block until coderd answers (see ProvisionerDaemonSession for the
// messages): they are the threads that may wait (JobDaemons), the socket's thread never does.
class RemoteJobSource : public JobSource
{
public:
    struct Options
    {
        QUrl url; // coderd's URL
        QString psk;
        QString name;
        QStringList provisioners;
        QMap<QString, QString> tags;
        int requestTimeoutMs = 30000;
    };

    explicit RemoteJobSource(Options options);
    ~RemoteJobSource() override;

    // Waits for the first connection attempt to end: "" when connected, else why not. A refused
    // key (401) says so, since retrying cannot help.
    QString waitUntilConnected(int timeoutMs);

    core::Result<std::optional<AcquiredJob>, QString> acquire(int waitMs) override;
    core::Result<bool, QString> heartbeat(const QUuid &jobId) override;
    core::Result<core::Ok, QString> appendLogs(const QUuid &jobId,
                                               const QList<JobLogLine> &logs) override;
    core::Result<core::Ok, QString> checkpoint(const QUuid &jobId,
                                               const QByteArray &state) override;
    core::Result<core::Ok, QString> completeImport(const QUuid &jobId,
                                                   const ImportResult &result) override;
    core::Result<core::Ok, QString> completeBuild(const QUuid &jobId,
                                                  const BuildResult &result) override;
    core::Result<core::Ok, QString> fail(const QUuid &jobId, const BuildFailure &failure) override;
    void interrupt() override;

private:
    class Connection;
    struct Pending
    {
        bool acquire = false; // an interrupt ends only these: running jobs still report
        bool done = false;
        bool ok = false;
        QJsonObject result;
        QString error;
    };

    core::Result<QJsonObject, QString> call(const QString &type, QJsonObject request,
                                            int timeoutMs);
    core::Result<core::Ok, QString> callForJob(const QString &type, const QUuid &jobId,
                                               QJsonObject request);
    // Called on the connection's thread.
    void resolve(qint64 id, bool ok, const QJsonObject &result, const QString &error);
    void failAll(const QString &error, bool acquiresOnly = false);
    void setConnected(bool connected, const QString &error);

    Options m_options;
    QThread m_thread;
    Connection *m_connection = nullptr; // lives on m_thread
    QMutex m_mutex;
    QWaitCondition m_changed;
    std::map<qint64, Pending> m_pending;
    qint64 m_nextId = 1;
    bool m_connected = false;
    bool m_attempted = false;
    bool m_interrupted = false;
    QString m_lastError;
};

} // namespace coder::server
