#pragma once

#include "core/workspace_types.h"

#include <QObject>
#include <QString>
#include <QUrl>

class QWebSocket;

namespace coder::core {

class ApiClient;

// Follows the logs of a provisioner job over coderd's WebSocket
// (GET .../logs?follow&after=N, one ProvisionerJobLog JSON per message). Emits each log in
// order; `finished` when the server closes the stream normally (the job completed and every
// log was sent); `failed` with a message fit for the user when the connection cannot be made,
// a message is not a log, or the stream ends any other way. Exactly one of the two comes.
class LogFollower : public QObject
{
    Q_OBJECT

public:
    // baseUrl: the deployment's http(s) URL; its scheme becomes ws(s).
    LogFollower(QUrl baseUrl, QString sessionToken, QObject *parent = nullptr);
    ~LogFollower() override;

    // path: "/api/v2/templateversions/{id}/logs" or "/api/v2/workspacebuilds/{id}/logs";
    // after: only logs with a larger id (0: all).
    void start(const QString &path, qint64 after = 0);
    // Closes the stream; no signal follows.
    void stop();

    // Starts following a job's logs with the client's URL and token. The follower is a child of
    // the client; delete it (or let the client go) when done.
    static LogFollower *follow(ApiClient &client, const QString &path, qint64 after = 0);

    // The WebSocket URL start() opens (for messages and tests).
    static QUrl streamUrl(const QUrl &baseUrl, const QString &path, qint64 after);
    // The id of the last log emitted (0: none yet), to resume with a later start().
    qint64 lastLogId() const { return m_lastLogId; }

Q_SIGNALS:
    void log(const coder::core::ProvisionerJobLog &log);
    void finished();
    void failed(const QString &message);

private:
    void onMessage(const QString &message);
    void onDisconnected();
    void fail(const QString &message);

    QUrl m_baseUrl;
    QString m_sessionToken;
    QUrl m_url;
    QWebSocket *m_socket = nullptr;
    qint64 m_lastLogId = 0;
    bool m_connected = false;
    bool m_done = false;
};

} // namespace coder::core
